import { z } from "@hono/zod-openapi";
import { ACTIVITY_DAYS, ACTIVITY_TIME_ZONE, TOP } from "../../db/stats";
import { DOCS } from "../../lib/docs";
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
const code = z
  .string()
  .nullable()
  .openapi({ description: DOCS ? "DIVIPOLA code" : "" });
const named = { id: z.string(), name: z.string() };

const counts = (key: string, value: string, count: number) => [{ [key]: value, count }];
const example = {
  generatedAt: "2026-11-27T15:10:00.000Z",
  users: {
    total: 3,
    byRole: [{ role: "seller", active: 2, disabled: 1 }],
    byStatus: [...counts("status", "active", 2), ...counts("status", "disabled", 1)],
  },
  products: {
    total: 1,
    byStatus: counts("status", "active", 1),
    byCategory: counts("category", "bebidas", 1),
  },
  establishments: {
    total: 4,
    byDepartment: [{ code: "05", name: "Antioquia", count: 4 }],
    byCity: [{ code: "05001", name: "Medellín", departmentCode: "05", count: 4 }],
    byKind: counts("kind", "tienda", 4),
    byStatus: counts("status", "active", 4),
  },
  portfolios: [],
  coverage: {
    activeEstablishments: 4,
    withPortfolio: 0,
    withoutPortfolio: 4,
    portfolioShare: 0,
    withoutSeller: 0,
  },
  topProducts: [],
  sellers: {
    total: 3,
    withEstablishments: 2,
    top: [],
    byRouteSize: [{ min: 1, max: 10, sellers: 2 }],
  },
  activity: {
    timeZone: ACTIVITY_TIME_ZONE,
    days: Array.from({ length: ACTIVITY_DAYS }, (_, i) => ({
      date: `2026-11-${String(i + 1).padStart(2, "0")}`,
      products: 0,
      establishments: 0,
      portfolios: 0,
      users: 0,
    })),
  },
};

export const StatsOverviewSchema = z
  .object({
    generatedAt: z.string().openapi({ description: DOCS ? "When the snapshot was computed" : "" }),
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
      withoutSeller: count().openapi({ description: DOCS ? "On no seller's route" : "" }),
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
    description: DOCS
      ? `Live rows only, largest group first; top ${TOP}; Bogotá days (docs/operations.md).`
      : "",
  });
