import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app";
import { OPENAPI_PATH } from "../src/lib/openapi";
import { client, created, newEstablishment, newProduct } from "./support/api";
import { actor, createUser, freshIp, inOneRateLimitWindow, login } from "./support/auth";
import { call, expectProblem, jsonBody } from "./support/http";

/** OWASP API Security Top 10 (2023): at least one named test for each item that applies. */
afterEach(() => vi.restoreAllMocks());

const app = createApp();

describe("API1:2023 Broken Object Level Authorization", () => {
  it("a seller cannot reach another seller's establishment by id (404, not 403)", async () => {
    const mine = client((await actor("seller")).headers);
    const theirs = client((await actor("seller")).headers);
    const store = await created<{ id: string }>(
      await theirs.post("/establishments", newEstablishment()),
    );
    for (const response of [
      await mine.get(`/establishments/${store.id}`),
      await mine.patch(`/establishments/${store.id}`, { address: "Calle 1 # 2-3" }),
      await mine.put(`/establishments/${store.id}`, newEstablishment()),
      await mine.get(`/establishments/${store.id}/portfolio`),
      await mine.get(`/establishments/${store.id}/sellers`),
    ]) {
      await expectProblem(response, 404, "not-found");
    }
  });

  it("a seller cannot read another user's account", async () => {
    const { headers } = await actor("seller");
    const other = await createUser({ role: "admin" });
    await expectProblem(await call(`/api/v1/users/${other.id}`, { headers }), 404, "not-found");
  });
});

describe("API2:2023 Broken Authentication", () => {
  it("rejects forged, unsigned and missing tokens", async () => {
    const { tokens } = await actor("seller");
    const [header, payload] = tokens.accessToken.split(".");
    for (const token of [`${header}.${payload}.`, "not.a.jwt", tokens.refreshToken]) {
      await expectProblem(
        await call("/api/v1/auth/me", { headers: { Authorization: `Bearer ${token}` } }),
        401,
        "unauthorized",
      );
    }
  });

  it("stops password guessing: 10 failures lock the account (429)", async () => {
    const user = await createUser();
    for (let i = 0; i < 10; i++) await login(user.email, `guess number ${i}`);
    await expectProblem(await login(user.email), 429, "rate-limited");
  });
});

describe("API3:2023 Broken Object Property Level Authorization", () => {
  it("refuses mass assignment of id, version, role-like and internal fields", async () => {
    const admin = client((await actor("admin")).headers);
    const seller = client((await actor("seller")).headers);
    const store = await created<{ id: string }>(
      await seller.post("/establishments", newEstablishment()),
    );
    for (const [response, field] of [
      [await admin.post("/products", newProduct({ id: "chosen-id" })), "/id"],
      [await admin.post("/products", newProduct({ version: 99 })), "/version"],
      [await admin.post("/products", newProduct({ deletedAt: null })), "/deletedAt"],
      [await seller.patch(`/establishments/${store.id}`, { sellerIds: ["someone"] }), "/sellerIds"],
      [await seller.patch(`/establishments/${store.id}`, { version: 1 }), "/version"],
      [
        await admin.post("/users", {
          email: "x@example.co",
          password: "una frase larga",
          firstName: "a",
          lastName: "b",
          role: "seller",
          passwordHash: "x",
        }),
        "/passwordHash",
      ],
    ] as const) {
      const body = await expectProblem(response, 400, "validation-error");
      expect(body.errors).toContainEqual({
        path: field,
        message: `${field.slice(1)} is not a known field`,
      });
    }
  });

  it("never exposes password hashes or internal columns in responses", async () => {
    const { headers } = await actor("admin");
    for (const path of ["/api/v1/users", "/api/v1/auth/me"]) {
      const text = await (await call(path, { headers })).text();
      expect(text).not.toMatch(/passwordHash|password_hash|pbkdf2/);
    }
    const product = await created(await client(headers).post("/products", newProduct()));
    expect(product).not.toHaveProperty("deletedAt");
  });
});

describe("API4:2023 Unrestricted Resource Consumption", () => {
  it("caps page size, body size, portfolio size and sign-in rate", async () => {
    const { headers } = await actor("admin");
    await expectProblem(
      await call("/api/v1/products?limit=1000", { headers }),
      400,
      "validation-error",
    );
    const huge = JSON.stringify({ name: "x".repeat(1_100_000) });
    await expectProblem(
      await call("/api/v1/products", {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: huge,
      }),
      413,
      "payload-too-large",
    );
    const items = Array.from({ length: 2001 }, (_, i) => ({ productId: `p${i}` }));
    await expectProblem(
      await call("/api/v1/portfolios", jsonBody({ name: "Too big", items }, { headers })),
      400,
      "validation-error",
    );
    const user = await createUser();
    const ip = freshIp();
    // The limiter counts in fixed windows of the real clock: all 61 sign-ins must share one.
    await inOneRateLimitWindow();
    for (let i = 0; i < 60; i++) expect((await login(user.email, undefined, ip)).status).toBe(200);
    const limited = await login(user.email, undefined, ip);
    await expectProblem(limited, 429, "rate-limited");
    expect(limited.headers.get("Retry-After")).toBe("60");
  }, 45_000);
});

