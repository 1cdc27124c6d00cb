import { eq, sql } from "drizzle-orm";
import type { Database } from "./client";
import { statsSnapshots } from "./schema";

/**
 * The management overview (GET /api/v1/stats/overview), kept as a snapshot in
 * `stats_snapshots`, which the API serves. It is computed and stored by one statement —
 * one D1 round trip, one consistent read, atomic with its write — in which SQLite itself
 * writes the answer's JSON (the shape of `StatsOverview`, src/routes/stats/overview.schemas.ts).
 * Raw SQL, not Drizzle, for that reason: json_object() over grouped subqueries has no
 * builder, and the text costs the Worker's bundle far less than the code that would
 * assemble the same JSON in JavaScript.
 */

/** Colombia has kept UTC−5 all year since 1993: a day of the activity series is a Bogotá day. */
export const ACTIVITY_TIME_ZONE = "America/Bogota";
const BOGOTA_OFFSET_HOURS = -5;
export const ACTIVITY_DAYS = 30;
/** How many products and sellers the top lists name (the CSV export has them all). */
export const TOP = 20;
/** Sellers by route size: 0, 1–10, 11–25, 26–50, 51–100, 101+. */
const ROUTE_SIZE_BUCKETS = [
  [0, 0],
  [1, 10],
  [11, 25],
  [26, 50],
  [51, 100],
  [101, null],
] as const;
/** The name of a group of stores with no DIVIPOLA code (rows from before migration 0002). */
const UNKNOWN_PLACE = "(sin código DIVIPOLA)";

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

/**
 * A JSON array of `fields` (json_object arguments) over the rows of `from`, in its order.
 * A scalar subquery's value loses its JSON type, so json() marks it JSON again.
 */
const list = (fields: string, from: string) =>
  `json((select json_group_array(json_object(${fields})) from (${from})))`;

/** Rows of `from` counted by `column` (`tally`: how), largest first, ties by value. */
const countsBy = (column: string, from: string, tally = "sum(n)") =>
  list(
    `'${column}', ${column}, 'count', n`,
    `select ${column}, ${tally} n from ${from} group by ${column} order by n desc, ${column}`,
  );

const live = "deleted_at is null";
const bogotaDate = `date(created_at, '${BOGOTA_OFFSET_HOURS} hours')`;

/**
 * The statement, as of `at`. Live stores are grouped once by place, kind and status (`g`,
 * walking the partial index establishments_stats_idx), and every store figure is rolled
 * up from those groups; a product's reach sums the active stores carrying each portfolio
 * (`carried`, ~500 counts) over its items, before any product row is read.
 */
