import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../src/auth/passwords";
import { type ProblemKind, problemComponentName, problemKinds } from "../../src/lib/problem";
import { documentSchemas, pointerSegment } from "../support/document-schemas";
import { generatedDocument } from "../support/generated-document";

const document = generatedDocument();

const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  (["get", "put", "post", "delete", "patch"] as const).flatMap((method) => {
    const operation = item?.[method];
    return operation ? [{ key: `${method.toUpperCase()} ${path}`, operation }] : [];
  }),
);

describe("OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(document)));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    // Every $ref resolves (the validator checks the shape; this checks the targets).
    const text = JSON.stringify(document);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      const target = ref!
        .split("/")
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], document);
      expect(target, ref).toBeDefined();
    }
  });
});

describe("info", () => {
  it("says what the API is for in Spanish and in English, with a contact and a licence", () => {
    const { info } = document;
    const [spanish, english] = info.description!.split("\n\n");
    expect(spanish).toMatch(/^\*\*Español\.\*\* La API de la fuerza de ventas/);
    expect(english).toMatch(/^\*\*English\.\*\* The API behind a national field-sales force/);
    expect(info.contact?.name).toBeTruthy();
    expect(info.license).toEqual({ name: "Proprietary", identifier: "LicenseRef-Proprietary" });
  });
});

