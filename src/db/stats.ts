import { and, count, desc, eq, gte, isNotNull, isNull, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client";
import {
  departments,
  type establishmentKinds,
  establishmentSellers,
  type establishmentStatuses,
  establishments,
  municipalities,
  portfolioItems,
  type portfolioStatuses,
  portfolios,
  type productStatuses,
  products,
  statsSnapshots,
  type UserRole,
  type userStatuses,
  users,
} from "./schema";

/**
 * The management overview (GET /api/v1/stats/overview): computed here in one batch of
 * selects — one D1 round trip, and one consistent read, since a D1 batch runs as one
 * transaction — and kept as a snapshot in `stats_snapshots`, which the API serves.
 */

/** Colombia has kept UTC−5 all year since 1993: a day of the activity series is a Bogotá day. */
export const ACTIVITY_TIME_ZONE = "America/Bogota";
const BOGOTA_OFFSET_HOURS = -5;
export const ACTIVITY_DAYS = 30;
/** How many products and sellers the top lists name (the CSV export has them all). */
export const TOP = 20;
/** Bounds of the sellers-by-route-size histogram: 0, 1–10, 11–25, 26–50, 51–100, 101+. */
const ROUTE_SIZE_BUCKETS = [
  [0, 0],
  [1, 10],
  [11, 25],
  [26, 50],
  [51, 100],
  [101, null],
] as const;

type Counted<K extends string, V> = { [key in K]: V } & { count: number };

export interface StatsOverview {
  generatedAt: string;
  users: {
    total: number;
    byRole: { role: UserRole; active: number; disabled: number }[];
    byStatus: Counted<"status", (typeof userStatuses)[number]>[];
  };
  products: {
    total: number;
    byStatus: Counted<"status", (typeof productStatuses)[number]>[];
    byCategory: Counted<"category", string>[];
  };
  establishments: {
    total: number;
    byDepartment: { code: string | null; name: string; count: number }[];
    byCity: { code: string | null; name: string; departmentCode: string | null; count: number }[];
    byKind: Counted<"kind", (typeof establishmentKinds)[number]>[];
    byStatus: Counted<"status", (typeof establishmentStatuses)[number]>[];
  };
  portfolios: {
    id: string;
    name: string;
    status: (typeof portfolioStatuses)[number];
    items: number;
    establishments: number;
  }[];
  coverage: {
    activeEstablishments: number;
    withPortfolio: number;
    withoutPortfolio: number;
    portfolioShare: number;
    withoutSeller: number;
  };
  topProducts: { id: string; sku: string; name: string; establishments: number }[];
  sellers: {
    total: number;
    withEstablishments: number;
    top: { id: string; name: string; email: string; establishments: number }[];
    byRouteSize: { min: number; max: number | null; sellers: number }[];
  };
  activity: {
    timeZone: typeof ACTIVITY_TIME_ZONE;
    days: {
      date: string;
      products: number;
      establishments: number;
      portfolios: number;
      users: number;
    }[];
  };
}

const DAY_MS = 86_400_000;
/** The name of a group of stores with no DIVIPOLA code (rows from before migration 0002). */
const UNKNOWN_PLACE = "(sin código DIVIPOLA)";

/** The Bogotá dates of the last 30 days up to `now`, and the UTC instant the first begins. */
export function activityWindow(now: Date) {
  const offsetMs = BOGOTA_OFFSET_HOURS * 3_600_000;
  const today = Date.parse(new Date(now.getTime() + offsetMs).toISOString().slice(0, 10));
  const dates = Array.from({ length: ACTIVITY_DAYS }, (_, i) =>
    new Date(today - (ACTIVITY_DAYS - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
  const since = new Date(today - (ACTIVITY_DAYS - 1) * DAY_MS - offsetMs).toISOString();
  return { dates, since };
}

/** A creation timestamp's Bogotá date, in SQL (timestamps are UTC text). */
const bogotaDate = (column: SQLiteColumn) =>
  sql<string>`date(${column}, ${`${BOGOTA_OFFSET_HOURS} hours`})`;

const live = isNull(establishments.deletedAt);

/**
 * A column of the outer query inside a correlated subquery: Drizzle writes a one-table
 * select's columns unqualified (`"id"`), which inside the subquery would name its own.
 */
const outer = (table: SQLiteTable, column: string) => sql`${table}.${sql.identifier(column)}`;
const liveActive = and(live, eq(establishments.status, "active"));

/** The selects of the overview, as one batch. */
function overviewQueries(db: Database, since: string) {
  // Active live stores carrying each portfolio, counted once: the top products then join
  // ~500 counts to the items instead of every store to every item.
  const carried = db.$with("carried").as(
    db
      .select({ portfolioId: establishments.portfolioId, stores: count().as("stores") })
      .from(establishments)
      .where(and(liveActive, isNotNull(establishments.portfolioId)))
      .groupBy(establishments.portfolioId),
  );
  // …then each product's reach, summed over the portfolios listing it, before any product
  // row is read: only the top ones are looked up.
  const reach = db.$with("reach").as(
    db
      .select({
        productId: portfolioItems.productId,
        stores: sql<number>`sum(${carried.stores})`.as("reach_stores"),
      })
      .from(carried)
      .innerJoin(portfolioItems, eq(portfolioItems.portfolioId, carried.portfolioId))
      .groupBy(portfolioItems.productId),
  );
  const storeGroups = db
    .select({
      departmentCode: establishments.departmentCode,
      cityCode: establishments.cityCode,
      kind: establishments.kind,
      status: establishments.status,
      withPortfolio: sql<number>`count(${establishments.portfolioId})`.as("with_portfolio"),
      stores: count().as("stores"),
    })
    .from(establishments)
    .where(live)
    .groupBy(
      establishments.departmentCode,
      establishments.cityCode,
      establishments.kind,
      establishments.status,
    )
    .as("store_groups");
  const routeSizes = db.$with("route_sizes").as(
    db
      .select({ sellerId: establishmentSellers.sellerId, stores: count().as("stores") })
      .from(establishmentSellers)
      .innerJoin(establishments, eq(establishments.id, establishmentSellers.establishmentId))
      .where(live)
      .groupBy(establishmentSellers.sellerId),
  );
  const createdPerDay = (table: SQLiteTable, createdAt: SQLiteColumn) =>
    db
      .select({ date: bogotaDate(createdAt), count: count() })
      .from(table)
      .where(gte(createdAt, since))
      .groupBy(bogotaDate(createdAt));

  return [
    db
      .select({ role: users.role, status: users.status, count: count() })
      .from(users)
      .groupBy(users.role, users.status),
    db
      .select({ status: products.status, category: products.category, count: count() })
      .from(products)
      .where(isNull(products.deletedAt))
      .groupBy(products.status, products.category),
    // One pass over the stores, rolled up by each dimension below. It walks the partial
    // index establishments_stats_idx in its order (no sort, no table reads); names come
    // from DIVIPOLA afterwards, one lookup per group.
    db
      .select({
        departmentCode: storeGroups.departmentCode,
        department: sql<string>`coalesce(${departments.name}, ${UNKNOWN_PLACE})`,
        cityCode: storeGroups.cityCode,
        city: sql<string>`coalesce(${municipalities.name}, ${UNKNOWN_PLACE})`,
        kind: storeGroups.kind,
        status: storeGroups.status,
        withPortfolio: storeGroups.withPortfolio,
        count: storeGroups.stores,
      })
      .from(storeGroups)
      .leftJoin(departments, eq(departments.code, storeGroups.departmentCode))
      .leftJoin(municipalities, eq(municipalities.code, storeGroups.cityCode)),
    // Active stores on nobody's route: establishments_live_status_portfolio_idx holds their
    // ids, each probed in establishment_sellers' key.
    db
      .select({ count: count() })
      .from(establishments)
      .where(
        and(
          liveActive,
          sql`not exists (select 1 from ${establishmentSellers} where ${establishmentSellers.establishmentId} = ${outer(establishments, "id")})`,
        ),
      ),
    db
      .select({
        id: portfolios.id,
        name: portfolios.name,
        status: portfolios.status,
        items: sql<number>`(select count(*) from ${portfolioItems} where ${portfolioItems.portfolioId} = ${outer(portfolios, "id")})`,
        establishments: sql<number>`(select count(*) from ${establishments} where ${establishments.portfolioId} = ${outer(portfolios, "id")} and ${establishments.deletedAt} is null)`,
      })
      .from(portfolios)
      .where(isNull(portfolios.deletedAt))
      .orderBy(portfolios.name, portfolios.id),
    db
      .with(carried, reach)
      .select({
        id: products.id,
        sku: products.sku,
        name: products.name,
        establishments: reach.stores,
      })
      .from(reach)
      .innerJoin(products, eq(products.id, reach.productId))
      .where(isNull(products.deletedAt))
      .orderBy(desc(reach.stores), products.id)
      .limit(TOP),
    db
      .with(routeSizes)
      .select({
        id: users.id,
        firstName: users.firstName,
        lastName: users.lastName,
        email: users.email,
        stores: routeSizes.stores,
      })
      .from(routeSizes)
      .innerJoin(users, eq(users.id, routeSizes.sellerId))
      .where(eq(users.role, "seller"))
      .orderBy(desc(routeSizes.stores), users.id)
      .limit(TOP),
    db
      .with(routeSizes)
      .select({ stores: routeSizes.stores, sellers: count() })
      .from(routeSizes)
      .innerJoin(users, eq(users.id, routeSizes.sellerId))
      .where(eq(users.role, "seller"))
      .groupBy(sql`${routeSizes.stores}`),
    createdPerDay(products, products.createdAt),
    createdPerDay(establishments, establishments.createdAt),
    createdPerDay(portfolios, portfolios.createdAt),
    createdPerDay(users, users.createdAt),
  ] as const;
}

const sum = (rows: readonly { count: number }[]) =>
  rows.reduce((total, row) => total + row.count, 0);

/** Rows grouped by `key`, their counts added up, largest first (ties by key). */
function rollUp<R extends { count: number }, K extends keyof R>(rows: readonly R[], key: K) {
  const totals = new Map<R[K], number>();
  for (const row of rows) totals.set(row[key], (totals.get(row[key]) ?? 0) + row.count);
  return [...totals]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
}

/** The overview as of `now` (which only decides the activity window), read in one batch. */
export async function computeOverview(db: Database, now: Date): Promise<StatsOverview> {
  const { dates, since } = activityWindow(now);
  const [
    userRows,
    productRows,
    storeRows,
    [withoutSeller],
    portfolioRows,
    topProducts,
    topSellers,
    routeSizeRows,
    ...createdRows
  ] = await db.batch(overviewQueries(db, since));

  const activeStores = storeRows.filter((row) => row.status === "active");
  const activeEstablishments = sum(activeStores);
  const withPortfolio = activeStores.reduce((total, row) => total + row.withPortfolio, 0);
  const sellerCount = sum(userRows.filter((row) => row.role === "seller"));
  const sellersWithStores = routeSizeRows.reduce((total, row) => total + row.sellers, 0);
  const [productsCreated, storesCreated, portfoliosCreated, usersCreated] = createdRows.map(
    (rows) => new Map(rows.map((row) => [row.date, row.count])),
  ) as [Map<string, number>, Map<string, number>, Map<string, number>, Map<string, number>];

  const byCity = new Map<string, StatsOverview["establishments"]["byCity"][number]>();
  const byDepartment = new Map<string, StatsOverview["establishments"]["byDepartment"][number]>();
  for (const row of storeRows) {
    const city = `${row.cityCode}|${row.city}`;
    const entry = byCity.get(city) ?? {
      code: row.cityCode,
      name: row.city,
      departmentCode: row.departmentCode,
      count: 0,
    };
    entry.count += row.count;
    byCity.set(city, entry);
    const department = `${row.departmentCode}|${row.department}`;
    const place = byDepartment.get(department) ?? {
      code: row.departmentCode,
      name: row.department,
      count: 0,
    };
    place.count += row.count;
    byDepartment.set(department, place);
  }
  const largestFirst = <T extends { count: number; name: string }>(rows: Iterable<T>) =>
    [...rows].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));

  return {
    generatedAt: now.toISOString(),
    users: {
      total: sum(userRows),
      byRole: rollUp(userRows, "role").map(({ value: role }) => ({
        role,
        active: sum(userRows.filter((row) => row.role === role && row.status === "active")),
        disabled: sum(userRows.filter((row) => row.role === role && row.status === "disabled")),
      })),
      byStatus: rollUp(userRows, "status").map(({ value: status, count }) => ({ status, count })),
    },
    products: {
      total: sum(productRows),
      byStatus: rollUp(productRows, "status").map(({ value: status, count }) => ({
        status,
        count,
      })),
      byCategory: rollUp(productRows, "category").map(({ value: category, count }) => ({
        category,
        count,
      })),
    },
    establishments: {
      total: sum(storeRows),
      byDepartment: largestFirst(byDepartment.values()),
      byCity: largestFirst(byCity.values()),
      byKind: rollUp(storeRows, "kind").map(({ value: kind, count }) => ({ kind, count })),
      byStatus: rollUp(storeRows, "status").map(({ value: status, count }) => ({ status, count })),
    },
    portfolios: portfolioRows,
    coverage: {
      activeEstablishments,
      withPortfolio,
      withoutPortfolio: activeEstablishments - withPortfolio,
      portfolioShare:
        activeEstablishments === 0
          ? 0
          : Math.round((withPortfolio / activeEstablishments) * 10_000) / 10_000,
      withoutSeller: withoutSeller?.count ?? 0,
    },
    topProducts,
    sellers: {
      total: sellerCount,
      withEstablishments: sellersWithStores,
      top: topSellers.map((seller) => ({
        id: seller.id,
        name: `${seller.firstName} ${seller.lastName}`,
        email: seller.email,
        establishments: seller.stores,
      })),
      byRouteSize: ROUTE_SIZE_BUCKETS.map(([min, max]) => ({
        min,
        max,
        sellers:
          min === 0
            ? sellerCount - sellersWithStores
            : routeSizeRows
                .filter((row) => row.stores >= min && (max === null || row.stores <= max))
                .reduce((total, row) => total + row.sellers, 0),
      })),
    },
    activity: {
      timeZone: ACTIVITY_TIME_ZONE,
      days: dates.map((date) => ({
        date,
        products: productsCreated.get(date) ?? 0,
        establishments: storesCreated.get(date) ?? 0,
        portfolios: portfoliosCreated.get(date) ?? 0,
        users: usersCreated.get(date) ?? 0,
      })),
    },
  };
}

export const OVERVIEW = "overview";
/** The cron (wrangler.toml [triggers]) that refreshes the snapshot. */
export const OVERVIEW_REFRESH_CRON = "*/10 * * * *";

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
 * meantime (two refreshes racing: the later figures win). Returns the stored JSON text.
 */
export async function refreshOverview(db: Database, now: Date) {
  const overview = await computeOverview(db, now);
  const body = JSON.stringify(overview);
  await db
    .insert(statsSnapshots)
    .values({ name: OVERVIEW, generatedAt: overview.generatedAt, body })
    .onConflictDoUpdate({
      target: statsSnapshots.name,
      set: { generatedAt: overview.generatedAt, body },
      setWhere: sql`excluded.generated_at > ${statsSnapshots.generatedAt}`,
    });
  return { generatedAt: overview.generatedAt, body };
}
