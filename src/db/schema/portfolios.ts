import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { idColumn, nowSql, softDeleted, sqlList, timestamp } from "./columns";
import { products } from "./products";

export const portfolioStatuses = ["active", "inactive"] as const;

export const portfolios = sqliteTable(
  "portfolios",
  {
    id: idColumn(),
    name: text("name").notNull(),
    description: text("description"),
    status: text("status", { enum: portfolioStatuses }).notNull().default("active"),
    ...softDeleted(),
  },
  (t) => [
    uniqueIndex("portfolios_name_unique").on(t.name).where(sql`${t.deletedAt} is null`),
    index("portfolios_status_idx").on(t.status),
    index("portfolios_created_at_id_idx").on(t.createdAt, t.id),
    index("portfolios_updated_at_id_idx").on(t.updatedAt, t.id),
    check("portfolios_status_check", sql`${t.status} in (${sqlList(portfolioStatuses)})`),
    check("portfolios_version_check", sql`${t.version} >= 1`),
  ],
);

/** A product in a portfolio, with an optional price that overrides the list price. */
export const portfolioItems = sqliteTable(
  "portfolio_items",
  {
    portfolioId: text("portfolio_id")
      .notNull()
      .references(() => portfolios.id, { onDelete: "cascade" }),
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    /** Override in minor units of the product's currency; null means the list price. */
    price: integer("price"),
    position: integer("position").notNull(),
    addedAt: timestamp("added_at").notNull().default(nowSql),
  },
  (t) => [
    primaryKey({ columns: [t.portfolioId, t.productId] }),
    index("portfolio_items_portfolio_position_idx").on(t.portfolioId, t.position, t.productId),
    index("portfolio_items_product_idx").on(t.productId),
    check("portfolio_items_price_check", sql`${t.price} is null or ${t.price} >= 0`),
    check("portfolio_items_position_check", sql`${t.position} >= 0`),
  ],
);
