import { env } from "cloudflare:workers";
import { Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { it } from "vitest";
import { createApp } from "../../src/app";
import { sessionGuard } from "../../src/auth/sessions";
import { issueAccessToken, verifyAccessToken } from "../../src/auth/tokens";
import { createDatabase } from "../../src/db/client";
import { products } from "../../src/db/schema";
import { liveRow } from "../../src/db/versions";
import { limitBodySize, requireJsonBody } from "../../src/lib/body-guards";
import { requestId } from "../../src/lib/request-id";
import { requestLog } from "../../src/lib/request-log";
import { d1Session } from "../../src/request/d1-session";
import { productColumns } from "../../src/resources/products";
import { CreateProductSchema } from "../../src/routes/products/products.schemas";
import { actor } from "../../test/support/auth";
import { insertProducts } from "../../test/support/factories";

/**
 * What each layer of a request costs, timed inside workerd (the test pool: the same
 * runtime and local D1/KV as `wrangler dev`, without its proxy). Each row is the mean of
 * ROUNDS sequential calls after a warm-up; a middleware's cost is its app's time minus
 * the bare app's. `npm run bench:costs`; the table is in docs/performance.md.
 */
const ROUNDS = 2000;
const WARM_UP = 200;

async function timed(run: () => unknown) {
  for (let i = 0; i < WARM_UP; i++) await run();
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) await run();
  return (performance.now() - started) / ROUNDS;
}

const rows: { step: string; ms: number; over?: number }[] = [];
const measure = async (step: string, run: () => unknown, over?: number) => {
  const ms = await timed(run);
  rows.push({ step, ms, ...(over !== undefined && { over: ms - over }) });
  return ms;
};

/** A bare Hono app with `middleware` in front of one JSON route, as `wrangler dev` calls it. */
function appWith(...middleware: MiddlewareHandler[]) {
  const app = new Hono();
  for (const handler of middleware) app.use(handler);
  app.get("/x", (c) => c.json({ status: "ok" }));
  return () => app.fetch(new Request("http://localhost/x"), env);
}