describe("operationId", () => {
  it("every operation has one, camelCase, and no two operations share it", () => {
    const ids = operations.map(({ key, operation }) => {
      expect(operation.operationId, key).toMatch(/^[a-z]+(?:[A-Z][a-z]*)*$/);
      return operation.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("the standard operations of a resource read like the domain", () => {
    const idOf = (key: string) => operations.find((o) => o.key === key)?.operation.operationId;
    expect(idOf("POST /api/v1/products")).toBe("createProduct");
    expect(idOf("GET /api/v1/products")).toBe("listProducts");
    expect(idOf("GET /api/v1/products/{id}")).toBe("getProduct");
    expect(idOf("PATCH /api/v1/products/{id}")).toBe("updateProduct");
    expect(idOf("DELETE /api/v1/products/{id}")).toBe("deleteProduct");
    expect(idOf("GET /api/v1/establishments/{id}/portfolio")).toBe("getCarriedPortfolio");
  });
});

describe("security", () => {
  it("public operations say `security: []`; every other one requires the bearer token", () => {
    const publicOperations = operations
      .filter(({ operation }) => operation.security?.length === 0)
      .map(({ key }) => key);
    expect(publicOperations.sort()).toEqual(
      [
        "GET /api/v1/health",
        "GET /api/v1/health/ready",
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/refresh",
        "POST /api/v1/auth/logout",
        "GET /.well-known/jwks.json",
      ].sort(),
    );
    for (const { key, operation } of operations) {
      if (operation.security?.length === 0) continue;
      expect(operation.security, key).toEqual([{ bearerAuth: [] }]);
    }
  });
});

describe("responses the app gives any route (src/lib/route-contract.ts)", () => {
  const has = (operation: (typeof operations)[number]["operation"], ...statuses: string[]) =>
    statuses.every((status) => status in (operation.responses ?? {}));
  const parameters = (operation: (typeof operations)[number]["operation"]) =>
    (operation.parameters ?? []).map((parameter) =>
      "$ref" in parameter
        ? document.components?.parameters?.[parameter.$ref.split("/").pop()!]
        : parameter,
    ) as { name: string; in: string }[];

  it("an operation with a body documents 400, 413 and 415", () => {
    for (const { key, operation } of operations.filter((o) => o.operation.requestBody)) {
      expect(has(operation, "400", "413", "415"), key).toBe(true);
    }
  });

  it("a path parameter means 400; If-Match means 412; If-None-Match 304 on a read, 412 on a write", () => {
    for (const { key, operation } of operations) {
      const names = parameters(operation).map((p) => `${p.in}:${p.name.toLowerCase()}`);
      const read = key.startsWith("GET ");
      if (names.some((name) => name.startsWith("path:")))
        expect(has(operation, "400"), key).toBe(true);
      if (names.includes("header:if-match")) expect(has(operation, "412"), key).toBe(true);
      if (names.includes("header:if-none-match")) {
        expect(has(operation, "304"), key).toBe(read);
        expect(has(operation, "412"), key).toBe(!read || names.includes("header:if-match"));
      }
      if (names.includes("header:idempotency-key")) expect(has(operation, "422"), key).toBe(true);
    }
  });

  it("every operation has a 4xx answer but the three that take no input (redocly.yaml)", () => {
    const without = operations
      .filter(({ operation }) => !Object.keys(operation.responses ?? {}).some((s) => /^4/.test(s)))
      .map(({ key, operation }) => {
        // Nothing of its own to get wrong: only the app-wide headers, and no body.
        const own = parameters(operation).filter(
          (p) => !["X-Request-Id", "Accept-Language", "x-d1-bookmark"].includes(p.name),
        );
        expect(own, key).toEqual([]);
        expect(operation.requestBody, key).toBeUndefined();
        return key;
      });
    expect(without.sort()).toEqual([
      "GET /.well-known/jwks.json",
      "GET /api/v1/health",
      "GET /api/v1/health/ready",
    ]);
  });

  it("every operation that touches D1 or KV documents 503: all but liveness and the JWKS", () => {
    const without = operations.filter(({ operation }) => !has(operation, "503")).map((o) => o.key);
    expect(without.sort()).toEqual(["GET /.well-known/jwks.json", "GET /api/v1/health"]);
  });
});

describe("headers", () => {
  const components = document.components ?? {};
  const headersOf = (name: string) =>
    Object.keys((components.responses?.[name] as { headers?: object })?.headers ?? {});

  it("problems carry X-Request-Id; 401 WWW-Authenticate; 429 and 503 Retry-After; 412 ETag", () => {
    for (const name of Object.keys(components.responses ?? {})) {
      expect(headersOf(name), name).toContain("X-Request-Id");
    }
    expect(headersOf("Unauthorized")).toContain("WWW-Authenticate");
    expect(headersOf("RateLimited")).toContain("Retry-After");
    expect(headersOf("ServiceUnavailable")).toContain("Retry-After");
    expect(headersOf("PreconditionFailed")).toContain("ETag");
  });

  it("a 201 carries Location and ETag; an idempotent create says when it is a replay", () => {
    for (const { key, operation } of operations) {
      const created = operation.responses?.["201"] as { headers?: object } | undefined;
      if (!created) continue;
      const headers = Object.keys(created.headers ?? {});
      expect(headers, key).toEqual(expect.arrayContaining(["Location", "ETag", "X-Request-Id"]));
      if (key.startsWith("POST ")) expect(headers, key).toContain("Idempotent-Replayed");
    }
  });

  it("no description renders part of itself as HTML (a tag such as `<n>` outside backticks)", () => {
    const descriptions = JSON.stringify(document).matchAll(/"description":"((?:[^"\\]|\\.)*)"/g);
    for (const [, text] of descriptions) {
      expect(text!.replace(/`[^`]*`/g, ""), text).not.toMatch(/<[a-z/!]/i);
    }
  });
});

describe("schemas", () => {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
  const propertiesOf = (name: string) =>
    (schemas[name]?.properties ?? {}) as Record<string, Record<string, unknown>>;

  it("shared enums are named components, and none carries a default that belongs to one field", () => {
    for (const name of [
      "UserRole",
      "UserStatus",
      "ProductUnit",
      "ProductStatus",
      "EstablishmentStatus",
      "PortfolioStatus",
    ]) {
      expect(schemas[name]?.enum, name).toBeDefined();
      expect(schemas[name]?.default, name).toBeUndefined();
    }
    expect(JSON.stringify(schemas.CreateProduct)).toContain('"default":"active"');
  });

  it("no integer states JavaScript's whole safe range (a docs UI would show it as the example)", () => {
    const text = JSON.stringify(document);
    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
    expect(text).not.toContain(String(2 ** 47));
  });

  it("prices are int64 and say what unit they are in", () => {
    const price = propertiesOf("Product").price!;
    expect(price).toMatchObject({ type: "integer", format: "int64", minimum: 0 });
    expect(price.description).toMatch(/whole Colombian pesos/);
  });

  it("password limits are in the schema, from the policy", () => {
    for (const [schema, field] of [
      ["CreateUser", "password"],
      ["ChangePassword", "newPassword"],
    ] as const) {
      expect(propertiesOf(schema)[field], `${schema}.${field}`).toMatchObject({
        minLength: PASSWORD_MIN_LENGTH,
        maxLength: PASSWORD_MAX_LENGTH,
      });
    }
  });

  it("CarriedPortfolio is one object (an allOf renders as 'any & object' in docs UIs)", () => {
    expect(schemas.CarriedPortfolio).toMatchObject({ type: "object" });
    expect(schemas.CarriedPortfolio?.allOf).toBeUndefined();
    expect(Object.keys(propertiesOf("CarriedPortfolio"))).toEqual([
      ...Object.keys(propertiesOf("Portfolio")),
      "items",
    ]);
  });
});

describe("examples", () => {
  const json = JSON.parse(JSON.stringify(document));
  const check = documentSchemas(json);
  const schemas = json.components.schemas as Record<string, { example?: unknown }>;
  const responses = json.components.responses as Record<
    string,
    { content: Record<string, { example?: unknown }> }
  >;
  /** The component schema a request or response body names, if any. */
  const bodySchemas = operations.flatMap(({ operation }) => {
    const bodies = [
      operation.requestBody,
      ...Object.entries(operation.responses ?? {})
        .filter(([status]) => status.startsWith("2"))
        .map(([, response]) => response),
    ] as { content?: Record<string, { schema?: { $ref?: string } }> }[];
    return bodies.flatMap((body) =>
      Object.values(body?.content ?? {}).map((media) => media.schema?.$ref?.split("/").pop()),
    );
  });

  it("every request and success body has one", () => {
    for (const name of new Set(bodySchemas)) {
      expect(name, "a body schema that is not a named component").toBeDefined();
      expect(schemas[name!]?.example, name).toBeDefined();
    }
  });

  it("each example is valid against the schema it illustrates", () => {
    const withExamples = Object.entries(schemas).filter(([, schema]) => "example" in schema);
    expect(withExamples.length).toBeGreaterThan(30);
    for (const [name, schema] of withExamples) {
      expect(check(`#/components/schemas/${pointerSegment(name)}`, schema.example), name).toEqual(
        [],
      );
    }
  });

  it("each problem response shows its own kind and status", () => {
    for (const [name, response] of Object.entries(responses)) {
      const { example } = response.content["application/problem+json"]!;
      expect(check("#/components/schemas/Problem", example), name).toEqual([]);
      const { type, status } = example as { type: string; status: number };
      const kind = (Object.keys(problemKinds) as ProblemKind[]).find(
        (k) => problemComponentName(k) === name,
      );
      expect(kind, name).toBeDefined();
      expect(type, name).toBe(`/problems/${kind}`);
      expect(status, name).toBe(problemKinds[kind!].status);
    }
  });

  it("an example that breaks its schema is caught", () => {
    expect(
      check("#/components/schemas/Product", { ...(schemas.Product!.example as object), price: -1 }),
    ).not.toEqual([]);
  });
});
