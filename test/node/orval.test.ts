import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "orval";
import { afterAll, describe, expect, it } from "vitest";
import { generatedDocument } from "../support/generated-document";

/**
 * A client generated from the document is what an app team starts from: its function names
 * are the operationIds, so they must read like the domain (listProducts, not
 * getApiV1Products).
 */
const dir = await mkdtemp(join(tmpdir(), "portafolio-orval-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

const document = generatedDocument();
await writeFile(join(dir, "openapi.json"), JSON.stringify(document));
await generate({
  input: { target: join(dir, "openapi.json") },
  output: { target: join(dir, "client.ts"), client: "fetch", mode: "single" },
});
const client = await readFile(join(dir, "client.ts"), "utf8");

/** The request functions of the client (orval also exports `get<Name>Url` helpers). */
const functions = [...client.matchAll(/^export const (\w+) = async \(/gm)].map(([, name]) => name!);

describe("orval fetch client generated from the document", () => {
  it("has one function per operation, named by its operationId", () => {
    const operationIds = Object.values(document.paths ?? {}).flatMap((item) =>
      Object.values(item ?? {}).flatMap((operation) =>
        typeof operation === "object" && operation !== null && "operationId" in operation
          ? [operation.operationId as string]
          : [],
      ),
    );
    expect(operationIds.length).toBeGreaterThan(30);
    expect(functions.sort()).toEqual(operationIds.sort());
  });

  it("whose names read like the domain", () => {
    expect(functions).toEqual(
      expect.arrayContaining([
        "login",
        "refreshTokens",
        "logout",
        "listProducts",
        "createProduct",
        "getProduct",
        "updateProduct",
        "deleteProduct",
        "createEstablishment",
        "listEstablishmentSellers",
        "assignEstablishmentSeller",
        "getCarriedPortfolio",
        "putPortfolioItem",
      ]),
    );
    // What orval names an operation without an operationId: getApiV1Products, postApiV1….
    for (const name of functions) expect(name).not.toMatch(/Api|V1/);
  });

  it("names the shared enums once, as the document does", () => {
    for (const name of ["UserRole", "ProductUnit", "ProductStatus", "EstablishmentStatus"]) {
      expect(client).toMatch(new RegExp(`^export const ${name} = \\{`, "m"));
    }
  });
});