it("what each layer of a request costs", { timeout: 600_000 }, async () => {
  // Middleware, each alone in front of the same route.
  const bare = await measure("Hono, one JSON route (the baseline)", appWith());
  await measure("+ requestId", appWith(requestId), bare);
  await measure("+ requestLog (a read: no line)", appWith(requestLog), bare);
  await measure(
    "+ secureHeaders (the app's CSP)",
    appWith(secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'none'"] } })),
    bare,
  );
  await measure("+ cors", appWith(cors({ origin: () => null })), bare);
  await measure("+ limitBodySize, requireJsonBody", appWith(limitBodySize, requireJsonBody), bare);
  await measure("+ d1Session (no query)", appWith(d1Session), bare);
  await measure(
    "+ a JSON log line (console.log)",
    appWith(async (_, next) => {
      await next();
      console.log(JSON.stringify({ level: "info", message: "costs", path: "/x", status: 200 }));
    }),
    bare,
  );

  // Storage, straight on the bindings.
  const [product] = await insertProducts(200);
  const { tokens, user } = await actor("admin");
  const byId = () => env.DB.prepare("select * from products where id = ?").bind(product!.id);
  const other = () => env.DB.prepare("select role from users where id = ?").bind(user.id);
  const oneRead = await measure("D1: one read by id", () => byId().first());
  await measure(
    "D1: two reads in sequence",
    async () => {
      await other().first();
      await byId().first();
    },
    oneRead,
  );
  await measure(
    "D1: two reads at once (Promise.all)",
    () => Promise.all([other().first(), byId().first()]),
    oneRead,
  );
  await measure("D1: two reads in one batch", () => env.DB.batch([other(), byId()]), oneRead);
  const claims = await verifyAccessToken(env, tokens.accessToken);
  const { check, abort } = sessionGuard(createDatabase(env.DB), claims);
  await measure(
    "D1: session guard, read form (SELECT) + read in one batch",
    () => env.DB.batch([env.DB.prepare(check.query).bind(...check.params), byId()]),
    oneRead,
  );
  await measure(
    "D1: session guard, write form (INSERT, trigger) + read in one batch",
    () => env.DB.batch([env.DB.prepare(abort.query).bind(...abort.params), byId()]),
    oneRead,
  );
  await measure("KV: one read", () => env.SESSIONS.get("costs:missing"));

  // Tokens: a verified token is cached per isolate; the first use of one pays ES256.
  const fresh = await Promise.all(
    Array.from({ length: ROUNDS + WARM_UP }, () =>
      issueAccessToken(env, { userId: user.id, role: "admin", sessionId: crypto.randomUUID() }),
    ),
  );
  await measure("JWT: verify a token first seen (ES256)", () =>
    verifyAccessToken(env, fresh.pop()!),
  );
  await measure("JWT: verify a token seen before (cached)", () =>
    verifyAccessToken(env, tokens.accessToken),
  );

  // Building SQL, no I/O.
  const drizzle = createDatabase(env.DB);
  await measure("Drizzle: build and render the SELECT of a product by id", async () =>
    drizzle.select(productColumns).from(products).where(liveRow(products, product!.id)).toSQL(),
  );
  await measure("auth: build the session guard (both forms)", async () =>
    sessionGuard(drizzle, claims),
  );

  const body = { sku: "X-1", name: "Nuevo", category: "bench", unit: "unit", price: 1000 };
  await measure("zod: validate a product create body", async () =>
    CreateProductSchema.safeParse(body),
  );
  await measure("Drizzle: build and render a product INSERT", async () =>
    drizzle
      .insert(products)
      .values({ ...body, id: crypto.randomUUID(), nameKey: "nuevo", unit: "unit" as const })
      .toSQL(),
  );

  // The whole app.
  const app = createApp();
  const headers = { Authorization: `Bearer ${tokens.accessToken}` };
  const get =
    (path: string, auth = true) =>
    () =>
      app.fetch(new Request(`http://localhost/api/v1${path}`, auth ? { headers } : {}), env);
  await measure("app: GET /health (every middleware, no storage)", get("/health", false), bare);
  await measure(
    "app: GET /products/{id} (guard + read: 1 round trip)",
    get(`/products/${product!.id}`),
    oneRead,
  );
  const page = await measure("D1: a page of 50 products (the floor's query)", () =>
    env.DB.prepare("select * from products where deleted_at is null order by name, id limit ?")
      .bind(51)
      .all(),
  );
  await measure("app: GET /products?limit=50", get("/products?limit=50"), page);
  let sku = 0;
  const insert = () =>
    env.DB.prepare(
      "insert into products (id, sku, name, name_key, category, unit, price) values (?, ?, ?, ?, ?, ?, ?) returning *",
    )
      .bind(crypto.randomUUID(), `RAW-${sku++}`, "Nuevo", "nuevo", "bench", "unit", 1000)
      .all();
  const insertOnly = await measure("D1: one INSERT … RETURNING (a create, bare)", insert);
  const auditRow = () =>
    env.DB.prepare(
      "insert into audit_events (id, occurred_at, actor_id, action, entity_type, entity_id, request_id, ip, user_agent, changes) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ).bind(
      crypto.randomUUID(),
      new Date().toISOString(),
      user.id,
      "product.created",
      "product",
      crypto.randomUUID(),
      "r",
      null,
      null,
      '{"sku":{"before":null,"after":"X"}}',
    );
  const insertStatement = () =>
    env.DB.prepare(
      "insert into products (id, sku, name, name_key, category, unit, price) values (?, ?, ?, ?, ?, ?, ?)",
    ).bind(crypto.randomUUID(), `RAW-${sku++}`, "Nuevo", "nuevo", "bench", "unit", 1000);
  await measure(
    "D1: guard + audit row + INSERT in one batch (what a create sends)",
    () =>
      env.DB.batch([
        env.DB.prepare(abort.query).bind(...abort.params),
        auditRow(),
        insertStatement(),
      ]),
    insertOnly,
  );
  await measure(
    "D1: audit row + INSERT in one batch (no guard)",
    () => env.DB.batch([auditRow(), insertStatement()]),
    insertOnly,
  );
  await measure(
    "app: POST /products (guard + insert + audit: 1 round trip)",
    () =>
      app.fetch(
        new Request("http://localhost/api/v1/products", {
          method: "POST",
          headers: { ...headers, "Content-Type": "application/json" },
          body: JSON.stringify({
            sku: `APP-${sku++}`,
            name: "Nuevo",
            category: "bench",
            unit: "unit",
            price: 1000,
          }),
        }),
        env,
      ),
    insertOnly,
  );

  const format = (ms: number) => ms.toFixed(3);
  console.log(
    [
      "| step | ms per call | over its reference |",
      "|---|---|---|",
      ...rows.map(
        ({ step, ms, over }) =>
          `| ${step} | ${format(ms)} | ${over === undefined ? "" : format(over)} |`,
      ),
    ].join("\n"),
  );
});
