import { describe, expect, it } from "vitest";
import { uuidv7 } from "../src/lib/ids";
import { OPENAPI_PATH } from "../src/lib/openapi";
import { client, created, newEstablishment, newProduct } from "./support/api";
import { actor, bearer, login, signIn } from "./support/auth";
import { documentSchemas, pointerSegment } from "./support/document-schemas";
import { call, jsonBody } from "./support/http";

/**
 * The served OpenAPI document as a contract: every operation is sent the invalid inputs
 * its own parameters and body schema describe, and every answer — those and a few
 * successful ones — must be a status the operation documents, with a body valid against
 * the schema documented for that status and headers valid against theirs.
 */

interface Schema {
  $ref?: string;
  example?: unknown;
  type?: string | string[];
  enum?: string[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  minProperties?: number;
}
interface Parameter {
  $ref?: string;
  name: string;
  in: "path" | "query" | "header";
  schema: Schema;
}
interface DocumentedResponse {
  $ref?: string;
  headers?: Record<string, { $ref?: string; schema?: Schema }>;
  content?: Record<string, { schema: Schema }>;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, DocumentedResponse>;
  security?: unknown[];
  "x-roles"?: string[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    parameters: Record<string, Parameter>;
    responses: Record<string, DocumentedResponse>;
    headers: Record<string, { schema: Schema }>;
  };
}

const document = (await (await call(OPENAPI_PATH)).json()) as Document;
const check = documentSchemas(document);

const componentName = (ref: string) => ref.split("/").pop()!;
const resolveSchema = (schema: Schema): Schema =>
  schema.$ref ? resolveSchema(document.components.schemas[componentName(schema.$ref)]!) : schema;

const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    method: method.toUpperCase(),
    path,
    operation,
    key: `${method.toUpperCase()} ${path}`,
    parameters: (operation.parameters ?? []).map((p) =>
      p.$ref ? document.components.parameters[componentName(p.$ref)]! : p,
    ),
    pointer: `#/paths/${pointerSegment(path)}/${method}`,
  })),
);
type DocumentedOperation = (typeof operations)[number];

const operationOf = (key: string) => {
  const found = operations.find((op) => op.key === key);
  if (!found) throw new Error(`${key} is not in the document`);
  return found;
};

/**
 * Asserts that an answer is one the operation documents: its status is listed (and is no
 * 500, which is documented only because any bug gives one), its body is valid against the
 * documented schema of that status and media type, and each documented header it carries
 * is valid against its schema. Returns the parsed body.
 */
async function expectDocumented(op: DocumentedOperation, response: Response) {
  const status = String(response.status);
  const text = await response.text();
  const where = `${op.key} → ${status} ${text.slice(0, 300)}`;
  expect(status, where).not.toBe("500");
  expect(Object.keys(op.operation.responses), where).toContain(status);
  let documented = op.operation.responses[status]!;
  let pointer = `${op.pointer}/responses/${status}`;
  if (documented.$ref) {
    pointer = `#/components/responses/${componentName(documented.$ref)}`;
    documented = document.components.responses[componentName(documented.$ref)]!;
  }

  expect(response.headers.get("X-Request-Id"), `${where}: X-Request-Id`).toBeTruthy();
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    const value = response.headers.get(name);
    if (value === null) continue;
    const schema = header.$ref
      ? `#/components/headers/${componentName(header.$ref)}/schema`
      : `${pointer}/headers/${pointerSegment(name)}/schema`;
    const typed = /^\d+$/.test(value) ? Number(value) : value;
    expect(check(schema, typed), `${where}: header ${name}: ${value}`).toEqual([]);
  }

  if (documented.content === undefined) {
    expect(text, `${where}: documented without a body`).toBe("");
    return undefined;
  }
  const mediaType = (response.headers.get("Content-Type") ?? "").split(";")[0]!.trim();
  expect(Object.keys(documented.content), `${where}: Content-Type`).toContain(mediaType);
  const body: unknown = JSON.parse(text);
  const schema = `${pointer}/content/${pointerSegment(mediaType)}/schema`;
  expect(check(schema, body), where).toEqual([]);
  return body;
}

// Callers and fixtures ---------------------------------------------------------------------

const admin = await actor("admin");
const callers = new Map<string, Record<string, string>>([["admin", admin.headers]]);
/** A caller whose role may call the operation, so the request gets past authorization. */
async function allowedCaller(op: DocumentedOperation): Promise<Record<string, string>> {
  if ((op.operation.security ?? []).length === 0) return {};
  const role = op.operation["x-roles"]?.includes("admin") ? "admin" : op.operation["x-roles"]![0]!;
  if (!callers.has(role)) callers.set(role, (await actor(role as "seller")).headers);
  return callers.get(role)!;
}

