import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import worker from "../src/index";
import { KINDS_NO_OPERATION_ANSWERS, OPENAPI_PATH } from "../src/lib/openapi";
import { problemKinds } from "../src/lib/problem";
import { openApiDocument } from "../src/openapi-document";
import { call } from "./support/http";

interface Document {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  paths: Record<
    string,
    Record<string, { description?: string; responses: Record<string, unknown> }>
  >;
  components: {
    schemas: Record<string, unknown>;
    responses: Record<string, unknown>;
    securitySchemes: Record<string, { type: string; scheme: string }>;
  };
}

const documentOf = async () => (await (await call(OPENAPI_PATH)).json()) as Document;

/** Routes the app serves that are not API operations themselves. */
const NOT_OPERATIONS = new Set(["GET /", `GET ${OPENAPI_PATH}`]);

const app = createApp();

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document with info, servers and the bearer scheme", async () => {
    const response = await call(OPENAPI_PATH);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("application/json");
    const doc = (await response.json()) as Document;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("Portafolio API");
    expect(doc.servers).toEqual([{ url: env.PUBLIC_URL, description: "This deployment" }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
    });
  });

  it("is the document these routes generate (built into a static asset, served as is)", async () => {
    expect(await documentOf()).toEqual(JSON.parse(JSON.stringify(openApiDocument(env.PUBLIC_URL))));
  });

  it("names the configured server, whatever Host the request came with", async () => {
    expect(env.PUBLIC_URL).toBe("http://localhost:8787");
    for (const host of ["evil.example", "localhost:9999", "api.portafolio.example"]) {
      const forged = await call(OPENAPI_PATH, { headers: { Host: host } });
      const direct = await worker.fetch(
        new Request(`http://${host}${OPENAPI_PATH}`, { headers: { "X-Forwarded-Host": host } }),
        env,
      );
      for (const response of [forged, direct]) {
        const doc = (await response.json()) as Document;
        expect(doc.servers, host).toEqual([
          { url: env.PUBLIC_URL, description: "This deployment" },
        ]);
      }
    }
  });

  it("documents the problem schema and a reusable response for every kind an operation gives", async () => {
    const doc = await documentOf();
    expect(doc.components.schemas.Problem).toBeDefined();
    // A 405 answers a method a path lacks and a 424 is one operation's result inside a
    // batch's 207, so no operation declares them: their types are in the Problem schema,
    // and a response component nothing uses would fail the lint.
    const unanswered: readonly string[] = KINDS_NO_OPERATION_ANSWERS;
    const given = Object.keys(problemKinds).filter((kind) => !unanswered.includes(kind));
    expect(Object.keys(doc.components.responses)).toHaveLength(given.length);
    for (const kind of unanswered) {
      expect(JSON.stringify(doc.components.schemas.Problem)).toContain(`/problems/${kind}`);
    }
  });

  it("documents every route the app serves, and nothing it does not serve", async () => {
    const doc = await documentOf();
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map(
        (method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`,
      ),
    );
    // app.routes lists each handler and route-level middleware; a route is a method + path.
    const served = new Set(
      app.routes
        .filter((route) => route.method !== "ALL")
        .map((route) => `${route.method} ${route.path}`)
        .filter((route) => !NOT_OPERATIONS.has(route)),
    );
    expect([...served].sort()).toEqual([...documented].sort());
  });

  it("gives every operation a summary, a tag and at least one response", async () => {
    const doc = await documentOf();
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const op = operation as { summary?: string; tags?: string[]; responses: object };
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      }
    }
  });
});

describe("docs UI", () => {
  it("is served from the Worker's own assets and loads nothing from another origin", async () => {
    const page = await env.ASSETS.fetch("http://localhost/docs/index.html");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="swagger-ui">');
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) {
      expect(reference, reference).toMatch(/^\.\//);
      const asset = await env.ASSETS.fetch(new URL(reference, "http://localhost/docs/"));
      expect(asset.status, reference).toBe(200);
    }
    const init = await (await env.ASSETS.fetch("http://localhost/docs/init.js")).text();
    expect(init).toContain(`url: "${OPENAPI_PATH}"`);
    expect(init).toContain("validatorUrl: null");
  });
});
