import { z } from "@hono/zod-openapi";
import { ACTIVITY_DAYS, ACTIVITY_TIME_ZONE, TOP } from "../../db/stats";
import {
  EstablishmentKindSchema,
  EstablishmentStatusSchema,
  PortfolioStatusSchema,
  ProductStatusSchema,
  UserRoleSchema,
  UserStatusSchema,
} from "../../resources/enums";

// Descriptions say what is counted where the name does not; the Worker's bundle has a
// budget (docs/performance.md), and this schema only documents the stored answer.
const count = () => z.number().int().min(0);
const counted = <K extends string, V extends z.ZodType>(key: K, value: V) =>
  z.object({ [key]: value, count: count() } as { [key in K]: V } & { count: z.ZodNumber });
const code = z.string().nullable().openapi({ description: "DIVIPOLA code" });
const named = { id: z.string(), name: z.string() };

const day = (date: string, stores: number) => ({
  date,
  products: 0,
  establishments: stores,
  portfolios: 0,
  users: 0,
});
const example = {
  generatedAt: "2026-11-27T15:10:00.000Z",
  users: {
    total: 4,
    byRole: [
      { role: "seller", active: 2, disabled: 1 },
      { role: "admin", active: 1, disabled: 0 },
    ],
    byStatus: [
      { status: "active", count: 3 },
      { status: "disabled", count: 1 },
    ],
  },
  products: {
    total: 1,
    byStatus: [{ status: "active", count: 1 }],
    byCategory: [{ category: "bebidas", count: 1 }],
  },
  establishments: {
    total: 40,
    byDepartment: [{ code: "05", name: "Antioquia", count: 40 }],
    byCity: [{ code: "05001", name: "Medellín", departmentCode: "05", count: 40 }],
    byKind: [{ kind: "tienda", count: 40 }],
    byStatus: [{ status: "active", count: 40 }],
  },
  portfolios: [
    { id: "0193b6e2-7c1a-7d3e", name: "Tiendas", status: "active", items: 1, establishments: 39 },
  ],
  coverage: {
    activeEstablishments: 40,
    withPortfolio: 39,
    withoutPortfolio: 1,
    portfolioShare: 0.975,
    withoutSeller: 0,
  },
  topProducts: [
    { id: "0193b6e2-7c1a-7d3f", sku: "BEB-COLA-350", name: "Gaseosa", establishments: 39 },
  ],
  sellers: {
    total: 3,
    withEstablishments: 2,
    top: [
      { id: "0193b6e2-7c1a-7d40", name: "Ana Gómez", email: "ana@example.co", establishments: 20 },
    ],
    byRouteSize: [
      { min: 0, max: 0, sellers: 1 },
      { min: 11, max: 25, sellers: 2 },
    ],
  },
  activity: {
    timeZone: ACTIVITY_TIME_ZONE,
    days: Array.from({ length: ACTIVITY_DAYS }, (_, i) =>
      day(new Date(Date.UTC(2026, 9, 29 + i)).toISOString().slice(0, 10), i === 29 ? 40 : 0),
    ),
  },
};

export const StatsOverviewSchema = z
  .object({
    generatedAt: z.string().openapi({ description: "When the snapshot was computed" }),
    users: z.object({
      total: count(),
      byRole: z.array(z.object({ role: UserRoleSchema, active: count(), disabled: count() })),
      byStatus: z.array(counted("status", UserStatusSchema)),
    }),
    products: z.object({
      total: count(),
      byStatus: z.array(counted("status", ProductStatusSchema)),
      byCategory: z.array(counted("category", z.string())),
    }),
    establishments: z.object({
      total: count(),
      byDepartment: z.array(z.object({ code, name: z.string(), count: count() })),
      byCity: z.array(z.object({ code, name: z.string(), departmentCode: code, count: count() })),
      byKind: z.array(counted("kind", EstablishmentKindSchema)),
      byStatus: z.array(counted("status", EstablishmentStatusSchema)),
    }),
    portfolios: z.array(
      z.object({
        ...named,
        status: PortfolioStatusSchema,
        items: count(),
        establishments: count(),
      }),
    ),
    coverage: z.object({
      activeEstablishments: count(),
      withPortfolio: count(),
      withoutPortfolio: count(),
      portfolioShare: z.number().min(0).max(1),
      withoutSeller: count().openapi({ description: "On no seller's route" }),
    }),
    topProducts: z.array(z.object({ ...named, sku: z.string(), establishments: count() })),
    sellers: z.object({
      total: count(),
      withEstablishments: count(),
      top: z.array(z.object({ ...named, email: z.string(), establishments: count() })),
      byRouteSize: z.array(
        z.object({ min: count(), max: z.number().int().nullable(), sellers: count() }),
      ),
    }),
    activity: z.object({
      timeZone: z.literal(ACTIVITY_TIME_ZONE),
      days: z
        .array(
          z.object({
            date: z.string(),
            products: count(),
            establishments: count(),
            portfolios: count(),
            users: count(),
          }),
        )
        .length(ACTIVITY_DAYS),
    }),
  })
  .openapi("StatsOverview", {
    example,
    description:
      "Users by role and status; live products by status and category; live establishments " +
      "by department, municipality, kind and status (largest first); every live portfolio " +
      "with its items and the live stores carrying it; coverage of active stores (share " +
      `with a portfolio, 4 decimals; without a seller); the ${TOP} products and sellers ` +
      "reaching the most active / live stores (ties by id) and sellers by route size " +
      "(0, 1–10, 11–25, 26–50, 51–100, 101+); rows created per Bogotá day over the last " +
      `${ACTIVITY_DAYS} days, oldest first (deleted ones included).`,
  });
