import { describe, expect, it } from "vitest";
import { negotiateLanguage } from "../src/lib/language";
import { problemKinds } from "../src/lib/problem";
import { actor } from "./support/auth";
import { call, expectProblem, jsonBody } from "./support/http";

const { headers } = await actor("admin");
const spanish = { ...headers, "Accept-Language": "es-CO,es;q=0.9,en;q=0.5" };

const errorsOf = (body: Record<string, unknown>) =>
  Object.fromEntries(
    (body.errors as { path: string; message: string }[]).map((e) => [e.path, e.message]),
  );

describe("Accept-Language negotiation", () => {
  it.each([
    [undefined, "en"],
    ["", "en"],
    ["es", "es"],
    ["es-CO", "es"],
    ["es-419,en;q=0.8", "es"],
    ["en-US,es;q=0.9", "en"],
    ["fr-FR, es;q=0.5, en;q=0.4", "es"],
    ["de, *;q=0.5", "en"],
    ["es;q=0, en", "en"],
    ["ES-co", "es"],
    ["es;q=abc", "en"],
  ])("%j → %s", (header, language) => {
    expect(negotiateLanguage(header)).toBe(language);
  });

  it("every problem kind has a title in each language", () => {
    for (const { title } of Object.values(problemKinds)) {
      expect(title.en).not.toBe("");
      expect(title.es).not.toBe("");
      expect(title.es).not.toBe(title.en);
    }
  });
});

describe("a phone set to Spanish gets Spanish errors", () => {
  it("validation messages are written for a person, naming the field", async () => {
    const response = await call("/api/v1/products?limit=abc", { headers: spanish });
    const body = await expectProblem(response, 400, "validation-error");
    expect(response.headers.get("Content-Language")).toBe("es");
    expect(response.headers.get("Vary")).toMatch(/Accept-Language/);
    expect(body.title).toBe("La solicitud no es válida");
    expect(body.detail).toBe("1 campo no es válido");
    expect(errorsOf(body)).toEqual({ "query.limit": "limit debe ser un número" });
  });

  it("the same request without Accept-Language is in English, with the same codes", async () => {
    const response = await call("/api/v1/products?limit=abc", { headers });
    const body = await expectProblem(response, 400, "validation-error");
    expect(response.headers.get("Content-Language")).toBe("en");
    expect(body.title).toBe("Request validation failed");
    expect(errorsOf(body)).toEqual({ "query.limit": "limit must be a number" });
  });

  it("bounds, missing fields, whole numbers, enums and unknown fields", async () => {
    const response = await call(
      "/api/v1/products",
      jsonBody(
        { sku: "BEB-1", category: "bebidas", unit: "caja", price: 12.5, color: "rojo" },
        { headers: spanish },
      ),
    );
    const body = await expectProblem(response, 400, "validation-error");
    expect(errorsOf(body)).toEqual({
      "/name": "name es obligatorio",
      "/price": "price debe ser un número entero",
      "/unit": "unit debe ser uno de: unit, pack, box, kg, l",
      "/color": "color no es un campo conocido",
    });
    const limits = await call("/api/v1/products?limit=500", { headers: spanish });
    expect(errorsOf(await limits.json())).toEqual({
      "query.limit": "limit debe ser menor o igual que 100",
    });
  });

  it("our own checks speak Spanish too", async () => {
    const response = await call(
      "/api/v1/products",
      jsonBody(
        {
          sku: "no spaces",
          name: "   ",
          category: "bebidas",
          unit: "unit",
          price: 1,
          currency: "XYZ",
        },
        { headers: spanish },
      ),
    );
    expect(errorsOf(await response.json())).toEqual({
      "/sku": "sku debe tener de 1 a 64 letras, dígitos o . _ -",
      "/name": "name no puede estar en blanco",
      "/currency": "currency no es una moneda ISO 4217",
    });
  });

  it("problems raised by the API itself: 401, 404, 405, 415", async () => {
    const unauthenticated = await call("/api/v1/products", {
      headers: { "Accept-Language": "es" },
    });
    const body401 = await expectProblem(unauthenticated, 401, "unauthorized");
    expect(body401.title).toBe("Se requiere iniciar sesión");
    expect(body401.detail).toBe("Envíe un token de acceso: Authorization: Bearer <token>");

    const missing = await call("/api/v1/products/0000", { headers: spanish });
    expect((await expectProblem(missing, 404, "not-found")).detail).toBe("No existe el producto");

    const wrongMethod = await call("/api/v1/products", { method: "PUT", headers: spanish });
    expect((await expectProblem(wrongMethod, 405, "method-not-allowed")).detail).toBe(
      "PUT no se permite aquí; use GET, HEAD, POST",
    );

    const text = await call("/api/v1/products", {
      method: "POST",
      headers: { ...spanish, "Content-Type": "text/plain" },
      body: "hola",
    });
    expect((await expectProblem(text, 415, "unsupported-media-type")).title).toBe(
      "El cuerpo de la solicitud debe ser JSON",
    );
  });

  it("malformed JSON is explained in Spanish", async () => {
    const response = await call("/api/v1/products", {
      method: "POST",
      headers: { ...spanish, "Content-Type": "application/json" },
      body: "{",
    });
    const body = await expectProblem(response, 400, "validation-error");
    expect(body.detail).toBe("El cuerpo de la solicitud no es JSON válido");
  });
});
