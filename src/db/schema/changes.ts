import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { nowSql, sqlList, timestamp } from "./columns";

/** What the change log records changes of: what an offline client keeps a copy of. */
export const changedEntityTypes = [
  "product",
  "portfolio",
  "portfolio_item",
  "establishment",
] as const;
export const changeOps = ["upsert", "delete"] as const;

/**
 * The change log behind GET /sync (src/resources/sync.ts): one row per change of a
 * product, portfolio, portfolio item or establishment (a seller put on or taken off a
 * store's route is a change of the store), appended in the same D1 batch as the change
 * (src/db/change-log.ts). `seq` is SQLite's AUTOINCREMENT: D1 runs one write at a
 * time, so seq order is commit order and a reader that sees seq n sees every row before it.
 */
export const changes = sqliteTable(
  "changes",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    entityType: text("entity_type", { enum: changedEntityTypes }).notNull(),
    /** The entity's id; for a portfolio item, the product's (the portfolio is `portfolio_id`). */
    entityId: text("entity_id").notNull(),
    op: text("op", { enum: changeOps }).notNull(),
    /** The entity's version after the change; for an item, its portfolio's. */
    version: integer("version").notNull(),
    occurredAt: timestamp("occurred_at").notNull().default(nowSql),
    /** A portfolio item's portfolio. */
    portfolioId: text("portfolio_id"),
    /** An establishment change that put this seller on its route or took them off. */
    sellerId: text("seller_id"),
  },
  (t) => [
    // A seller's feed probes the log by entity (their stores, portfolios, products), by
    // portfolio (the items of those they carry) and by seller (stores they left). Every
    // write pays for these, so there are no others: an admin's feed reads its window in
    // seq order (the primary key), and compaction reads the oldest rows in seq order too.
    index("changes_entity_seq_idx").on(t.entityId, t.seq),
    index("changes_portfolio_seq_idx")
      .on(t.portfolioId, t.seq)
      .where(sql`${t.portfolioId} is not null`),
    index("changes_seller_seq_idx").on(t.sellerId, t.seq).where(sql`${t.sellerId} is not null`),
    check("changes_entity_type_check", sql`${t.entityType} in (${sqlList(changedEntityTypes)})`),
    check("changes_op_check", sql`${t.op} in (${sqlList(changeOps)})`),
  ],
);

/**
 * How far housekeeping has compacted the log: rows with seq ≤ `compactedThrough` are gone,
 * so a sync cursor from before it cannot be caught up (410: start again from zero).
 */
export const changeLogState = sqliteTable(
  "change_log_state",
  {
    id: integer("id").primaryKey(),
    compactedThrough: integer("compacted_through").notNull().default(0),
  },
  (t) => [check("change_log_state_single_row", sql`${t.id} = 1`)],
);
