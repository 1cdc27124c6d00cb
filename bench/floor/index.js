// The floor: what the runtime itself costs for the API's reads. Each route runs the same
// SQL as the API handler it stands for (see bench/README.md), straight on the D1 binding.
const PRODUCT_COLUMNS =
  '"id", "sku", "name", "description", "category", "brand", "gtin", "image_url", "unit", "price", "currency", "status", "version", "created_at", "updated_at"';

const PORTFOLIO_OF_ESTABLISHMENT = `(select "establishments"."portfolio_id" from "establishments" where "establishments"."id" = ? and "establishments"."deleted_at" is null and "establishments"."id" in (select "establishment_sellers"."establishment_id" from "establishment_sellers" where "establishment_sellers"."seller_id" = ?))`;

function decodeCursor(cursor) {
  const json = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  const [, value, id] = JSON.parse(
    new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))),
  );
  return { value, id };
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === "/health") return Response.json({ status: "ok", version: "floor" });

    if (path === "/products") {
      const cursor = url.searchParams.get("cursor");
      const limit = Number(url.searchParams.get("limit") ?? 20);
      const after = cursor ? decodeCursor(cursor) : null;
      const where = after ? 'and ("products"."name", "products"."id") > (?, ?)' : "";
      const { results } = await env.DB.prepare(
        `select ${PRODUCT_COLUMNS} from "products" where "products"."deleted_at" is null ${where} order by "products"."name" asc, "products"."id" asc limit ?`,
      )
        .bind(...(after ? [after.value, after.id] : []), limit + 1)
        .all();
      return Response.json({
        data: results.slice(0, limit),
        nextCursor: results.length > limit ? "more" : null,
      });
    }

    let match = /^\/products\/([^/]+)$/.exec(path);
    if (match) {
      const row = await env.DB.prepare(
        `select ${PRODUCT_COLUMNS} from "products" where ("products"."id" = ? and "products"."deleted_at" is null)`,
      )
        .bind(match[1])
        .first();
      return row ? Response.json(row) : new Response("not found", { status: 404 });
    }

    match = /^\/establishments\/([^/]+)\/portfolio$/.exec(path);
    if (match) {
      const sellerId = url.searchParams.get("sellerId");
      const [portfolio, items] = await env.DB.batch([
        env.DB.prepare(
          `select "id", "name", "description", "status", "version", "created_at", "updated_at", (select count(*) from "portfolio_items" where "portfolio_items"."portfolio_id" = "portfolios"."id") as "item_count" from "portfolios" where ("portfolios"."id" = ${PORTFOLIO_OF_ESTABLISHMENT} and "portfolios"."deleted_at" is null)`,
        ).bind(match[1], sellerId),
        env.DB.prepare(
          `select "portfolio_items"."product_id", "portfolio_items"."position", "portfolio_items"."added_at", "products"."sku", "products"."name", "products"."unit", "products"."currency", "products"."price" as "list_price", "portfolio_items"."price" as "override_price", coalesce("portfolio_items"."price", "products"."price") as "effective_price" from "portfolio_items" inner join "products" on "products"."id" = "portfolio_items"."product_id" where ("portfolio_items"."portfolio_id" = ${PORTFOLIO_OF_ESTABLISHMENT} and "products"."deleted_at" is null) order by "portfolio_items"."position" asc, "portfolio_items"."product_id" asc`,
        ).bind(match[1], sellerId),
      ]);
      const head = portfolio.results[0];
      if (!head) return new Response("not found", { status: 404 });
      return Response.json({ ...head, items: items.results });
    }
    return new Response("not found", { status: 404 });
  },
};