/** An id no row has, well formed: most inputs below are refused before any lookup. */
const SOME_ID = "0193b6e3-0b1c-7d2e-8f3a-4b5c6d7e8f90";

// Real rows, for the one input refused only after the row is read (a malformed If-Match).
const adminApi = client(admin.headers);
const seller = await actor("seller");
const product = await created<{ id: string }>(await adminApi.post("/products", newProduct()));
const portfolio = await created<{ id: string }>(
  await adminApi.post("/portfolios", {
    name: `Contrato ${crypto.randomUUID()}`,
    items: [{ productId: product.id }],
  }),
);
const store = await created<{ id: string }>(
  await adminApi.post("/establishments", newEstablishment()),
);
const rowIds: Record<string, string> = {
  users: admin.user.id,
  products: product.id,
  establishments: store.id,
  portfolios: portfolio.id,
};
/** Ids of rows that exist, for each path parameter of the operation. */
const realIds = (op: DocumentedOperation) => ({
  id: rowIds[op.path.split("/")[3]!]!,
  userId: seller.user.id,
  productId: product.id,
});

/** A body the operation accepts: its schema's own example. */
const validBody = (op: DocumentedOperation) => {
  const schema = op.operation.requestBody?.content["application/json"]?.schema;
  return schema === undefined ? undefined : JSON.stringify(resolveSchema(schema).example);
};

const urlOf = (op: DocumentedOperation, ids: Record<string, string> = {}, query = "") =>
  `${op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids[name] ?? SOME_ID))}${
    query ? `?${query}` : ""
  }`;

const send = (
  op: DocumentedOperation,
  headers: Record<string, string>,
  init: { ids?: Record<string, string>; query?: string; body?: string; contentType?: string } = {},
) =>
  call(urlOf(op, init.ids, init.query), {
    method: op.method,
    headers: {
      ...headers,
      ...(init.body !== undefined && { "Content-Type": init.contentType ?? "application/json" }),
    },
    body: init.body,
  });

// Documented invalid inputs ---------------------------------------------------------------

interface Case {
  name: string;
  expected: number;
  send: (op: DocumentedOperation, headers: Record<string, string>) => ReturnType<typeof send>;
}

/** Every invalid input the operation's own description implies, with the status it must get. */
function invalidInputs(op: DocumentedOperation): Case[] {
  const cases: Case[] = [];
  const body = op.operation.requestBody?.content["application/json"]?.schema;
  const aBody = body === undefined ? undefined : "{}";

  for (const parameter of op.parameters.filter((p) => p.in === "path")) {
    const tooLong = "x".repeat((parameter.schema.maxLength ?? 64) + 1);
    cases.push({
      name: `a malformed path ${parameter.name} → 400`,
      expected: 400,
      send: (o, h) => send(o, h, { ids: { [parameter.name]: tooLong }, body: aBody }),
    });
  }
  for (const parameter of op.parameters.filter((p) => p.in === "query")) {
    const schema = resolveSchema(parameter.schema);
    if (schema.maximum !== undefined) {
      for (const value of [schema.maximum + 1, (schema.minimum ?? 1) - 1]) {
        cases.push({
          name: `${parameter.name}=${value}, out of range → 400`,
          expected: 400,
          send: (o, h) => send(o, h, { query: `${parameter.name}=${value}` }),
        });
      }
    }
    if (schema.enum !== undefined) {
      cases.push({
        name: `${parameter.name}: a value not in its enum → 400`,
        expected: 400,
        send: (o, h) => send(o, h, { query: `${parameter.name}=no-such-${parameter.name}` }),
      });
    }
    if (parameter.name === "cursor") {
      cases.push({
        name: "a cursor this list never made → 400",
        expected: 400,
        send: (o, h) => send(o, h, { query: "cursor=bm90LWEtY3Vyc29y" }),
      });
    }
  }
  for (const parameter of op.parameters.filter((p) => p.in === "header")) {
    if (parameter.name === "if-match") {
      cases.push({
        name: "a malformed If-Match on a row that exists → 400",
        expected: 400,
        send: (o, h) =>
          send(o, { ...h, "If-Match": "version 3" }, { ids: realIds(o), body: validBody(o) }),
      });
    }
    if (parameter.name === "idempotency-key") {
      cases.push({
        name: "an Idempotency-Key over 255 characters → 400",
        expected: 400,
        send: (o, h) =>
          send(o, { ...h, "Idempotency-Key": "k".repeat(256) }, { body: validBody(o) }),
      });
    }
  }
  if (body !== undefined) {
    const schema = resolveSchema(body);
    cases.push(
      {
        name: "a body that is not JSON → 400",
        expected: 400,
        send: (o, h) => send(o, h, { body: '{"name": ' }),
      },
      {
        name: "a body sent as text/plain → 415",
        expected: 415,
        send: (o, h) => send(o, h, { body: "{}", contentType: "text/plain" }),
      },
      {
        name: "a body over 1 MiB → 413",
        expected: 413,
        send: (o, h) => send(o, h, { body: JSON.stringify({ name: "x".repeat(1024 * 1024) }) }),
      },
      {
        name: "an unknown field → 400",
        expected: 400,
        send: (o, h) => send(o, h, { body: JSON.stringify({ noSuchField: 1 }) }),
      },
    );
    const demandsSomething = (schema.required ?? []).length > 0 || (schema.minProperties ?? 0) > 0;
    cases.push({
      name: `an empty object → ${demandsSomething ? "400" : "whatever it documents"}`,
      expected: demandsSomething ? 400 : 0,
      send: (o, h) => send(o, h, { body: "{}" }),
    });
    for (const field of Object.keys(schema.properties ?? {})) {
      // No request field of this API is a boolean: `true` is the wrong type for every one.
      cases.push({
        name: `${field} of the wrong type → 400`,
        expected: 400,
        send: (o, h) => send(o, h, { body: JSON.stringify({ [field]: true }) }),
      });
    }
  }
  if ((op.operation.security ?? []).length > 0) {
    cases.push({
      name: "no bearer token → 401 with WWW-Authenticate",
      expected: 401,
      send: (o) => send(o, {}, { body: aBody }),
    });
  }
  return cases;
}

