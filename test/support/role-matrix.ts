/**
 * Who may call what, written out by hand — the same table as docs/security.md ("Role
 * matrix"), never derived from the code that enforces it. test/roles.test.ts holds the
 * API to it (and test/establishments.test.ts to SELLER_FIELDS); test/node/security-doc.test.ts
 * holds the document to both.
 */
export const ROLE_MATRIX: Record<string, readonly string[]> = {
  "POST /api/v1/auth/logout-all": ["admin", "seller", "support", "analyst"],
  "GET /api/v1/auth/me": ["admin", "seller", "support", "analyst"],
  "POST /api/v1/auth/password": ["admin", "seller", "support", "analyst"],
  "POST /api/v1/users": ["admin"],
  "GET /api/v1/users": ["admin", "support"],
  "GET /api/v1/users/{id}": ["admin", "seller", "support", "analyst"],
  "PATCH /api/v1/users/{id}": ["admin"],
  "GET /api/v1/users/{id}/sessions": ["admin", "support"],
  "DELETE /api/v1/users/{id}/sessions": ["admin", "support"],
  "POST /api/v1/users/{id}/unlock": ["admin", "support"],
  "GET /api/v1/users/{id}/sign-in-status": ["admin", "support"],
  "POST /api/v1/users/{id}/password-reset": ["admin", "support"],
  "POST /api/v1/products": ["admin"],
  "GET /api/v1/products": ["admin", "seller", "support", "analyst"],
  "GET /api/v1/products/{id}": ["admin", "seller", "support", "analyst"],
  "PATCH /api/v1/products/{id}": ["admin"],
  "PUT /api/v1/products/{id}": ["admin"],
  "DELETE /api/v1/products/{id}": ["admin"],
  "POST /api/v1/establishments": ["admin", "seller"],
  "GET /api/v1/establishments": ["admin", "seller", "support", "analyst"],
  "GET /api/v1/establishments/{id}": ["admin", "seller", "support", "analyst"],
  "PATCH /api/v1/establishments/{id}": ["admin", "seller"],
  "PUT /api/v1/establishments/{id}": ["admin", "seller"],
  "DELETE /api/v1/establishments/{id}": ["admin"],
  "GET /api/v1/establishments/{id}/sellers": ["admin", "seller", "support", "analyst"],
  "PUT /api/v1/establishments/{id}/sellers/{userId}": ["admin"],
  "DELETE /api/v1/establishments/{id}/sellers/{userId}": ["admin"],
  "GET /api/v1/establishments/{id}/portfolio": ["admin", "seller", "support", "analyst"],
  "POST /api/v1/portfolios": ["admin"],
  "GET /api/v1/portfolios": ["admin", "seller", "support", "analyst"],
  "GET /api/v1/portfolios/{id}": ["admin", "seller", "support", "analyst"],
  "PATCH /api/v1/portfolios/{id}": ["admin"],
  "PUT /api/v1/portfolios/{id}": ["admin"],
  "DELETE /api/v1/portfolios/{id}": ["admin"],
  "GET /api/v1/portfolios/{id}/items": ["admin", "seller", "support", "analyst"],
  "PUT /api/v1/portfolios/{id}/items/{productId}": ["admin"],
  "DELETE /api/v1/portfolios/{id}/items/{productId}": ["admin"],
  "GET /api/v1/audit-events": ["admin", "support"],
  "GET /api/v1/stats/export/products": ["admin", "analyst"],
  "GET /api/v1/stats/export/establishments": ["admin", "analyst"],
  "GET /api/v1/stats/export/portfolio-items": ["admin", "analyst"],
  "GET /api/v1/stats/export/users": ["admin", "analyst"],
  "GET /api/v1/stats/export/audit-events": ["admin", "analyst"],
  "GET /api/v1/stats/overview": ["admin", "analyst"],
  "POST /api/v1/stats/overview/refresh": ["admin", "analyst"],
  "GET /api/v1/sync": ["admin", "seller"],
  "POST /api/v1/batch": ["admin", "seller", "support", "analyst"],
  "POST /api/v1/imports/{entity}": ["admin"],
  "GET /api/v1/imports": ["admin", "support"],
  "GET /api/v1/imports/{id}": ["admin", "support"],
  "GET /api/v1/imports/{id}/rows": ["admin", "support"],
};

export const ROLES = ["admin", "seller", "support", "analyst"] as const;

/**
 * What a seller may write on an establishment, field by field:
 * [may set it on create, may change it on a store of their route]. Admins may set all.
 */
export const SELLER_FIELDS: Record<string, readonly [create: boolean, update: boolean]> = {
  name: [true, false],
  kind: [true, false],
  address: [true, true],
  city: [true, true],
  department: [true, true],
  latitude: [true, true],
  longitude: [true, true],
  phone: [true, true],
  taxId: [false, false],
  code: [false, false],
  portfolioId: [false, false],
  status: [false, false],
};
