import type { z } from "@hono/zod-openapi";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { logNewPortfolioItems, logPortfolioItems } from "../../db/change-log";
import { chunkRowsForInsert, inChunks, JSON_LIST_CHUNK } from "../../db/chunk";
import type { Database } from "../../db/client";
import { portfolioItems } from "../../db/schema";
import { ApiError, type FieldError } from "../../lib/problem";
import type { Changes } from "../../request/audit";
import type { NewItemSchema } from "./portfolios.schemas";

/*
 * A portfolio's items as a whole, as a create lists them and a replace (PUT) sets them:
 * checked, inserted, and compared with the stored set to change only what differs.
 */

/** An item as stored: its price (null: the list price) and position. */
export interface ItemValues {
  productId: string;
  price: number | null;
  position: number;
}

/** The items a request lists, as stored: a missing position is its place in the list. */
export const itemValues = (items: z.infer<typeof NewItemSchema>[]): ItemValues[] =>
  items.map((item, index) => ({
    productId: item.productId,
    price: item.price ?? null,
    position: item.position ?? index,
  }));

/** The products a request lists, each once. */
export const productIdsOf = (items: ItemValues[]) => [
  ...new Set(items.map((item) => item.productId)),
];

/**
 * The 400 for every bad item of a request at once, each at its own path: a product listed
 * twice, one that does not exist (or is deleted), one that is inactive. `statuses` holds
 * the status of each live product listed.
 */
export function itemProblems(
  items: ItemValues[],
  statuses: ReadonlyMap<string, string>,
): ApiError | undefined {
  const errors: FieldError[] = [];
  const firstIndex = new Map<string, number>();
  items.forEach(({ productId }, index) => {
    const path = `/items/${index}/productId`;
    const earlier = firstIndex.get(productId);
    if (earlier === undefined) firstIndex.set(productId, index);
    else
      errors.push({
        path,
        message: {
          en: `productId is listed twice (also at /items/${earlier})`,
          es: `productId está dos veces (también en /items/${earlier})`,
        },
      });
    const status = statuses.get(productId);
    if (status === undefined)
      errors.push({
        path,
        message: { en: "productId names no product", es: "productId no es un producto" },
      });
    else if (status !== "active")
      errors.push({
        path,
        message: { en: "The product is inactive", es: "El producto está inactivo" },
      });
  });
  if (errors.length === 0) return undefined;
  return new ApiError("validation-error", {
    detail:
      errors.length === 1
        ? { en: "1 item is invalid", es: "1 ítem no es válido" }
        : { en: `${errors.length} items are invalid`, es: `${errors.length} ítems no son válidos` },
    errors,
  });
}

/** The inserts of a new portfolio's items, with their change-log rows. */
export const newItems = (db: Database, portfolioId: string, items: ItemValues[], at: string) => [
  // D1 binds at most 100 parameters per statement: many inserts, one atomic batch.
  ...chunkRowsForInsert(
    portfolioItems,
    items.map((item) => ({ ...item, portfolioId, addedAt: at })),
  ).map((chunk) => db.insert(portfolioItems).values(chunk)),
  logNewPortfolioItems(db, portfolioId, at),
];

/** The items stored in a portfolio, for a replace to compare with. */
export const storedItems = (db: Database, portfolioId: string) =>
  db
    .select({
      productId: portfolioItems.productId,
      price: portfolioItems.price,
      position: portfolioItems.position,
    })
    .from(portfolioItems)
    .where(eq(portfolioItems.portfolioId, portfolioId));

/** What a replace changes in an item set: items added, items changed, products removed. */
export interface ItemSetChange {
  added: ItemValues[];
  changed: ItemValues[];
  removed: string[];
}

/** How `wanted` differs from the `stored` item set; undefined when it does not. */
export function itemSetChange(
  stored: ItemValues[],
  wanted: ItemValues[],
): ItemSetChange | undefined {
  const before = new Map(stored.map((item) => [item.productId, item]));
  const change: ItemSetChange = { added: [], changed: [], removed: [] };
  for (const item of wanted) {
    const was = before.get(item.productId);
    before.delete(item.productId);
    if (!was) change.added.push(item);
    else if (was.price !== item.price || was.position !== item.position) change.changed.push(item);
  }
  change.removed = [...before.keys()];
  const { added, changed, removed } = change;
  return added.length + changed.length + removed.length > 0 ? change : undefined;
}

/** What the audit row says of an item-set change: the products added, changed, removed. */
export function auditedItems({ added, changed, removed }: ItemSetChange): Changes {
  const ids = (items: ItemValues[]) => items.map((item) => item.productId);
  return {
    ...(added.length > 0 && { itemsAdded: { before: null, after: ids(added) } }),
    ...(changed.length > 0 && { itemsChanged: { before: null, after: ids(changed) } }),
    ...(removed.length > 0 && { itemsRemoved: { before: removed, after: null } }),
  };
}

/**
 * The statements that make a portfolio's stored item set the wanted one, with a change-log
 * row for each item removed (`delete`) or added or changed (`upsert`) at the portfolio's
 * `version` after it; each applies only while `guard` holds. Lists are bound as JSON
 * (json_each), so a statement takes a chunk of any size in one parameter.
 */
export function itemSetStatements(
  db: Database,
  portfolioId: string,
  { added, changed, removed }: ItemSetChange,
  log: { version: number; at: string; guard: SQL },
) {
  const upserted = [...added, ...changed];
  const inPortfolio = eq(portfolioItems.portfolioId, portfolioId);
  return [
    ...logPortfolioItems(db, portfolioId, removed, { ...log, op: "delete" }),
    ...inChunks(removed, JSON_LIST_CHUNK).map((chunk) =>
      db
        .delete(portfolioItems)
        .where(
          and(
            inPortfolio,
            sql`${portfolioItems.productId} in (select value from json_each(${JSON.stringify(chunk)}))`,
            log.guard,
          ),
        ),
    ),
    ...logPortfolioItems(
      db,
      portfolioId,
      upserted.map((item) => item.productId),
      { ...log, op: "upsert" },
    ),
    // A changed item keeps when it was added; a new one is added now.
    ...inChunks(upserted, JSON_LIST_CHUNK).map((chunk) =>
      db
        .insert(portfolioItems)
        .select(
          sql`select ${portfolioId}, json_extract(value, '$.productId'), json_extract(value, '$.price'),
            json_extract(value, '$.position'), ${log.at}
          from json_each(${JSON.stringify(chunk)}) where ${log.guard}`,
        )
        .onConflictDoUpdate({
          target: [portfolioItems.portfolioId, portfolioItems.productId],
          set: { price: sql`excluded.price`, position: sql`excluded.position` },
        }),
    ),
  ];
}
