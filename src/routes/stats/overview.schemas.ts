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

const count = (description: string) => z.number().int().min(0).openapi({ description });
const counted = <K extends string, V extends z.ZodType>(key: K, value: V) =>
  z.object({ [key]: value, count: count("How many") } as { [key in K]: V } & {
    count: z.ZodNumber;
  });

const place = {
  /** DIVIPOLA code; null only for rows older than migration 0002 that matched no place. */
  code: z.string().nullable().openapi({ description: "DIVIPOLA code", example: "05" }),
  name: z.string().openapi({ example: "Antioquia" }),
  count: count("Live establishments there"),
};

/** A small data set's overview, as the document's example. */
const example = {
  generatedAt: "2026-11-27T15:10:00.000Z",
  users: {
    total: 215,
    byRole: [
      { role: "seller", active: 198, disabled: 2 },
      { role: "admin", active: 5, disabled: 0 },
      { role: "analyst", active: 6, disabled: 0 },
      { role: "support", active: 4, disabled: 0 },
    ],
    byStatus: [
      { status: "active", count: 213 },
      { status: "disabled", count: 2 },
    ],
  },
  products: {
    total: 1200,
    byStatus: [
      { status: "active", count: 1150 },
      { status: "inactive", count: 50 },
    ],
    byCategory: [
      { category: "bebidas", count: 700 },
      { category: "snacks", count: 500 },
    ],
  },
  establishments: {
    total: 5000,
    byDepartment: [{ code: "05", name: "Antioquia", count: 5000 }],
    byCity: [{ code: "05001", name: "Medellín", departmentCode: "05", count: 5000 }],
    byKind: [{ kind: "tienda", count: 5000 }],
    byStatus: [{ status: "active", count: 5000 }],
  },
  portfolios: [
    {
      id: "0193b6e2-7c1a-7d3e-9f00-5a1b2c3d4e60",
      name: "Tiendas de barrio Antioquia",
      status: "active",
      items: 320,
      establishments: 4865,
    },
  ],
  coverage: {
    activeEstablishments: 5000,
    withPortfolio: 4865,
    withoutPortfolio: 135,
    portfolioShare: 0.973,
    withoutSeller: 12,
  },
  topProducts: [
    {
      id: "0193b6e2-7c1a-7d3e-9f00-5a1b2c3d4e5f",
      sku: "BEB-COLA-350",
      name: "Gaseosa cola 350 ml",
      establishments: 4865,
    },
  ],
  sellers: {
    total: 200,
    withEstablishments: 198,
    top: [
      {
        id: "0193b6e2-7c1a-7d3e-9f00-5a1b2c3d4e61",
        name: "Ana Gómez",
        email: "ana.gomez@example.co",
        establishments: 25,
      },
    ],
    byRouteSize: [
      { min: 0, max: 0, sellers: 2 },
      { min: 1, max: 10, sellers: 0 },
      { min: 11, max: 25, sellers: 198 },
      { min: 26, max: 50, sellers: 0 },
      { min: 51, max: 100, sellers: 0 },
      { min: 101, max: null, sellers: 0 },
    ],
  },
  activity: {
    timeZone: ACTIVITY_TIME_ZONE,
    days: Array.from({ length: ACTIVITY_DAYS }, (_, i) => ({
      date: new Date(Date.UTC(2026, 9, 29 + i)).toISOString().slice(0, 10),
      products: i % 3,
      establishments: 10 + (i % 7),
      portfolios: i === 20 ? 1 : 0,
      users: i % 5 === 0 ? 1 : 0,
    })),
  },
};

export const StatsOverviewSchema = z
  .object({
    generatedAt: z.string().openapi({
      description:
        "When these figures were computed (RFC 3339 UTC). They are a snapshot, refreshed every " +
        "10 minutes (and by POST /stats/overview/refresh).",
      example: "2026-11-27T15:10:00.000Z",
    }),
    users: z.object({
      total: count("All user accounts"),
      byRole: z.array(
        z.object({
          role: UserRoleSchema,
          active: count("Active accounts"),
          disabled: count("Disabled accounts"),
        }),
      ),
      byStatus: z.array(counted("status", UserStatusSchema)),
    }),
    products: z.object({
      total: count("Live (not deleted) products"),
      byStatus: z.array(counted("status", ProductStatusSchema)),
      byCategory: z.array(counted("category", z.string())),
    }),
    establishments: z
      .object({
        total: count("Live (not deleted) establishments"),
        byDepartment: z.array(z.object(place)),
        byCity: z.array(
          z.object({
            ...place,
            code: place.code.openapi({ example: "05001" }),
            name: z.string().openapi({ example: "Medellín" }),
            departmentCode: z.string().nullable().openapi({ example: "05" }),
          }),
        ),
        byKind: z.array(counted("kind", EstablishmentKindSchema)),
        byStatus: z.array(counted("status", EstablishmentStatusSchema)),
      })
      .openapi({ description: "Live establishments, largest group first." }),
    portfolios: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          status: PortfolioStatusSchema,
          items: count("Products in the portfolio"),
          establishments: count("Live establishments carrying it"),
        }),
      )
      .openapi({ description: "Every live portfolio, by name." }),
    coverage: z.object({
      activeEstablishments: count("Live establishments with status active"),
      withPortfolio: count("…of which carry a portfolio"),
      withoutPortfolio: count("…of which carry none"),
      portfolioShare: z.number().min(0).max(1).openapi({
        description: "withPortfolio / activeEstablishments, rounded to 4 decimals (0 when none)",
        example: 0.9731,
      }),
      withoutSeller: count("Active establishments on no seller's route"),
    }),
    topProducts: z
      .array(
        z.object({
          id: z.string(),
          sku: z.string(),
          name: z.string(),
          establishments: count("Active establishments whose portfolio lists it"),
        }),
      )
      .openapi({
        description: `The ${TOP} live products carried by the most active establishments (ties by id).`,
      }),
    sellers: z.object({
      total: count("Users with role seller"),
      withEstablishments: count("Sellers with at least one live establishment on their route"),
      top: z
        .array(
          z.object({
            id: z.string(),
            name: z.string(),
            email: z.string(),
            establishments: count("Live establishments on their route"),
          }),
        )
        .openapi({
          description: `The ${TOP} sellers with the longest routes (ties by id); the CSV export lists all.`,
        }),
      byRouteSize: z
        .array(
          z.object({
            min: count("Smallest route size of the bucket"),
            max: z.number().int().nullable().openapi({ description: "Largest; null: no bound" }),
            sellers: count("Sellers whose route has that many live establishments"),
          }),
        )
        .openapi({ description: "Sellers by route size: 0, 1–10, 11–25, 26–50, 51–100, 101+." }),
    }),
    activity: z.object({
      timeZone: z.literal(ACTIVITY_TIME_ZONE),
      days: z
        .array(
          z.object({
            date: z
              .string()
              .openapi({ description: "A Bogotá calendar day", example: "2026-11-27" }),
            products: count("Products created that day (deleted since included)"),
            establishments: count("Establishments created that day (deleted since included)"),
            portfolios: count("Portfolios created that day (deleted since included)"),
            users: count("Users created that day"),
          }),
        )
        .length(ACTIVITY_DAYS)
        .openapi({ description: `The last ${ACTIVITY_DAYS} days, oldest first, today last.` }),
    }),
  })
  .openapi("StatsOverview", {
    example,
    description:
      "The management overview: who uses the API, what is in the catalogue, where the " +
      "establishments are, how well portfolios cover them, and what was created lately.",
  });
export type StatsOverviewBody = z.infer<typeof StatsOverviewSchema>;
