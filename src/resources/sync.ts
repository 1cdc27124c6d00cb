import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { AccessClaims } from "../auth/tokens";
import type { Database } from "../db/client";
import {
  changeLogState,
  changes,
  establishmentSellers,
  establishments,
  portfolioItems,
  portfolios,
  products,
} from "../db/schema";
import { isLive } from "../db/versions";
import { establishmentColumns, toEstablishment } from "./establishments";
import { portfolioColumns } from "./portfolios";
import { productColumns } from "./products";

/*
 * The change feed of GET /sync, for one caller: what changed after the cursor's log seq,
 * as the current state of each entity (upsert) or a tombstone (delete) — in four
 * sections, portfolios, products, portfolio items, establishments, each in key order.
 *
 * An admin's feed is the log itself. A seller's is their scope: the stores on their
 * route, the portfolios those carry, those portfolios' items and products. What enters
 * or leaves that scope is not a change of the entity, so it is derived:
 * - stores: the route is in D1 (establishment_sellers, kept for deleted stores), and
 *   each change of a route writes a log row naming the seller;
 * - portfolios: the cursor names those the client holds complete (`have`); the sync
 *   sends those carried now (`want`, fixed when the sync began). want − have entered:
 *   all their items and products are sent; have − want left: all theirs are tombstoned;
 *   for the rest, only what the log says changed.
 * Every section is one SELECT, so a page is one batch: one D1 round trip.
 */

export const SYNC_SECTIONS = ["portfolio", "product", "portfolioItem", "establishment"] as const;
export type SyncEntityType = (typeof SYNC_SECTIONS)[number];

export type SyncEntry =
  | { type: SyncEntityType; id: string; op: "upsert"; data: Record<string, unknown> }
  | { type: SyncEntityType; id: string; op: "delete" };

/** A page's position in the log and in the caller's scope. */
export interface FeedWindow {
  /** The client holds every change up to this seq; 0: a full snapshot. */
  since: number;
  /** The log head the sync stops at: a number, or (first page) the head as the batch reads it. */
  until: number | SQL;
  /** Portfolios the client holds complete. */
  have: string[];
  /** Portfolios this sync sends: a list, or (first page) those the seller carries now. */
  want: string[] | SQL;
  /** The last entry already sent. */
  after?: [section: number, key: string];
  limit: number;
}

/** A list of ids as a one-column set (`value`), one bound parameter however long. */
const setOf = (ids: string[]) => sql`select value from json_each(${JSON.stringify(ids)})`;
const wantSet = (w: FeedWindow) => (Array.isArray(w.want) ? setOf(w.want) : w.want);

/** The log head (compaction may have emptied the log: then where it compacted to). */
export const logHead = sql<number>`max(coalesce((select max(${changes.seq}) from ${changes}), 0), (select ${changeLogState.compactedThrough} from ${changeLogState} where ${changeLogState.id} = 1))`;

/** Every store ever put on the seller's route and still on it (deleted ones included). */
const routeOf = (sellerId: string) =>
  sql`select ${establishmentSellers.establishmentId} from ${establishmentSellers} where ${establishmentSellers.sellerId} = ${sellerId}`;

/** The live portfolios the seller's live stores carry now, as a set (`value`). */
export const carriedBy = (sellerId: string) =>
  sql`select distinct ${establishments.portfolioId} as value from ${establishments}
    where ${establishments.id} in (${routeOf(sellerId)}) and ${establishments.deletedAt} is null
      and exists (select 1 from ${portfolios} where ${portfolios.id} = ${establishments.portfolioId} and ${portfolios.deletedAt} is null)`;

const inWindow = (w: FeedWindow) =>
  sql`${changes.seq} > ${w.since} and ${changes.seq} <= ${w.until}`;

/** Whether the log has a change of this entity in the window. */
// `+entity_type`: the unary plus keeps SQLite from walking every change of the type in
// the window (changes_type_seq_idx) instead of this entity's (changes_entity_seq_idx).
const changed = (w: FeedWindow, type: string, id: SQL | unknown) =>
  sql`exists (select 1 from ${changes} where ${changes.entityId} = ${id} and +${changes.entityType} = ${type} and ${inWindow(w)})`;

/** The ids of a type changed in the window (an admin's feed). */
const changedIds = (w: FeedWindow, type: string, op?: "delete") =>
  sql`select ${changes.entityId} from ${changes} where ${changes.entityType} = ${type} and ${inWindow(w)}${op ? sql` and ${changes.op} = ${op}` : sql``}`;

const union = (parts: SQL[]) => sql.join(parts, sql` union `);

/** The keyset condition of a section: after the last entry sent, when it was in this one. */
const afterKey = (w: FeedWindow, section: number, column: SQL | unknown) =>
  w.after?.[0] === section ? sql`${column} > ${w.after[1]}` : undefined;

