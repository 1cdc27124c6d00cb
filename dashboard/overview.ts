/**
 * What the dashboard reads of GET /api/v1/stats/overview: the `StatsOverview` schema
 * (src/routes/stats/overview.schemas.ts). Kept by hand, as a client would; the browser
 * test (test/browser/dashboard.test.mjs) checks every figure shown against the API's.
 */
export interface Counted {
  count: number;
}

export interface StatsOverview {
  generatedAt: string;
  users: {
    total: number;
    byRole: { role: string; active: number; disabled: number }[];
    byStatus: ({ status: string } & Counted)[];
  };
  products: {
    total: number;
    byStatus: ({ status: string } & Counted)[];
    byCategory: ({ category: string } & Counted)[];
  };
  establishments: {
    total: number;
    byDepartment: ({ code: string | null; name: string } & Counted)[];
    byCity: ({ code: string | null; name: string; departmentCode: string | null } & Counted)[];
    byKind: ({ kind: string } & Counted)[];
    byStatus: ({ status: string } & Counted)[];
  };
  portfolios: { id: string; name: string; status: string; items: number; establishments: number }[];
  coverage: {
    activeEstablishments: number;
    withPortfolio: number;
    withoutPortfolio: number;
    portfolioShare: number;
    withoutSeller: number;
  };
  topProducts: { id: string; sku: string; name: string; establishments: number }[];
  sellers: {
    total: number;
    withEstablishments: number;
    top: { id: string; name: string; email: string; establishments: number }[];
    byRouteSize: { min: number; max: number | null; sellers: number }[];
  };
  activity: {
    timeZone: string;
    days: {
      date: string;
      products: number;
      establishments: number;
      portfolios: number;
      users: number;
    }[];
  };
}
