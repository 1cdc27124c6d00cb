import type { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { keyset } from "../../db/keyset";
import { portfolioItems, portfolios, products, type UserRole } from "../../db/schema";
import { isLive } from "../../db/versions";
import type { AppEnv } from "../../lib/app-env";
import type { Cell } from "../../lib/csv";
import {
  AuditFiltersSchema,
  auditEventColumns,
  auditEventPage,
  withSinceBeforeUntil,
} from "../../resources/audit-events";
import {
  EstablishmentFiltersSchema,
  establishmentColumns,
  establishmentPage,
} from "../../resources/establishments";
import { ItemFiltersSchema, itemColumns, shownItems } from "../../resources/portfolios";
import { ProductFiltersSchema, productColumns, productPage } from "../../resources/products";
import { UserFiltersSchema, userColumns, userPage } from "../../resources/users";

/**
 * What can be exported as CSV, one entry each: who may download it, the filters of its
 * list, its columns, and the keyset query that reads it a page at a time. The routes
 * (`GET /stats/export/<name>`), their documentation and the download itself are made from
 * these entries (export.routes.ts, export.handlers.ts), so a new kind of row is one entry
 * here and one line of the role matrix.
 */
interface ExportEntity<Filters extends z.ZodObject, Row extends { [Field in keyof Row]: Cell }> {
  /**
   * Who may download it: staff who analyse (admin, analyst), and never a role that cannot
   * already read every row through its list.
   */
  roles: readonly UserRole[];
  /** The rows, for the description: which they are and in what order. */
  rows: string;
  /** The query parameters of its list that choose rows (not limit, cursor or sort). */
  filters: Filters;
  /** Columns in file order, each named as the JSON resource names the field. */
  columns: readonly (keyof Row & string)[];
  /** Up to `limit` rows after `cursor`, in a fixed keyset order. */
  page: (
    c: Context<AppEnv>,
    filters: z.infer<Filters>,
    cursor: string | undefined,
    limit: number,
  ) => Promise<{ data: Row[]; nextCursor: string | null }>;
}

/** An entry, checked whole here; the routes and handler then treat every entry alike. */
export type AnyExportEntity = ExportEntity<z.ZodObject, Record<string, Cell>>;
const entity = <F extends z.ZodObject, Row extends { [Field in keyof Row]: Cell }>(
  entry: ExportEntity<F, Row>,
) => entry as unknown as AnyExportEntity;

const keysOf = <T extends object>(columns: T) => Object.keys(columns) as (keyof T & string)[];

const ANALYSTS: readonly UserRole[] = ["admin", "analyst"];

export const EXPORTS = {
  products: entity({
    roles: ANALYSTS,
    rows: "Products as `GET /products` filters them, oldest first.",
    filters: ProductFiltersSchema,
    columns: keysOf(productColumns),
    page: (c, filters, cursor, limit) =>
      productPage(c.var.db, { ...filters, sort: "createdAt", cursor, limit }),
  }),
  establishments: entity({
    roles: ANALYSTS,
    rows: "Establishments as `GET /establishments` filters them, by name; `sellerIds` space-separated.",
    filters: EstablishmentFiltersSchema,
    columns: keysOf(establishmentColumns),
    page: (c, filters, cursor, limit) =>
      establishmentPage(c.var.db, c.var.auth, { ...filters, sort: "name", cursor, limit }),
  }),
  "portfolio-items": entity({
    roles: ANALYSTS,
    rows: "Items of every portfolio (or `portfolioId`'s), as `GET /portfolios/{id}/items` shows them, by portfolio and product id.",
    filters: ItemFiltersSchema,
    columns: ["portfolioId", ...keysOf(itemColumns)],
    page: async (c, filters, cursor, limit) => {
      const page = keyset({ sort: "portfolioId", cursor }, portfolioItems.productId, {
        portfolioId: portfolioItems.portfolioId,
      });
      const rows = await c.var.db
        .select({ portfolioId: portfolioItems.portfolioId, ...itemColumns })
        .from(portfolioItems)
        .innerJoin(
          portfolios,
          and(eq(portfolios.id, portfolioItems.portfolioId), isLive(portfolios)),
        )
        .innerJoin(products, eq(products.id, portfolioItems.productId))
        .where(and(shownItems(filters), page.where))
        .orderBy(...page.orderBy)
        .limit(limit + 1);
      return page.toPage(rows, limit, (item) => item.productId);
    },
  }),
  users: entity({
    // The brief's analysts load the sales force into their BI tool: the users export is
    // the one place an analyst reads other users (never a secret: userColumns).
    roles: ANALYSTS,
    rows: "Users as `GET /users` filters them, oldest first.",
    filters: UserFiltersSchema,
    columns: keysOf(userColumns),
    page: (c, filters, cursor, limit) =>
      userPage(c.var.db, { ...filters, sort: "createdAt", cursor, limit }),
  }),
  "audit-events": entity({
    roles: ANALYSTS,
    rows: "The audit trail as `GET /audit-events` filters it, oldest first; `changes` as JSON text.",
    filters: withSinceBeforeUntil(AuditFiltersSchema),
    columns: keysOf(auditEventColumns),
    page: async (c, filters, cursor, limit) => {
      const page = await auditEventPage(c.var.db, {
        ...filters,
        sort: "occurredAt",
        cursor,
        limit,
      });
      return {
        ...page,
        data: page.data.map((row) => ({
          ...row,
          changes: row.changes === null ? null : JSON.stringify(row.changes),
        })),
      };
    },
  }),
};

export type ExportName = keyof typeof EXPORTS;