/** The portfolio sets of a seller's window: entered, kept, left. */
function portfolioSets(w: FeedWindow) {
  const want = wantSet(w);
  const have = setOf(w.have);
  return {
    want,
    entered: sql`select value from (${want}) where value not in (${have})`,
    kept: sql`select value from (${want}) where value in (${have})`,
    left: sql`select value from (${have}) where value not in (${want})`,
    have,
  };
}

const itemProducts = (portfolioSet: SQL) =>
  sql`select ${portfolioItems.productId} from ${portfolioItems} where ${portfolioItems.portfolioId} in (${portfolioSet})`;
const itemChanges = (w: FeedWindow, portfolioSet: SQL, columns: SQL) =>
  sql`select ${columns} from ${changes} where ${changes.portfolioId} in (${portfolioSet}) and ${inWindow(w)}`;

/**
 * One section's SELECT: candidates (rows of `table` whose ids are in `candidates`), each
 * flagged `present` (upsert) or not (tombstone); a snapshot sends only present ones.
 */
function entitySection<T extends typeof products | typeof portfolios | typeof establishments>(
  db: Database,
  w: FeedWindow,
  section: number,
  table: T,
  columns: Record<string, unknown>,
  candidates: SQL,
  present: SQL,
) {
  return db
    .select({ ...(columns as Record<string, SQL>), present: sql<number>`${present}` })
    .from(table)
    .where(
      and(
        sql`${table.id} in (${candidates})`,
        w.since === 0 ? present : undefined,
        afterKey(w, section, table.id),
      ),
    )
    .orderBy(asc(table.id))
    .limit(w.limit + 1);
}

function portfolioSection(db: Database, auth: AccessClaims, w: FeedWindow) {
  if (auth.role === "admin") {
    const candidates =
      w.since === 0 ? sql`select ${portfolios.id} from ${portfolios}` : changedIds(w, "portfolio");
    return entitySection(db, w, 0, portfolios, portfolioColumns, candidates, isLive(portfolios));
  }
  const s = portfolioSets(w);
  const candidates =
    w.since === 0
      ? s.want
      : union([
          s.entered,
          sql`select value from (${s.kept}) where ${changed(w, "portfolio", sql`value`)}`,
          s.left,
        ]);
  const present = and(isLive(portfolios), sql`${portfolios.id} in (${s.want})`)!;
  return entitySection(db, w, 0, portfolios, portfolioColumns, candidates, present);
}

function productSection(db: Database, auth: AccessClaims, w: FeedWindow) {
  if (auth.role === "admin") {
    const candidates =
      w.since === 0 ? sql`select ${products.id} from ${products}` : changedIds(w, "product");
    return entitySection(db, w, 1, products, productColumns, candidates, isLive(products));
  }
  const s = portfolioSets(w);
  const candidates =
    w.since === 0
      ? itemProducts(s.want)
      : union([
          itemProducts(s.entered),
          itemChanges(w, s.kept, sql`${changes.entityId}`),
          sql`select ${portfolioItems.productId} from ${portfolioItems} where ${portfolioItems.portfolioId} in (${s.kept}) and ${changed(w, "product", portfolioItems.productId)}`,
          itemProducts(s.left),
          itemChanges(w, s.have, sql`${changes.entityId}`),
        ]);
  const present = and(isLive(products), sql`${products.id} in (${itemProducts(s.want)})`)!;
  return entitySection(db, w, 1, products, productColumns, candidates, present);
}

function establishmentSection(db: Database, auth: AccessClaims, w: FeedWindow) {
  if (auth.role === "admin") {
    const candidates =
      w.since === 0
        ? sql`select ${establishments.id} from ${establishments}`
        : changedIds(w, "establishment");
    return entitySection(
      db,
      w,
      3,
      establishments,
      establishmentColumns,
      candidates,
      isLive(establishments),
    );
  }
  const route = routeOf(auth.userId);
  const candidates =
    w.since === 0
      ? route
      : union([
          sql`select value from (select ${establishmentSellers.establishmentId} as value from ${establishmentSellers} where ${establishmentSellers.sellerId} = ${auth.userId}) where ${changed(w, "establishment", sql`value`)}`,
          sql`select ${changes.entityId} from ${changes} where ${changes.sellerId} = ${auth.userId} and ${inWindow(w)}`,
        ]);
  const present = and(isLive(establishments), sql`${establishments.id} in (${route})`)!;
  return entitySection(db, w, 3, establishments, establishmentColumns, candidates, present);
}

/**
 * Portfolio items have no table of their own to start from (a removed one is gone), so
 * their section selects from the set of keys that may have changed, joined to what is
 * there now. The FROM is raw SQL: a compound SELECT as a source, which Drizzle's builder
 * has no form for (and its raw `db.all` cannot join a batch).
 */
