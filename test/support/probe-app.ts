import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, like, or } from "drizzle-orm";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createApp } from "../../src/app";
import { keyset } from "../../src/db/keyset";
import { products } from "../../src/db/schema";
import { assertIfMatch, etagFor, notModified } from "../../src/lib/etag";
import { listQuerySchema } from "../../src/lib/pagination";
import { ApiError } from "../../src/lib/problem";

/** A table no migration creates: a query on it fails inside D1, after Drizzle bound the values. */
const missingTable = sqliteTable("probe_missing_table", {
  email: text("email").notNull(),
  name: text("name").notNull(),
});

/**
 * The real app plus a few routes that exercise the shared skeleton (validation hook,
 * pagination, ETags, unexpected errors) before any resource uses it. Test-only.
 */
export function createProbeApp() {
  const app = createApp();

  const ItemSchema = z.strictObject({
    name: z.string().min(1).max(10),
    price: z.number().int().min(0),
    tags: z.array(z.string()).max(3).optional(),
    nested: z.strictObject({ "a/b": z.number() }).optional(),
  });
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/probe/items",
      request: {
        body: { required: true, content: { "application/json": { schema: ItemSchema } } },
      },
      responses: {
        201: { description: "ok", content: { "application/json": { schema: ItemSchema } } },
      },
    }),
    (c) => c.json(c.req.valid("json"), 201),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/probe/products",
      request: {
        query: listQuerySchema(["name", "price", "createdAt"], "createdAt").extend({
          category: z.string(),
        }),
      },
      responses: { 200: { description: "ok" } },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const { limit, category } = query;
      const page = keyset(query, products.id, {
        name: products.name,
        price: products.price,
        createdAt: products.createdAt,
      });
      const rows = await c.var.db
        .select({
          id: products.id,
          name: products.name,
          price: products.price,
          createdAt: products.createdAt,
        })
        .from(products)
        .where(and(eq(products.category, category), page.where))
        .orderBy(...page.orderBy)
        .limit(limit + 1);
      return c.json(page.toPage(rows, limit), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/probe/products/{id}",
      request: { params: z.object({ id: z.string() }) },
      responses: { 200: { description: "ok" }, 304: { description: "not modified" } },
    }),
    async (c) => {
      const [row] = await c.var.db
        .select()
        .from(products)
        .where(eq(products.id, c.req.valid("param").id))
        .orderBy(asc(products.id));
      if (!row) throw new ApiError("not-found");
      if (notModified(c, etagFor(row.version))) return c.body(null, 304);
      return c.json({ id: row.id, version: row.version }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/v1/probe/products/{id}",
      request: { params: z.object({ id: z.string() }) },
      responses: { 204: { description: "ok" } },
    }),
    async (c) => {
      const [row] = await c.var.db
        .select()
        .from(products)
        .where(eq(products.id, c.req.valid("param").id));
      if (!row) throw new ApiError("not-found");
      assertIfMatch(c, row.version);
      return c.body(null, 204);
    },
  );

  // Real failing Drizzle queries whose bound values are request data (a body field and a
  // search term), as a handler with a bug would run them.
  app.post("/api/v1/probe/failing-query", async (c) => {
    const { email } = await c.req.json<{ email: string }>();
    const q = c.req.query("q") ?? "";
    if (c.req.query("fail") === "constraint") {
      // products_unit_check rejects the unit: a constraint failure, not a missing table.
      await c.var.db.insert(products).values({
        id: `probe-${crypto.randomUUID()}`,
        sku: `PROBE-${crypto.randomUUID()}`,
        name: q,
        category: email,
        unit: email as "unit",
        price: 1,
      });
    } else {
      await c.var.db
        .select()
        .from(missingTable)
        .where(or(eq(missingTable.email, email), like(missingTable.name, `%${q}%`)));
    }
    return c.body(null, 204);
  });

  app.get("/api/v1/probe/boom", () => {
    throw new Error("SQLITE_ERROR: near 'select password_hash from users': syntax error");
  });

  return app;
}
