/**
 * The examples of the OpenAPI document: one small, consistent set of Colombian field-sales
 * data — a seller in Medellín, the shop on her route, the portfolio it carries and two of
 * its products — so every example refers to the others by the same ids.
 * test/node/openapi.test.ts validates each against the schema it illustrates.
 */

const ids = {
  seller: "0193b6e2-7c1a-7d3e-9f00-5a1b2c3d4e5f",
  session: "0193c2a1-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
  cola: "0193b6e3-0b1c-7d2e-8f3a-4b5c6d7e8f90",
  chips: "0193b6e3-1c2d-7e3f-9a4b-5c6d7e8f9a01",
  shop: "0193b6e4-2c3d-7e4f-9a5b-6c7d8e9fa0b1",
  portfolio: "0193b6e5-3d4e-7f5a-8b6c-7d8e9fa0b1c2",
};

/** base64url of a cursor's `[sort, value, id]`, as src/lib/pagination.ts makes them. */
const cursors = {
  product:
    "WyJuYW1lIiwiR2FzZW9zYSBjb2xhIDM1MCBtbCIsIjAxOTNiNmUzLTBiMWMtN2QyZS04ZjNhLTRiNWM2ZDdlOGY5MCJd",
  establishment:
    "WyJuYW1lIiwiVGllbmRhIERvw7FhIFJvc2EiLCIwMTkzYjZlNC0yYzNkLTdlNGYtOWE1Yi02YzdkOGU5ZmEwYjEiXQ",
  user: "WyJjcmVhdGVkQXQiLCIyMDI2LTEwLTAyVDE0OjExOjA1LjQ4MloiLCIwMTkzYjZlMi03YzFhLTdkM2UtOWYwMC01YTFiMmMzZDRlNWYiXQ",
  portfolio:
    "WyJuYW1lIiwiVGllbmRhcyBkZSBiYXJyaW8gQW50aW9xdWlhIiwiMDE5M2I2ZTUtM2Q0ZS03ZjVhLThiNmMtN2Q4ZTlmYTBiMWMyIl0",
};

// Users ------------------------------------------------------------------------------------

export const user = {
  id: ids.seller,
  email: "ana.gomez@example.co",
  firstName: "Ana María",
  lastName: "Gómez",
  documentNumber: "1032456789",
  phone: "+57 300 555 0100",
  role: "seller",
  status: "active",
  passwordChangedAt: "2026-10-02T14:11:05.482Z",
  lastLoginAt: "2026-11-26T12:30:08.915Z",
  version: 3,
  createdAt: "2026-10-02T14:11:05.482Z",
  updatedAt: "2026-11-02T09:15:41.207Z",
};

export const createUser = {
  email: "jorge.ramirez@example.co",
  password: "bandeja paisa los domingos",
  firstName: "Jorge Iván",
  lastName: "Ramírez",
  documentNumber: "71654321",
  phone: "+57 310 555 0123",
  role: "seller",
};

export const updateUser = { lastName: "Ramírez Ochoa", phone: "+57 310 555 0199" };

export const userPage = { data: [user], nextCursor: cursors.user };

export const session = {
  sessionId: ids.session,
  createdAt: "2026-11-26T12:30:08.915Z",
  lastUsedAt: "2026-11-26T21:05:42.123Z",
  expiresAt: "2026-12-26T12:30:08.915Z",
  ip: "190.24.135.10",
  userAgent: "PortafolioVentas/2.3.0 (Android 14; SM-A155M)",
};

export const sessionList = { data: [session] };

// Sign-in ----------------------------------------------------------------------------------

export const login = { email: "ana.gomez@example.co", password: "cafe con pandebono 2026" };

const refreshToken = "EgFjTTtJUkgZCeAF9CoM6EdJe5ZDfOyINOs3yAm5tvw";

export const refresh = { refreshToken };

export const logout = { refreshToken };