function itemSection(db: Database, auth: AccessClaims, w: FeedWindow) {
  const itemKeys = (portfolioSet: SQL) =>
    sql`select ${portfolioItems.portfolioId} as portfolio_id, ${portfolioItems.productId} as product_id from ${portfolioItems} where ${portfolioItems.portfolioId} in (${portfolioSet})`;
  const changedKeys = (portfolioSet: SQL) =>
    itemChanges(
      w,
      portfolioSet,
      sql`${changes.portfolioId} as portfolio_id, ${changes.entityId} as product_id`,
    );
  let keys: SQL;
  let shownIn: SQL;
  if (auth.role === "admin") {
    const livePortfolios = sql`select ${portfolios.id} from ${portfolios} where ${portfolios.deletedAt} is null`;
    shownIn = livePortfolios;
    keys =
      w.since === 0
        ? itemKeys(livePortfolios)
        : union([
            sql`select ${changes.portfolioId} as portfolio_id, ${changes.entityId} as product_id from ${changes} where ${changes.entityType} = 'portfolio_item' and ${inWindow(w)}`,
            itemKeys(changedIds(w, "portfolio", "delete")),
          ]);
  } else {
    const s = portfolioSets(w);
    shownIn = s.want;
    keys =
      w.since === 0
        ? itemKeys(s.want)
        : union([itemKeys(s.entered), changedKeys(s.kept), itemKeys(s.left), changedKeys(s.left)]);
  }
  const after = w.after?.[0] === 2 ? w.after[1].split("/") : undefined;
  const present = sql<number>`(i.portfolio_id is not null and p.deleted_at is null and k.portfolio_id in (${shownIn}))`;
  return db
    .select({
      portfolioId: sql<string>`k.portfolio_id`,
      productId: sql<string>`k.product_id`,
      price: sql<number | null>`i.price`,
      position: sql<number>`i.position`,
      addedAt: sql<string>`i.added_at`,
      present,
    })
    .from(
      sql`(${keys}) k
        left join ${portfolioItems} i on i.portfolio_id = k.portfolio_id and i.product_id = k.product_id
        left join ${products} p on p.id = k.product_id`,
    )
    .where(
      and(
        w.since === 0 ? present : undefined,
        after && sql`(k.portfolio_id, k.product_id) > (${after[0]}, ${after[1] ?? ""})`,
      ),
    )
    .orderBy(sql`k.portfolio_id`, sql`k.product_id`)
    .limit(w.limit + 1);
}

interface ItemRow {
  portfolioId: string;
  productId: string;
  price: number | null;
  position: number;
  addedAt: string;
  present: number;
}

type Row = { id: string; present: number } & Record<string, unknown>;

/** A section's rows as entries: the state of what is there, the id of what is not. */
function entries(type: SyncEntityType, rows: Row[], show: (row: Row) => Record<string, unknown>) {
  return rows.map((row): SyncEntry => {
    if (!row.present) return { type, id: row.id, op: "delete" };
    const { present: _present, ...data } = row;
    return { type, id: row.id, op: "upsert", data: show(data as Row) };
  });
}

const itemKey = (row: ItemRow) => `${row.portfolioId}/${row.productId}`;

/**
 * One page of the feed, in one batch: the log's state (head, compaction, the portfolios
 * carried now) and the sections from where the page starts. Each section reads at most
 * limit + 1 rows; the page is the first `limit` entries of them in section order.
 */
export async function feedPage(db: Database, auth: AccessClaims, w: FeedWindow) {
  const start = w.after?.[0] ?? 0;
  const sections = [
    () => portfolioSection(db, auth, w),
    () => productSection(db, auth, w),
    () => itemSection(db, auth, w),
    () => establishmentSection(db, auth, w),
  ];
  const state = db
    .select({
      head: sql<number>`${w.until}`.mapWith(Number),
      compactedThrough: changeLogState.compactedThrough,
      want: sql<string>`(select json_group_array(value) from (${wantSet(w)}))`,
    })
    .from(changeLogState)
    .where(eq(changeLogState.id, 1));
  const [[log], ...results] = (await db.batch([
    state,
    ...sections.slice(start).map((section) => section()),
  ])) as [{ head: number; compactedThrough: number; want: string }[], ...unknown[][]];
  if (!log) throw new Error("change_log_state has no row: migration 0006 was not applied");
  const all: SyncEntry[] = [];
  results.forEach((rows, i) => {
    const section = start + i;
    if (section === 2) {
      for (const row of rows as ItemRow[]) {
        const { present, ...data } = row;
        all.push(
          present
            ? { type: "portfolioItem", id: itemKey(row), op: "upsert", data }
            : { type: "portfolioItem", id: itemKey(row), op: "delete" },
        );
      }
    } else if (section === 3) {
      all.push(...entries("establishment", rows as Row[], (row) => toEstablishment(row as never)));
    } else {
      all.push(...entries(SYNC_SECTIONS[section]!, rows as Row[], (row) => row));
    }
  });
  const page = all.slice(0, w.limit);
  const last = page.at(-1);
  return {
    entries: page,
    hasMore: all.length > w.limit,
    last: last && ([SYNC_SECTIONS.indexOf(last.type), last.id] as [number, string]),
    head: log.head,
    compactedThrough: log.compactedThrough,
    want: Array.isArray(w.want) ? w.want : (JSON.parse(log.want) as string[]),
  };
}
