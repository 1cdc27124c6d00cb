import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { idColumn, softDeleted, sqlList } from "./columns";

export const productUnits = ["unit", "pack", "box", "kg", "l"] as const;
export const productStatuses = ["active", "inactive"] as const;

export const products = sqliteTable(
  "products",
  {
    id: idColumn(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    category: text("category").notNull(),
    brand: text("brand"),
    /** GTIN-8/12/13/14 barcode. */
    gtin: text("gtin"),
    imageUrl: text("image_url"),
    unit: text("unit", { enum: productUnits }).notNull(),
    /** List price in whole units of `currency` (for COP, whole pesos). */
    price: integer("price").notNull(),
    currency: text("currency").notNull().default("COP"),
    status: text("status", { enum: productStatuses }).notNull().default("active"),
    ...softDeleted(),
    /** `name` as search compares it (src/lib/search-key.ts); last, as 0002 added it. */
    nameKey: text("name_key").notNull().default(""),
  },
  (t) => [
    // Partial unique indexes: a soft-deleted product frees its sku and gtin for reuse.
    uniqueIndex("products_sku_unique").on(t.sku).where(sql`${t.deletedAt} is null`),
    uniqueIndex("products_gtin_unique").on(t.gtin).where(sql`${t.deletedAt} is null`),
    index("products_category_idx").on(t.category),
    index("products_status_idx").on(t.status),
    index("products_name_id_idx").on(t.name, t.id),
    index("products_price_id_idx").on(t.price, t.id),
    index("products_created_at_id_idx").on(t.createdAt, t.id),
    index("products_updated_at_id_idx").on(t.updatedAt, t.id),
    check("products_unit_check", sql`${t.unit} in (${sqlList(productUnits)})`),
    check("products_status_check", sql`${t.status} in (${sqlList(productStatuses)})`),
    check("products_price_check", sql`${t.price} >= 0`),
    check("products_version_check", sql`${t.version} >= 1`),
  ],
);