function overviewStatement(at: string) {
  const { first, last, since } = activityWindow(new Date(at));
  const created = (table: string) =>
    sql`select '${sql.raw(table)}' kind, ${sql.raw(bogotaDate)} d from ${sql.raw(table)} where created_at >= ${since}`;
  const routeSizes = ROUTE_SIZE_BUCKETS.map(
    ([min, max]) =>
      `json_object('min', ${min}, 'max', ${max ?? "null"}, 'sellers', (select count(*) from routes where n >= ${min}${max === null ? "" : ` and n <= ${max}`}))`,
  ).join(", ");
  const perDay = ["products", "establishments", "portfolios", "users"]
    .map(
      (kind) =>
        `'${kind}', coalesce((select n from created where kind = '${kind}' and d = day), 0)`,
    )
    .join(", ");
  // The members of the answer after generatedAt, as json_object() arguments.
  const members = `
  'users', json_object(
    'total', (select count(*) from users),
    'byRole', ${list(
      "'role', role, 'active', active, 'disabled', disabled",
      "select role, sum(status = 'active') active, sum(status = 'disabled') disabled from users group by role order by count(*) desc, role",
    )},
    'byStatus', ${countsBy("status", "users", "count(*)")}),
  'products', json_object(
    'total', (select count(*) from products where ${live}),
    'byStatus', ${countsBy("status", `products where ${live}`, "count(*)")},
    'byCategory', ${countsBy("category", `products where ${live}`, "count(*)")}),
  'establishments', json_object(
    'total', (select coalesce(sum(n), 0) from g),
    'byDepartment', ${list(
      "'code', code, 'name', name, 'count', n",
      `select g.dc code, coalesce(d.name, '${UNKNOWN_PLACE}') name, sum(n) n from g left join departments d on d.code = g.dc group by g.dc order by n desc, name`,
    )},
    'byCity', ${list(
      "'code', code, 'name', name, 'departmentCode', dc, 'count', n",
      `select g.cc code, coalesce(m.name, '${UNKNOWN_PLACE}') name, g.dc, sum(n) n from g left join municipalities m on m.code = g.cc group by g.dc, g.cc order by n desc, name`,
    )},
    'byKind', ${countsBy("kind", "g")},
    'byStatus', ${countsBy("status", "g")}),
  'portfolios', ${list(
    "'id', id, 'name', name, 'status', status, 'items', items, 'establishments', stores",
    `select p.id, p.name, p.status,
      (select count(*) from portfolio_items i where i.portfolio_id = p.id) items,
      (select count(*) from establishments e where e.portfolio_id = p.id and e.${live}) stores
    from portfolios p where p.${live} order by p.name, p.id`,
  )},
  'coverage', (select json_object(
      'activeEstablishments', active,
      'withPortfolio', carrying,
      'withoutPortfolio', active - carrying,
      'portfolioShare', iif(active = 0, 0, round(1.0 * carrying / active, 4)),
      'withoutSeller', (select count(*) from establishments e where ${live} and status = 'active'
        and not exists (select 1 from establishment_sellers s where s.establishment_id = e.id)))
    from (select coalesce(sum(n), 0) active, coalesce(sum(p), 0) carrying from g where status = 'active')),
  'topProducts', ${list(
    "'id', id, 'sku', sku, 'name', name, 'establishments', n",
    `select p.id, p.sku, p.name, reach.n from reach join products p on p.id = reach.product_id where p.${live} order by reach.n desc, p.id limit ${TOP}`,
  )},
  'sellers', json_object(
    'total', (select count(*) from routes),
    'withEstablishments', (select count(*) from routes where n > 0),
    'top', ${list(
      "'id', id, 'name', name, 'email', email, 'establishments', n",
      `select * from routes where n > 0 order by n desc, id limit ${TOP}`,
    )},
    'byRouteSize', json_array(${routeSizes})),
  'activity', json_object(
    'timeZone', '${ACTIVITY_TIME_ZONE}',
    'days', ${list(`'date', day, ${perDay}`, "select day from days")})`;

  return sql`with recursive
g as materialized (select department_code dc, city_code cc, kind, status, count(portfolio_id) p, count(*) n
  from establishments where ${sql.raw(live)} group by 1, 2, 3, 4),
carried as materialized (select portfolio_id, count(*) n from establishments
  where ${sql.raw(live)} and status = 'active' and portfolio_id is not null group by portfolio_id),
reach as materialized (select i.product_id, sum(carried.n) n from carried
  join portfolio_items i on i.portfolio_id = carried.portfolio_id group by i.product_id),
routes as materialized (select u.id, u.first_name || ' ' || u.last_name name, u.email, count(e.id) n
  from users u left join establishment_sellers s on s.seller_id = u.id
  left join establishments e on e.id = s.establishment_id and e.${sql.raw(live)}
  where u.role = 'seller' group by u.id),
days(day) as (select ${first} union all select date(day, '+1 day') from days where day < ${last}),
created as materialized (select kind, d, count(*) n from (
  ${created("products")} union all ${created("establishments")} union all
  ${created("portfolios")} union all ${created("users")}) group by kind, d)
insert into ${statsSnapshots} (name, generated_at, body)
select ${OVERVIEW}, ${at}, json_object('generatedAt', ${at}, ${sql.raw(members)}) where true
on conflict (name) do update set generated_at = excluded.generated_at, body = excluded.body
  where excluded.generated_at > stats_snapshots.generated_at
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
