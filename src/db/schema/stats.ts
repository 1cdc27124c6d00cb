import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns";

/**
 * Precomputed analytics (src/db/stats.ts), one row per kind (`overview`), replaced on each
 * refresh. At the national scale the live aggregations read ~1.2 million rows (about a
 * second of D1 time), so GET /stats/overview reads the latest snapshot (one row) instead;
 * the Worker's cron refreshes it every 10 minutes (docs/operations.md, "Analytics").
 */
export const statsSnapshots = sqliteTable("stats_snapshots", {
  name: text("name").primaryKey(),
  generatedAt: timestamp("generated_at").notNull(),
  /** The figures as the API returns them: JSON text, so a read needs no assembly. */
  body: text("body").notNull(),
});
