import { eq, type SQL, sql } from "drizzle-orm";
import { inChunks, JSON_LIST_CHUNK } from "./chunk";
import type { Database } from "./client";
import { changedEntityTypes, changes, portfolioItems } from "./schema";
import type { VersionedTable } from "./versions";

/*
 * Writing the change log (the table is src/db/schema/changes.ts; GET /sync reads it).
 * Every statement here goes in the same batch as the change it records, so there is
 * never a change without its row nor a row without its change.
 */

export type ChangedEntityType = (typeof changedEntityTypes)[number];

export interface ChangeEntry {
  entityType: ChangedEntityType;
  entityId: string;
  op: "upsert" | "delete";
  /** A portfolio item's portfolio. */
  portfolioId?: string | null;
  /** The seller an establishment change put on its route or took off it. */
  sellerId?: string | null;
}

export const isLoggedEntity = (entityType: string): entityType is ChangedEntityType =>
  (changedEntityTypes as readonly string[]).includes(entityType);

/** The version a row has now, as the batch runs (after the UPDATE before it). */
export const versionNow = (table: VersionedTable, id: string): SQL =>
  sql`(select ${table.version} from ${table} where ${eq(table.id, id)})`;

/** The log row of a change that certainly happens (a create's INSERT, in its batch). */
export const logChange = (db: Database, entry: ChangeEntry, version: number, at: string) =>
  db.insert(changes).values({
    entityType: entry.entityType,
    entityId: entry.entityId,
    op: entry.op,
    version,
    occurredAt: at,
    portfolioId: entry.portfolioId ?? null,
    sellerId: entry.sellerId ?? null,
  });

/**
 * The log row of a conditional change: written only when the statement just before it in
 * the batch changed a row (SQLite's changes()). It inserts one row exactly then, so rows
 * chained after it (another log row, an audit row) keep the same condition. Raw SELECT
 * because Drizzle has no builder for changes(); it lists every column in table order
 * (seq NULL: AUTOINCREMENT assigns it).
 */
export const logChangeIfChanged = (db: Database, entry: ChangeEntry, version: SQL, at: string) =>
  db.insert(changes).select(
    sql`select null, ${entry.entityType}, ${entry.entityId}, ${entry.op}, ${version}, ${at},
      ${entry.portfolioId ?? null}, ${entry.sellerId ?? null}
    where changes() > 0`,
  );

/** The log rows of every item a new portfolio starts with: one statement for them all. */
export const logNewPortfolioItems = (db: Database, portfolioId: string, at: string) =>
  db.insert(changes).select(
    sql`select null, 'portfolio_item', ${portfolioItems.productId}, 'upsert', 1, ${at},
      ${portfolioItems.portfolioId}, null
    from ${portfolioItems} where ${eq(portfolioItems.portfolioId, portfolioId)}`,
  );

/**
 * The log rows of items of one portfolio that a change adds or changes (`upsert`) or
 * removes (`delete`), at the portfolio's version after it: one statement per chunk of
 * product ids (bound as one JSON list), each written only while `guard` holds.
 */
export const logPortfolioItems = (
  db: Database,
  portfolioId: string,
  productIds: readonly string[],
  change: { op: ChangeEntry["op"]; version: number; at: string; guard: SQL },
) =>
  inChunks(productIds, JSON_LIST_CHUNK).map((chunk) =>
    db.insert(changes).select(
      sql`select null, 'portfolio_item', value, ${change.op}, ${change.version}, ${change.at},
        ${portfolioId}, null
      from json_each(${JSON.stringify(chunk)}) where ${change.guard}`,
    ),
  );
