import { call, jsonBody } from "./http";

/** A client for one signed-in caller, as an app would use the API. */
export function client(headers: Record<string, string>) {
  const send = (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
    call(
      `/api/v1${path}`,
      body === undefined
        ? { method, headers: { ...headers, ...extra } }
        : jsonBody(body, { method, headers: { ...headers, ...extra } }),
    );
  return {
    get: (path: string, extra?: Record<string, string>) => send("GET", path, undefined, extra),
    post: (path: string, body: unknown, extra?: Record<string, string>) =>
      send("POST", path, body, extra),
    patch: (path: string, body: unknown, extra?: Record<string, string>) =>
      send("PATCH", path, body, extra),
    put: (path: string, body: unknown, extra?: Record<string, string>) =>
      send("PUT", path, body, extra),
    delete: (path: string, extra?: Record<string, string>) =>
      send("DELETE", path, undefined, extra),
  };
}
export type Client = ReturnType<typeof client>;

let sequence = 0;
const unique = () => `${Date.now().toString(36)}${(sequence++).toString(36)}`.toUpperCase();

export const newProduct = (overrides: Record<string, unknown> = {}) => ({
  sku: `SKU-${unique()}`,
  name: "Gaseosa cola 350 ml",
  category: "bebidas",
  unit: "unit",
  price: 2500,
  ...overrides,
});

export const newEstablishment = (overrides: Record<string, unknown> = {}) => ({
  name: `Tienda ${unique()}`,
  kind: "tienda",
  address: "Calle 10 # 5-20",
  city: "Medellín",
  department: "Antioquia",
  ...overrides,
});

export async function created<T = Record<string, unknown>>(response: Response): Promise<T> {
  if (response.status !== 201)
    throw new Error(`expected 201, got ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

let gtinSequence = 0;

/** A GTIN-13 with a valid check digit, different each call (counted, not random). */
export function validGtin(): string {
  gtinSequence += 1;
  const base = `770${String(gtinSequence).padStart(9, "0")}`;
  const sum = [...base]
    .reverse()
    .reduce((total, d, i) => total + Number(d) * (i % 2 === 0 ? 3 : 1), 0);
  return `${base}${(10 - (sum % 10)) % 10}`;
}