export const changePassword = {
  currentPassword: "cafe con pandebono 2026",
  newPassword: "arepa de choclo al desayuno",
};

export const tokenPair = {
  accessToken:
    "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6IjIwMjYtMTEifQ." +
    "eyJpc3MiOiJodHRwczovL2FwaS5wb3J0YWZvbGlvLmV4YW1wbGUiLCJhdWQiOiJwb3J0YWZvbGlvLWFwaSIsInN1YiI6IjAxOTNiNmUyLTdjMWEtN2QzZS05ZjAwLTVhMWIyYzNkNGU1ZiIsInNpZCI6IjAxOTNjMmExLTVlNmYtN2E4Yi05YzBkLTFlMmYzYTRiNWM2ZCIsImlhdCI6MTc5NTY5NjIwMCwiZXhwIjoxNzk1Njk3MTAwfQ." +
    "MEUCIQDx0vY2xq3lJ8rJcJmQm2p1b0S3rVQ5Vt4q2l6Jb4v1YQIgS0m7hX2m8w9o4f1c5W6n2d0R1y4q8P3z7K5b2N9c1A",
  tokenType: "Bearer",
  expiresIn: 900,
  refreshToken,
  refreshExpiresIn: 604_800,
  user,
};

export const jwks = {
  keys: [
    {
      kty: "EC",
      crv: "P-256",
      x: "rfTm1owRctBhDUt7v5FS7089GFDHm11q-La25sfOunA",
      y: "Hx6kNfWq6rFesBP_3A_nt6mquTVyXsumIS2zwv2obbY",
      kid: "2026-11",
      alg: "ES256",
      use: "sig",
    },
  ],
};

// Products ---------------------------------------------------------------------------------

export const createProduct = {
  sku: "BEB-COLA-350",
  name: "Gaseosa cola 350 ml",
  description: "Gaseosa sabor cola en botella PET de 350 ml.",
  category: "bebidas",
  brand: "Andina",
  gtin: "7701234567897",
  imageUrl: "https://cdn.example.co/productos/7701234567897.jpg",
  unit: "unit",
  price: 2500,
  currency: "COP",
  status: "active",
};

export const product = {
  id: ids.cola,
  ...createProduct,
  version: 2,
  createdAt: "2026-09-15T13:02:11.730Z",
  updatedAt: "2026-11-20T16:45:03.118Z",
};

export const updateProduct = { price: 2700 };

export const productPage = { data: [product], nextCursor: cursors.product };

// Portfolios -------------------------------------------------------------------------------

const colaItem = {
  productId: ids.cola,
  position: 0,
  addedAt: "2026-10-01T15:20:44.506Z",
  sku: "BEB-COLA-350",
  name: "Gaseosa cola 350 ml",
  unit: "unit",
  currency: "COP",
  listPrice: 2500,
  price: 2300,
  effectivePrice: 2300,
};

const chipsItem = {
  productId: ids.chips,
  position: 1,
  addedAt: "2026-10-01T15:20:44.506Z",
  sku: "PAS-PAPA-LIM-45",
  name: "Papas fritas de limón 45 g",
  unit: "unit",
  currency: "COP",
  listPrice: 2000,
  price: null,
  effectivePrice: 2000,
};

export const portfolioItem = colaItem;

export const portfolioItemPage = { data: [colaItem, chipsItem], nextCursor: null };

export const newPortfolioItem = { productId: ids.cola, price: 2300 };

export const putPortfolioItem = { price: 2300, position: 0 };

export const createPortfolio = {
  name: "Tiendas de barrio Antioquia",
  description: "Bebidas, pasabocas y aseo para las tiendas de barrio del Valle de Aburrá.",
  status: "active",
  items: [newPortfolioItem, { productId: ids.chips }],
};

const { items: _items, ...portfolioFields } = createPortfolio;

