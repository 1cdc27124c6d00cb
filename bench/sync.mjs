// The offline contract at the benchmark's data size (docs/offline.md): a seller with 25
// stores that all carry one 2,000-item portfolio syncs from zero, a day of edits happens,
// and they catch up; then a sync with nothing new (If-None-Match → 304). Reports pages,
// entries, bytes, D1 round trips per page and time, measured through `wrangler dev`.
import { roundTripsOf } from "./lib.mjs";

/**
 * @param {string} origin
 * @param {{ admin: Record<string, string>, seller: Record<string, string> }} auth
 * @param {{ sellerId: string, stores: string[], products: string[], others: string[] }} data
 *   the seller's 25 stores, 2,000 products for their portfolio, products outside it
 */
export async function measureSync(origin, auth, { sellerId, stores, products, others }) {
  const call = async (method, path, headers, body) => {
    const response = await fetch(`${origin}/api/v1${path}`, {
      method,
      headers: { ...headers, ...(body !== undefined && { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 400)
      throw new Error(
        `sync bench: ${method} ${path} → ${response.status} ${await response.text()}`,
      );
    return response;
  };
  const created = await call("POST", "/portfolios", auth.admin, {
    name: `Sync bench ${Date.now()}`,
    items: products.map((productId) => ({ productId })),
  });
  const portfolio = /** @type {{ id: string }} */ (await created.json());
  for (const store of stores)
    await call("PATCH", `/establishments/${store}`, auth.admin, { portfolioId: portfolio.id });

  let cursor;
  /** One whole sync from `cursor`: its pages. */
  const sync = async () => {
    const pages = [];
    for (;;) {
      const t0 = performance.now();
      const response = await call("GET", `/sync${cursor ? `?cursor=${cursor}` : ""}`, auth.seller);
      const text = await response.text();
      const page = JSON.parse(text);
      pages.push({
        entries: page.data.length,
        kib: Math.round((text.length / 1024) * 10) / 10,
        roundTrips: roundTripsOf(response),
        ms: Math.round(performance.now() - t0),
        etag: response.headers.get("ETag"),
      });
      cursor = page.nextCursor;
      if (!page.hasMore) return pages;
    }
  };
  const summary = (pages) => ({
    pages: pages.length,
    entries: pages.reduce((n, p) => n + p.entries, 0),
    kib: Math.round(pages.reduce((n, p) => n + p.kib, 0) * 10) / 10,
    /** The most D1 round trips any page of the sync took. */
    roundTripsPerPage: Math.max(...pages.map((p) => p.roundTrips ?? Number.POSITIVE_INFINITY)),
    ms: pages.reduce((n, p) => n + p.ms, 0),
  });

  const fromZero = summary(await sync());

  // A day of edits: in the seller's scope and outside it.
  for (const [i, product] of products.slice(0, 40).entries())
    await call("PATCH", `/products/${product}`, auth.admin, { price: 1000 + i });
  for (const [i, product] of products.slice(40, 45).entries())
    await call("PUT", `/portfolios/${portfolio.id}/items/${product}`, auth.admin, {
      price: 900 + i,
    });
  for (const product of products.slice(45, 47))
    await call("DELETE", `/portfolios/${portfolio.id}/items/${product}`, auth.admin);
  for (const [i, store] of stores.slice(0, 5).entries())
    await call("PATCH", `/establishments/${store}`, auth.seller, { phone: `300555${1000 + i}` });
  await call("DELETE", `/establishments/${stores[24]}/sellers/${sellerId}`, auth.admin);
  for (const [i, product] of others.entries())
    await call("PATCH", `/products/${product}`, auth.admin, { price: 2000 + i });
  const catchUpPages = await sync();
  const catchUp = summary(catchUpPages);

  const idle = await fetch(`${origin}/api/v1/sync?cursor=${cursor}`, {
    headers: { ...auth.seller, "If-None-Match": catchUpPages.at(-1)?.etag ?? "" },
  });
  await idle.arrayBuffer();
  // Put the store back on the route, so a second run of the bench starts alike.
  await call("PUT", `/establishments/${stores[24]}/sellers/${sellerId}`, auth.admin, {});
  return {
    fromZero,
    catchUp,
    idle: { status: idle.status, roundTrips: roundTripsOf(idle) },
  };
}