describe("API5:2023 Broken Function Level Authorization", () => {
  it("sellers, support and analysts cannot run admin functions (403)", async () => {
    for (const role of ["seller", "support", "analyst"] as const) {
      const api = client((await actor(role)).headers);
      await expectProblem(await api.post("/products", newProduct()), 403, "forbidden");
      await expectProblem(await api.post("/portfolios", { name: "x" }), 403, "forbidden");
      await expectProblem(await api.patch("/users/anyone", { role: "admin" }), 403, "forbidden");
    }
  });
});

describe("API6:2023 Unrestricted Access to Sensitive Business Flows", () => {
  it("a retried create cannot duplicate business records (Idempotency-Key)", async () => {
    const api = client((await actor("admin")).headers);
    const body = newProduct();
    // A fixed key: storage is per test file, so it is fresh on every run.
    const headers = { "Idempotency-Key": "owasp-api6-retried-create" };
    await Promise.all([api.post("/products", body, headers), api.post("/products", body, headers)]);
    const row = await env.DB.prepare("select count(*) as n from products where sku = ?")
      .bind(body.sku)
      .first<{ n: number }>();
    expect(row?.n).toBe(1);
  });
});

describe("API7:2023 Server Side Request Forgery", () => {
  it("imageUrl accepts only https on public hosts, and the API never fetches it", async () => {
    const api = client((await actor("admin")).headers);
    const outbound = vi.spyOn(globalThis, "fetch");
    for (const imageUrl of [
      "http://cdn.example.co/a.png",
      "https://127.0.0.1/a.png",
      "https://10.0.0.8/a.png",
      "https://[::1]/a.png",
      "https://metadata.internal/a",
      "file:///etc/passwd",
      "https://user:pw@cdn.example.co/a.png",
    ]) {
      await expectProblem(
        await api.post("/products", newProduct({ imageUrl })),
        400,
        "validation-error",
      );
    }
    const ok = await created<{ imageUrl: string }>(
      await api.post("/products", newProduct({ imageUrl: "https://cdn.example.co/p/1.png" })),
    );
    expect(ok.imageUrl).toBe("https://cdn.example.co/p/1.png");
    expect(outbound).not.toHaveBeenCalled();
  });
});

describe("API8:2023 Security Misconfiguration", () => {
  it("hardens every response: nosniff, strict CSP, no X-Powered-By, CORS only for listed origins", async () => {
    const response = await call("/api/v1/products", {
      headers: { Origin: "https://evil.example" },
    });
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(response.headers.has("X-Powered-By")).toBe(false);
    expect(response.headers.has("Access-Control-Allow-Origin")).toBe(false);
  });
});

/** A cursor as an attacker would forge one: base64url of whatever bytes they like. */
const forgedCursor = (content: unknown) =>
  btoa(
    String.fromCharCode(
      ...(content instanceof Uint8Array
        ? content
        : new TextEncoder().encode(
            typeof content === "string" ? content : JSON.stringify(content),
          )),
    ),
  )
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