describe("every operation answers its documented invalid inputs as documented", () => {
  for (const op of operations) {
    const cases = invalidInputs(op);
    if (cases.length === 0) continue;
    describe(op.key, () => {
      for (const testCase of cases) {
        it(testCase.name, async () => {
          const response = await testCase.send(op, await allowedCaller(op));
          if (testCase.expected !== 0) {
            expect(response.status, `${op.key}: ${testCase.name}`).toBe(testCase.expected);
          }
          if (response.status === 401) {
            expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
          }
          await expectDocumented(op, response);
        });
      }
    });
  }

  it("covers every operation that takes any input", () => {
    const untested = operations.filter((op) => invalidInputs(op).length === 0).map((op) => op.key);
    expect(untested.sort()).toEqual([
      "GET /.well-known/jwks.json",
      "GET /api/v1/health",
      "GET /api/v1/health/ready",
    ]);
  });
});

describe("successful answers match their documented schemas", () => {
  const api = adminApi;
  const answer = async (key: string, response: Promise<globalThis.Response>) =>
    expectDocumented(operationOf(key), (await response) as Response);

  it("health, readiness and the JWKS", async () => {
    await answer("GET /api/v1/health", call("/api/v1/health"));
    await answer("GET /api/v1/health/ready", call("/api/v1/health/ready"));
    await answer("GET /.well-known/jwks.json", call("/.well-known/jwks.json"));
  });

  it("signing in, refreshing, the signed-in user (and 304 for their ETag)", async () => {
    const seller = await actor("seller");
    await answer("POST /api/v1/auth/login", login(seller.user.email));
    const tokens = await signIn(seller.user.email);
    await answer(
      "POST /api/v1/auth/refresh",
      call("/api/v1/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refreshToken: tokens.refreshToken }),
      }),
    );
    const me = await call("/api/v1/auth/me", { headers: bearer(tokens.accessToken) });
    const etag = me.headers.get("ETag")!;
    await answer("GET /api/v1/auth/me", Promise.resolve(me));
    await answer(
      "GET /api/v1/auth/me",
      call("/api/v1/auth/me", {
        headers: { ...bearer(tokens.accessToken), "If-None-Match": etag },
      }),
    );
  });

  it("the catalogue: create, list, read, update a product", async () => {
    const product = (await answer(
      "POST /api/v1/products",
      api.post("/products", newProduct()),
    )) as {
      id: string;
    };
    await answer("GET /api/v1/products", api.get("/products?limit=2&sort=-price"));
    await answer("GET /api/v1/products/{id}", api.get(`/products/${product.id}`));
    await answer(
      "PATCH /api/v1/products/{id}",
      api.patch(`/products/${product.id}`, { price: 2700 }),
    );
  });

  it("a store's route and the portfolio it carries", async () => {
    const seller = await actor("seller");
    const product = await created<{ id: string }>(await api.post("/products", newProduct()));
    const portfolio = (await answer(
      "POST /api/v1/portfolios",
      api.post("/portfolios", {
        name: `Contrato ${crypto.randomUUID()}`,
        items: [{ productId: product.id, price: 2300 }],
      }),
    )) as { id: string };
    const store = (await answer(
      "POST /api/v1/establishments",
      api.post("/establishments", newEstablishment({ portfolioId: portfolio.id })),
    )) as { id: string };
    await answer(
      "PUT /api/v1/establishments/{id}/sellers/{userId}",
      api.put(`/establishments/${store.id}/sellers/${seller.user.id}`, undefined),
    );
    await answer(
      "GET /api/v1/establishments/{id}/sellers",
      api.get(`/establishments/${store.id}/sellers`),
    );
    await answer(
      "GET /api/v1/establishments/{id}/portfolio",
      client(seller.headers).get(`/establishments/${store.id}/portfolio`),
    );
    await answer("GET /api/v1/establishments", client(seller.headers).get("/establishments"));
    await answer("GET /api/v1/portfolios/{id}/items", api.get(`/portfolios/${portfolio.id}/items`));
    const other = await created<{ id: string }>(await api.post("/products", newProduct()));
    await answer(
      "PUT /api/v1/portfolios/{id}/items/{productId}",
      api.put(`/portfolios/${portfolio.id}/items/${other.id}`, { position: 5 }),
    );
  });

  it("create or replace at an id the client made (PUT): 201, 200, and 412 when create only", async () => {
    const product = { id: uuidv7(), body: newProduct() };
    const putProduct = (body: object, headers?: Record<string, string>) =>
      answer("PUT /api/v1/products/{id}", api.put(`/products/${product.id}`, body, headers));
    await putProduct(product.body);
    await putProduct({ ...product.body, price: 2700 });
    await putProduct(product.body, { "If-None-Match": "*" });
    const storeId = uuidv7();
    for (const body of [newEstablishment(), newEstablishment({ phone: "+57 604 555 0101" })]) {
      await answer(
        "PUT /api/v1/establishments/{id}",
        client(seller.headers).put(`/establishments/${storeId}`, body),
      );
    }
    const portfolioId = uuidv7();
    const name = `Contrato ${crypto.randomUUID()}`;
    for (const items of [[{ productId: product.id }], []]) {
      await answer(
        "PUT /api/v1/portfolios/{id}",
        api.put(`/portfolios/${portfolioId}`, { name, items }),
      );
    }
  });

  it("users and their sessions", async () => {
    await answer("GET /api/v1/users", api.get("/users?role=seller"));
    await answer("GET /api/v1/users/{id}", api.get(`/users/${admin.user.id}`));
    await answer("GET /api/v1/users/{id}/sessions", api.get(`/users/${admin.user.id}/sessions`));
  });

  it("a batch: a create, an update, a 412 with the current copy, a 424", async () => {
    const product = await created<{ id: string }>(await api.post("/products", newProduct()));
    const path = `/api/v1/products/${product.id}`;
    const response = await call(
      "/api/v1/batch",
      jsonBody(
        {
          operations: [
            { method: "POST", path: "/api/v1/products", body: newProduct(), idempotencyKey: "c-1" },
            { method: "PATCH", path, body: { price: 2700 } },
            { method: "PATCH", path, body: { price: 2800 }, ifMatch: '"1"' },
            { method: "DELETE", path },
          ],
        },
        { headers: admin.headers },
      ),
    );
    const { results } = (await answer("POST /api/v1/batch", Promise.resolve(response))) as {
      results: { status: number; headers: Record<string, string>; body: unknown }[];
    };
    expect(results.map((result) => result.status)).toEqual([201, 200, 412, 424]);
    // Each result is what its operation's own contract says it answers.
    const operations = ["POST /api/v1/products", ...Array(2).fill("PATCH /api/v1/products/{id}")];
    for (const [i, key] of operations.entries()) {
      const { status, headers, body } = results[i]!;
      const replayed = new Response(JSON.stringify(body), {
        status,
        headers: { ...headers, "X-Request-Id": `batch.${i}` },
      });
      await answer(key, Promise.resolve(replayed));
    }
  });

  it("an answer that breaks the contract would be caught", async () => {
    const op = operationOf("GET /api/v1/health");
    const forged = new Response(JSON.stringify({ status: "down" }), {
      headers: { "Content-Type": "application/json", "X-Request-Id": "x" },
    });
    await expect(expectDocumented(op, forged as Response)).rejects.toThrow();
    const undocumented = new Response(null, { status: 418, headers: { "X-Request-Id": "x" } });
    await expect(expectDocumented(op, undocumented as Response)).rejects.toThrow();
  });
});
