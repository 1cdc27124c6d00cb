import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { Client } from "./api";

export interface SyncEntry {
  type: "portfolio" | "product" | "portfolioItem" | "establishment";
  id: string;
  op: "upsert" | "delete";
  data?: Record<string, unknown>;
}

/** A device's local copy: what the feed told it, by type and id. */
export class Replica {
  readonly entities = new Map<string, Record<string, unknown>>();
  cursor: string | undefined;

  apply(entries: SyncEntry[]) {
    for (const entry of entries) {
      const key = `${entry.type}:${entry.id}`;
      if (entry.op === "upsert") this.entities.set(key, entry.data!);
      else this.entities.delete(key);
    }
  }

  ids(type: SyncEntry["type"]): string[] {
    return [...this.entities.keys()]
      .filter((key) => key.startsWith(`${type}:`))
      .map((key) => key.slice(type.length + 1))
      .sort();
  }

  /** Syncs until `hasMore` is false; returns the pages' entries and counts. */
  async sync(api: Client, limit?: number) {
    const pages: { entries: SyncEntry[]; response: Response }[] = [];
    for (;;) {
      const query = new URLSearchParams();
      if (this.cursor) query.set("cursor", this.cursor);
      if (limit) query.set("limit", String(limit));
      const response = await api.get(`/sync?${query}`);
      expect(response.status, await response.clone().text()).toBe(200);
      const page = (await response.json()) as {
        data: SyncEntry[];
        nextCursor: string;
        hasMore: boolean;
      };
      this.apply(page.data);
      this.cursor = page.nextCursor;
      pages.push({ entries: page.data, response });
      if (!page.hasMore) return pages;
      if (pages.length > 500) throw new Error("sync does not end");
    }
  }
}

const all = async <T>(query: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(query)
      .bind(...params)
      .all<T>()
  ).results;

/**
 * What a seller's copy must hold, read straight from the tables (not through the feed):
 * the live stores on their route, the live portfolios those carry, those portfolios'
 * items of live products, and those products.
 */
export async function sellerScope(sellerId: string) {
  const stores = await all<{ id: string; portfolio_id: string | null }>(
    `select e.id, e.portfolio_id from establishments e join establishment_sellers r on r.establishment_id = e.id
     where r.seller_id = ? and e.deleted_at is null`,
    sellerId,
  );
  const portfolioIds = [
    ...new Set(stores.map((s) => s.portfolio_id).filter((id): id is string => id !== null)),
  ];
  const live = await all<{ id: string }>(
    `select id from portfolios where deleted_at is null and id in (select value from json_each(?))`,
    JSON.stringify(portfolioIds),
  );
  const items = await all<{ portfolio_id: string; product_id: string }>(
    `select i.portfolio_id, i.product_id from portfolio_items i join products p on p.id = i.product_id
     where p.deleted_at is null and i.portfolio_id in (select value from json_each(?))`,
    JSON.stringify(live.map((p) => p.id)),
  );
  return {
    establishment: stores.map((s) => s.id).sort(),
    portfolio: live.map((p) => p.id).sort(),
    portfolioItem: items.map((i) => `${i.portfolio_id}/${i.product_id}`).sort(),
    product: [...new Set(items.map((i) => i.product_id))].sort(),
  };
}

/** The replica holds exactly the seller's scope. */
export async function expectReplicaIsScope(replica: Replica, sellerId: string) {
  const scope = await sellerScope(sellerId);
  expect({
    establishment: replica.ids("establishment"),
    portfolio: replica.ids("portfolio"),
    portfolioItem: replica.ids("portfolioItem"),
    product: replica.ids("product"),
  }).toEqual(scope);
}