describe("API8:2023 Security Misconfiguration: injection through a well-formed cursor", () => {
  // Names chosen so a cursor value of "M' OR 1=1 --" falls between them: ' (0x27) sorts
  // before every letter, so only names from "Ma…" on come after it.
  const names = ["Alfa", "Bravo", "Lima", "Mango", "Mike", "Oscar", "Zulu"];

  async function catalogue(category: string) {
    const { headers } = await actor("admin");
    const api = client(headers);
    const made: { id: string; name: string }[] = [];
    for (const name of names) {
      made.push(await created(await api.post("/products", newProduct({ category, name }))));
    }
    // Another category: a cursor that escaped the WHERE clause would show these rows.
    await created(await api.post("/products", newProduct({ category: `${category}-other` })));
    return { headers, made };
  }

  it("binds a sort value carrying SQL as data: the page is exactly the keyset page after it", async () => {
    const category = "owasp-cursor-sql";
    const { headers, made } = await catalogue(category);
    for (const [sort, value, id] of [
      ["name", "M' OR 1=1 --", "' OR '1'='1"],
      ["-name", "Mz'); DROP TABLE products; --", "x"],
      ["name", "Mike", `${made.find((p) => p.name === "Mike")!.id}' --`],
      ["price", 2500, "' UNION SELECT password_hash FROM users --"],
    ] as const) {
      const cursor = forgedCursor([sort, value, id]);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]{1,1024}$/); // it passes the cursor's own syntax
      const response = await call(
        `/api/v1/products?category=${category}&sort=${sort}&limit=100&cursor=${cursor}`,
        { headers },
      );
      expect(response.status, `${sort} ${value}`).toBe(200);
      const page = (await response.json()) as {
        data: { id: string; name: string; category: string }[];
        nextCursor: string | null;
      };
      const field = sort.replace("-", "") as "name" | "price";
      const key = (p: { id: string; name: string }) => (field === "name" ? p.name : 2500);
      const after = (p: { id: string; name: string }) => {
        const order = key(p) < value ? -1 : key(p) > value ? 1 : p.id < id ? -1 : p.id > id ? 1 : 0;
        return sort.startsWith("-") ? order < 0 : order > 0;
      };
      const expected = made
        .filter(after)
        .sort((a, b) => {
          const order = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : 1;
          return sort.startsWith("-") ? -order : order;
        })
        .map((p) => p.id);
      expect(
        page.data.map((p) => p.id),
        `${sort} ${value}`,
      ).toEqual(expected);
      expect(page.data.every((p) => p.category === category)).toBe(true);
      expect(page.nextCursor).toBeNull();
    }
    // The payloads did nothing to the schema or the rows.
    const row = await env.DB.prepare("select count(*) as n from products where category = ?")
      .bind(category)
      .first<{ n: number }>();
    expect(row?.n).toBe(names.length);
  });

  it("rejects hostile content inside a decodable cursor with a 400 on query.cursor, never a 500", async () => {
    const { headers } = await actor("admin");
    const hostile: [label: string, sort: string, cursor: string][] = [
      ["a string for a numeric sort key", "price", forgedCursor(["price", "' OR 1=1 --", "x"])],
      ["a number for a text sort key", "name", forgedCursor(["name", 1, "x"])],
      ["a fraction for an integer sort key", "price", forgedCursor(["price", 0.5, "x"])],
      ["an object as the sort key", "name", forgedCursor(["name", { $gt: "" }, "x"])],
      ["null as the sort key", "name", forgedCursor(["name", null, "x"])],
      ["a number as the id", "name", forgedCursor(["name", "a", 1])],
      ["an empty id", "name", forgedCursor(["name", "a", ""])],
      ["an extra element", "name", forgedCursor(["name", "a", "x", "' OR 1=1 --"])],
      ["too few elements", "name", forgedCursor(["name", "a"])],
      [
        "an object with extra fields",
        "name",
        forgedCursor({ sort: "name", value: "a", id: "x", admin: true }),
      ],
      ["a JSON string", "name", forgedCursor(JSON.stringify("name"))],
      ["a JSON number", "name", forgedCursor(42)],
      ["valid base64url of non-JSON", "name", forgedCursor("SELECT * FROM users; --")],
      ["bytes that are not UTF-8", "name", forgedCursor(new Uint8Array([0x5b, 0xff, 0xfe, 0x5d]))],
      ["another sort's name as SQL", "name", forgedCursor(["name; DROP TABLE products", "a", "x"])],
      ["an over-long cursor", "name", forgedCursor(["name", "x".repeat(2000), "x"])],
    ];
    for (const [label, sort, cursor] of hostile) {
      const response = await call(`/api/v1/products?sort=${sort}&cursor=${cursor}`, { headers });
      expect(response.status, label).toBe(400);
      const text = await response.clone().text();
      expect(text, label).not.toMatch(/SQLITE|select |DROP TABLE|at \w+ \(|node_modules/i);
      const body = await expectProblem(response, 400, "validation-error");
      expect(body.errors, label).toEqual([{ path: "query.cursor", message: expect.any(String) }]);
    }
  });
});

describe("API9:2023 Improper Inventory Management", () => {
  it("documents every route the Worker serves, with a server and a version", async () => {
    const doc = (await (await call(OPENAPI_PATH)).json()) as {
      info: { version: string };
      servers: unknown[];
      paths: Record<string, object>;
    };
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.servers.length).toBeGreaterThan(0);
    const documented = new Set(Object.keys(doc.paths).map((p) => p.replace(/\{(\w+)\}/g, ":$1")));
    const served = new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => r.path));
    for (const path of served) {
      if (path === "/" || path === OPENAPI_PATH) continue;
      expect(documented.has(path), path).toBe(true);
    }
  });
});

describe("API10:2023 Unsafe Consumption of APIs", () => {
  it("never trusts keys a token points to (jku) — keys come only from configuration", async () => {
    const { tokens } = await actor("seller");
    const outbound = vi.spyOn(globalThis, "fetch");
    const [, payload, signature] = tokens.accessToken.split(".");
    const header = btoa(
      JSON.stringify({
        alg: "ES256",
        typ: "at+jwt",
        kid: "remote",
        jku: "https://evil.example/jwks.json",
      }),
    )
      .replaceAll("=", "")
      .replaceAll("+", "-")
      .replaceAll("/", "_");
    await expectProblem(
      await call("/api/v1/auth/me", {
        headers: { Authorization: `Bearer ${header}.${payload}.${signature}` },
      }),
      401,
      "unauthorized",
    );
    expect(outbound).not.toHaveBeenCalled();
  });
});