export const portfolio = {
  id: ids.portfolio,
  ...portfolioFields,
  version: 5,
  createdAt: "2026-10-01T15:20:44.506Z",
  updatedAt: "2026-11-18T10:02:37.990Z",
  itemCount: 24,
};

export const updatePortfolio = {
  description: "Bebidas, pasabocas, aseo y granos para las tiendas de barrio de Antioquia.",
};

export const portfolioPage = { data: [portfolio], nextCursor: cursors.portfolio };

/** What a seller downloads before visiting the shop: the portfolio with every item. */
export const carriedPortfolio = { ...portfolio, itemCount: 2, items: [colaItem, chipsItem] };

// Establishments ---------------------------------------------------------------------------

export const createEstablishment = {
  name: "Tienda Doña Rosa",
  code: "T-000123",
  kind: "tienda",
  address: "Calle 45 # 70-12, Laureles",
  city: "Medellín",
  department: "Antioquia",
  latitude: 6.2447,
  longitude: -75.5906,
  phone: "+57 604 444 5566",
};

export const establishment = {
  id: ids.shop,
  ...createEstablishment,
  cityCode: "05001",
  departmentCode: "05",
  taxId: "900123456-8",
  portfolioId: ids.portfolio,
  status: "active",
  version: 4,
  createdAt: "2026-10-05T17:40:12.664Z",
  updatedAt: "2026-11-21T08:55:30.021Z",
  sellerIds: [ids.seller],
};

export const updateEstablishment = { phone: "+57 604 444 7788" };

export const establishmentPage = { data: [establishment], nextCursor: cursors.establishment };

export const sellerSummary = { id: ids.seller, firstName: "Ana María", lastName: "Gómez" };

export const sellerList = { data: [sellerSummary] };

// Health -----------------------------------------------------------------------------------

export const readiness = { status: "ok", checks: { d1: "ok", kv: "ok" } };

export const auditEvent = {
  id: "0193c2b4-7d1e-7f20-8a3b-4c5d6e7f8091",
  occurredAt: "2026-11-26T12:42:07.311Z",
  actor: { id: "0193b6e0-1a2b-7c3d-8e4f-5a6b7c8d9e0f", email: "admin@example.co" },
  action: "user.role_changed",
  entityType: "user",
  entityId: ids.seller,
  changes: { role: { before: "seller", after: "support" } },
  requestId: "phone-42.retry_1",
  ip: "190.85.12.34",
  userAgent: "PortafolioApp/3.4 (Android 14)",
  capturedAt: null,
  deviceId: null,
  appVersion: null,
};

export const auditEventPage = { data: [auditEvent], nextCursor: null };

export const signInStatus = {
  userId: ids.seller,
  email: "ana.gomez@example.co",
  role: "seller",
  status: "active",
  lockedUntil: "2026-11-26T12:57:03.120Z",
  failedAttemptsInWindow: 10,
  throttles: [
    {
      bucket: "*",
      attempts: 10,
      windowStartedAt: "2026-11-26T12:42:03.120Z",
      windowEndsAt: "2026-11-26T12:57:03.120Z",
      lockedUntil: "2026-11-26T12:57:03.120Z",
    },
  ],
  lastSignIn: {
    occurredAt: "2026-11-25T13:05:44.901Z",
    ip: "190.85.12.34",
    userAgent: "PortafolioApp/3.4 (Android 14)",
  },
  recentFailures: [
    {
      occurredAt: "2026-11-26T12:44:10.532Z",
      reason: "wrong_password",
      ip: "181.49.7.20",
      userAgent: "PortafolioApp/3.4 (Android 14)",
      requestId: "phone-42.retry_1",
    },
  ],
  passwordReset: null,
  sessions: [],
  findings: [
    {
      code: "locked",
      text: "Sign-in from networks the account has not used before is locked after 10 wrong passwords since 07:42; it unlocks at 07:57, or support can unlock it now (POST /users/{id}/unlock).",
    },
  ],
  diagnosis:
    "Sign-in from networks the account has not used before is locked after 10 wrong passwords since 07:42; it unlocks at 07:57, or support can unlock it now (POST /users/{id}/unlock).",
};

