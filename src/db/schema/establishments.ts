import { sql } from "drizzle-orm";
import {
  check,
  index,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { idColumn, nowSql, softDeleted, sqlList, timestamp } from "./columns";
import { departments, municipalities } from "./places";
import { portfolios } from "./portfolios";
import { userOwned } from "./users";

/**
 * The channels Colombian consumer-goods companies sell through, in Spanish, as ASCII codes
 * (`drogueria`; the API also reads "Droguería"). Migration 0002 mapped `other` to `otro`.
 */
export const establishmentKinds = [
  "tienda",
  "minimercado",
  "supermercado",
  "mayorista",
  "drogueria",
  "panaderia",
  "licorera",
  "cigarreria",
  "miscelanea",
  "ferreteria",
  "carniceria",
  "fruver",
  "restaurante",
  "cafeteria",
  "bar",
  "estacion_de_servicio",
  "otro",
] as const;
export const establishmentStatuses = ["active", "inactive"] as const;

export const establishments = sqliteTable(
  "establishments",
  {
    id: idColumn(),
    name: text("name").notNull(),
    /** `name` as search compares it (src/lib/search-key.ts). */
    nameKey: text("name_key").notNull().default(""),
    /** Colombian NIT. */
    taxId: text("tax_id"),
    kind: text("kind", { enum: establishmentKinds }).notNull(),
    address: text("address").notNull(),
    /** The municipality's DIVIPOLA name and code (null only on rows from before 0002 that matched none). */
    city: text("city").notNull(),
    cityCode: text("city_code").references(() => municipalities.code),
    department: text("department").notNull(),
    departmentCode: text("department_code").references(() => departments.code),
    latitude: real("latitude"),
    longitude: real("longitude"),
    phone: text("phone"),
    /** The portfolio this store carries; many establishments share one. */
    portfolioId: text("portfolio_id").references(() => portfolios.id, { onDelete: "set null" }),
    status: text("status", { enum: establishmentStatuses }).notNull().default("active"),
    ...softDeleted(),
    /**
     * The company's own code for the store (its ERP's), unique among live stores: how a
     * bulk import finds a store that has no NIT. Last, as 0007 added it.
     */
    code: text("code"),
  },
  (t) => [
    uniqueIndex("establishments_code_unique").on(t.code).where(sql`${t.deletedAt} is null`),
    uniqueIndex("establishments_tax_id_unique").on(t.taxId).where(sql`${t.deletedAt} is null`),
    index("establishments_city_id_idx").on(t.city, t.id),
    index("establishments_department_idx").on(t.department),
    // A place filter is an equality on one code: the list then walks these in name order.
    index("establishments_city_code_name_id_idx").on(t.cityCode, t.name, t.id),
    index("establishments_department_code_name_id_idx").on(t.departmentCode, t.name, t.id),
    index("establishments_status_idx").on(t.status),
    index("establishments_portfolio_idx").on(t.portfolioId),
    index("establishments_name_id_idx").on(t.name, t.id),
    index("establishments_created_at_id_idx").on(t.createdAt, t.id),
    index("establishments_updated_at_id_idx").on(t.updatedAt, t.id),
    // The analytics snapshot (src/db/stats.ts): live stores grouped by place, kind and
    // status, walked in index order; and the active ones' portfolios and ids. deleted_at
    // (always null here) is in them too: SQLite reads a partial index as covering only
    // when it holds the columns of its own WHERE.
    index("establishments_stats_idx")
      .on(t.departmentCode, t.cityCode, t.kind, t.status, t.portfolioId, t.deletedAt)
      .where(sql`${t.deletedAt} is null`),
    index("establishments_live_status_portfolio_idx")
      .on(t.status, t.portfolioId, t.id, t.deletedAt)
      .where(sql`${t.deletedAt} is null`),
    check("establishments_kind_check", sql`${t.kind} in (${sqlList(establishmentKinds)})`),
    check("establishments_status_check", sql`${t.status} in (${sqlList(establishmentStatuses)})`),
    check(
      "establishments_coordinates_check",
      sql`(${t.latitude} is null and ${t.longitude} is null) or (${t.latitude} between -90 and 90 and ${t.longitude} between -180 and 180)`,
    ),
    check("establishments_version_check", sql`${t.version} >= 1`),
  ],
);

/** The seller's route: which sellers visit which establishments. */
export const establishmentSellers = sqliteTable(
  "establishment_sellers",
  {
    establishmentId: text("establishment_id")
      .notNull()
      .references(() => establishments.id, { onDelete: "cascade" }),
    sellerId: userOwned("seller_id"),
    assignedAt: timestamp("assigned_at").notNull().default(nowSql),
  },
  (t) => [
    primaryKey({ columns: [t.establishmentId, t.sellerId] }),
    // Scoping a seller's reads starts from the seller: (seller_id, establishment_id).
    index("establishment_sellers_seller_idx").on(t.sellerId, t.establishmentId),
  ],
);
