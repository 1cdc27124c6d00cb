import { eq, sql } from "drizzle-orm";
import type { Database } from "./client";
import { statsSnapshots } from "./schema";

/**
 * The management overview (GET /api/v1/stats/overview), kept as a snapshot in
 * `stats_snapshots`, which the API serves. The view `stats_overview` (migration 0005)
 * computes the figures as the answer's JSON — SQLite writes it, in the shape of
 * `StatsOverview` (src/routes/stats/overview.schemas.ts) — and one statement here adds
 * the time-dependent parts and stores it: one D1 round trip, one consistent read, atomic
 * with its write. Raw SQL, as json_object() over grouped subqueries has no Drizzle builder.
 */

/** Colombia has kept UTC−5 all year since 1993: a day of the activity series is a Bogotá day. */
export const ACTIVITY_TIME_ZONE = "America/Bogota";
const BOGOTA_OFFSET_HOURS = -5;
export const ACTIVITY_DAYS = 30;
/** How many products and sellers the top lists name (the view's LIMIT; the CSV export has them all). */
export const TOP = 20;
export const OVERVIEW = "overview";
/** The cron (wrangler.toml [triggers]) that refreshes the snapshot. */
export const OVERVIEW_REFRESH_CRON = "*/10 * * * *";

const DAY_MS = 86_400_000;

/** The first and last Bogotá dates of the 30 days up to `now`, and the UTC instant they begin. */
export function activityWindow(now: Date) {
  const offsetMs = BOGOTA_OFFSET_HOURS * 3_600_000;
  const today = Date.parse(new Date(now.getTime() + offsetMs).toISOString().slice(0, 10));
  const first = today - (ACTIVITY_DAYS - 1) * DAY_MS;
  const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { first: date(first), last: date(today), since: new Date(first - offsetMs).toISOString() };
}

const KINDS = ["products", "establishments", "portfolios", "users"];

/**
 * The statement that stores the overview as of `at`: the view's figures, with generatedAt
 * and the rows created on each Bogotá day of the 30 up to `at`, oldest first (deleted
 * ones included; each table walks its created_at index from the window's start).
 */
function overviewStatement(at: string) {
  const { first, last, since } = activityWindow(new Date(at));
  const perDay = KINDS.map(
    (kind) => `'${kind}',coalesce((select n from created where kind='${kind}' and d=date),0)`,
  ).join(",");
  const created = sql.join(
    KINDS.map(
      (table) =>
        sql`select ${table} kind,date(created_at,${`${BOGOTA_OFFSET_HOURS} hours`}) d from ${sql.raw(table)} where created_at>=${since}`,
    ),
    sql` union all `,
  );
  return sql`with recursive
days(date) as (select ${first} union all select date(date,'+1 day') from days where date<${last}),
created as materialized (select kind,d,count(*) n from (${created}) group by 1,2)
insert into ${statsSnapshots} (name,generated_at,body)
select ${OVERVIEW},${at},json_set(body,'$.generatedAt',${at},'$.activity',json_object('timeZone',${ACTIVITY_TIME_ZONE},
  'days',json((select json_group_array(json_object('date',date,${sql.raw(perDay)})) from days))))
from stats_overview where true
on conflict (name) do update set generated_at=excluded.generated_at,body=excluded.body where excluded.generated_at>stats_snapshots.generated_at
returning body`;
}

/** The latest overview snapshot, as stored (JSON text), if any. */
export async function latestOverview(db: Database) {
  const [row] = await db
    .select({ generatedAt: statsSnapshots.generatedAt, body: statsSnapshots.body })
    .from(statsSnapshots)
    .where(eq(statsSnapshots.name, OVERVIEW));
  return row;
}

/**
 * Computes the overview as of `now` and stores it, unless a newer snapshot landed in the
 * meantime (two refreshes racing: the later figures win, and this returns them).
 */
export async function refreshOverview(db: Database, now: Date) {
  const generatedAt = now.toISOString();
  const [stored] = await db.all<{ body: string }>(overviewStatement(generatedAt));
  return stored ? { generatedAt, body: stored.body } : (await latestOverview(db))!;
}