export const temporaryPassword = {
  temporaryPassword: "K7QM-4XPD-9TRW",
  expiresAt: "2026-11-26T13:42:03.120Z",
};

// Offline sync -----------------------------------------------------------------------------

/** A catch-up page: a price change, a new item, a store taken off the route. */
export const syncPage = {
  data: [
    { type: "product", id: ids.cola, op: "upsert", data: { ...product, price: 2700, version: 2 } },
    {
      type: "portfolioItem",
      id: `${ids.portfolio}/${ids.chips}`,
      op: "upsert",
      data: {
        portfolioId: ids.portfolio,
        productId: ids.chips,
        price: null,
        position: 1,
        addedAt: "2026-11-27T13:02:11.407Z",
      },
    },
    { type: "establishment", id: ids.shop, op: "delete" },
  ],
  nextCursor:
    "eyJ1IjoiMDE5M2I2ZTItN2MxYS03ZDNlLTlmMDAtNWExYjJjM2Q0ZTVmIiwicyI6NDIxMDMsImgiOlsiMDE5M2I2ZTUtM2Q0ZS03ZjVhLThiNmMtN2Q4ZTlmYTBiMWMyIl19.9c1f0e6ab2d4478f8e1b3c5d7a9f0b2c",
  hasMore: false,
};

// Batch ------------------------------------------------------------------------------------

const shopPath = `/api/v1/establishments/${establishment.id}`;
const capturedAt = "2026-11-27T14:05:00.000Z";
/** A store the seller made on the road: no code, which only an admin sets. */
const { code: _code, ...sellerShop } = createEstablishment;
const newShop = {
  ...sellerShop,
  name: "Minimercado El Paisa",
  address: "Carrera 70 # 44-21, Laureles",
};
const newShopId = "0193b6e6-4e5f-7a6b-8c7d-8e9fa0b1c2d3";

/** An outbox of three writes. */
export const batchRequest = {
  operations: [
    {
      method: "PATCH",
      path: shopPath,
      body: updateEstablishment,
      ifMatch: '"3"',
      capturedAt,
    },
    { method: "PATCH", path: shopPath, body: { address: "Calle 45 # 70-14" }, capturedAt },
    {
      method: "POST",
      path: `/api/v1/establishments`,
      body: newShop,
      idempotencyKey: "phone-42-outbox-17",
      capturedAt,
    },
  ],
};

/** Its answer: a conflict with the server's copy, an operation not run, a create. */
export const batchResponse = {
  results: [
    {
      index: 0,
      status: 412,
      headers: { ETag: '"4"', "Content-Type": "application/problem+json" },
      body: {
        type: "/problems/precondition-failed",
        title: "The resource has changed (If-Match is stale)",
        status: 412,
        detail: "The resource is at version 4; re-read it and retry.",
        instance: shopPath,
        requestId: "phone-42.sync-9.0",
        currentVersion: 4,
      },
      current: establishment,
    },
    {
      index: 1,
      status: 424,
      headers: { "Content-Type": "application/problem+json" },
      body: {
        type: "/problems/failed-dependency",
        title: "Not run: an operation it depends on failed",
        status: 424,
        detail: `Not run: operation 0, on ${establishment.id}, did not succeed, and this one names it`,
        instance: shopPath,
        requestId: "phone-42.sync-9.1",
        dependsOn: 0,
      },
    },
    {
      index: 2,
      status: 201,
      headers: {
        ETag: '"1"',
        Location: `/api/v1/establishments/${newShopId}`,
        "Content-Type": "application/json",
      },
      body: {
        ...establishment,
        ...newShop,
        id: newShopId,
        taxId: null,
        code: null,
        portfolioId: null,
        version: 1,
        createdAt: "2026-11-27T14:31:08.117Z",
        updatedAt: "2026-11-27T14:31:08.117Z",
      },
    },
  ],
};

const importFile =
  "code;name;kind;address;city;department;latitude;longitude\r\n" +
  "T-000123;Droguería Doña Inés;drogueria;Cra 45 # 10-20;Medellín;Antioquia;6,2447;-75,5906\r\n" +
  "T-000124;Tienda El Ñato;tienda;Calle 1 # 2-3;Bogotá;11;;\r\n";

const importRecord = {
  id: "0193b6e5-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
  entity: "establishments",
  format: "csv",
  dryRun: false,
  status: "completed",
  fileName: "tiendas-antioquia.csv",
  actorId: "0193b6e2-7c1a-7b2e-9f4d-2a1b3c4d5e6f",
  rowsTotal: 2,
  rowsDone: 2,
  created: 1,
  updated: 0,
  unchanged: 1,
  rejected: 0,
  error: null,
  createdAt: "2026-11-27T15:02:11.204Z",
  updatedAt: "2026-11-27T15:02:11.204Z",
  finishedAt: "2026-11-27T15:02:11.204Z",
};

const importRows = [
  { row: 2, outcome: "created", id: "0193b6e5-1a2b-7c3d-8e4f-000000000123" },
  { row: 3, outcome: "unchanged", id: "0193b6e5-1a2b-7c3d-8e4f-000000000124" },
];

const importJob = {
  ...importRecord,
  id: "0193b6e5-9f00-7c3d-8e4f-5a6b7c8d9e0f",
  fileName: "tiendas-nacional.csv",
  status: "running",
  rowsTotal: 300000,
  rowsDone: 41000,
  created: 40990,
  unchanged: 0,
  rejected: 10,
  finishedAt: null,
};

/**
 * The example of each named schema of the document, attached when the document is built
 * (src/openapi-document.ts): the Worker, which only serves the built document, never
 * carries them.
 */
export const componentExamples: Record<string, unknown> = {
  AuditEvent: auditEvent,
  AuditEventPage: auditEventPage,
  BatchRequest: batchRequest,
  BatchResponse: batchResponse,
  CarriedPortfolio: carriedPortfolio,
  ChangePassword: changePassword,
  CreateEstablishment: createEstablishment,
  CreatePortfolio: createPortfolio,
  CreateProduct: createProduct,
  CreateUser: createUser,
  Establishment: establishment,
  EstablishmentPage: establishmentPage,
  Import: importJob,
  ImportFile: importFile,
  ImportPage: { data: [importJob, importRecord], nextCursor: null },
  ImportResult: { import: importRecord, rows: importRows },
  ImportRowPage: {
    data: [
      ...importRows,
      {
        row: 4,
        outcome: "rejected",
        id: null,
        errors: [
          { column: "city", message: "city: Springfield is not a municipality of Antioquia" },
        ],
      },
    ],
    nextCursor: "4",
  },
  Jwks: jwks,
  Login: login,
  Logout: logout,
  NewPortfolioItem: newPortfolioItem,
  Portfolio: portfolio,
  PortfolioItem: portfolioItem,
  PortfolioItemPage: portfolioItemPage,
  PortfolioPage: portfolioPage,
  Product: product,
  ProductPage: productPage,
  PutPortfolioItem: putPortfolioItem,
  Readiness: readiness,
  Refresh: refresh,
  SellerList: sellerList,
  SellerSummary: sellerSummary,
  Session: session,
  SessionList: sessionList,
  SignInStatus: signInStatus,
  SyncPage: syncPage,
  TemporaryPassword: temporaryPassword,
  TokenPair: tokenPair,
  UpdateEstablishment: updateEstablishment,
  UpdatePortfolio: updatePortfolio,
  UpdateProduct: updateProduct,
  UpdateUser: updateUser,
  User: user,
  UserPage: userPage,
};
