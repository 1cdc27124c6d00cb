import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { setClock } from "../src/lib/clock";
import { client, created, newProduct } from "./support/api";
import { actor } from "./support/auth";
import { expectProblem } from "./support/http";

/*
 * Where an offline change was made, as the app says: kept in the audit row, the device's
 * time only within [now − 30 days, now + 5 minutes] of the server's (injected) clock.
 */

let restore: (() => void) | undefined;
afterEach(() => restore?.());

const SERVER_NOW = new Date("2030-01-15T12:00:00.000Z");

async function patchWith(headers: Record<string, string>) {
  const api = client((await actor("admin")).headers);
  const product = await created<{ id: string }>(await api.post("/products", newProduct()));
  restore = setClock(() => SERVER_NOW);
  const response = await api.patch(`/products/${product.id}`, { price: 4321 }, headers);
  restore();
  restore = undefined;
  const row = await env.DB.prepare(
    "select captured_at as capturedAt, device_id as deviceId, app_version as appVersion from audit_events where entity_id = ? and action = 'product.updated'",
  )
    .bind(product.id)
    .first();
  return { response, row };
}

describe("provenance headers", () => {
  it("a device time within bounds is kept, with the device and the app version", async () => {
    const { response, row } = await patchWith({
      "X-Captured-At": "2030-01-10T08:30:00-05:00",
      "X-Device-Id": "android-7f3a",
      "X-App-Version": "2.4.1",
    });
    expect(response.status).toBe(200);
    expect(row).toEqual({
      capturedAt: "2030-01-10T13:30:00.000Z",
      deviceId: "android-7f3a",
      appVersion: "2.4.1",
    });
  });

  it("a device clock 31 days behind or 6 minutes ahead is not kept; the change still is", async () => {
    for (const capturedAt of ["2029-12-15T11:59:59.000Z", "2030-01-15T12:06:00.000Z"]) {
      const { response, row } = await patchWith({
        "X-Captured-At": capturedAt,
        "X-Device-Id": "android-7f3a",
      });
      expect(response.status).toBe(200);
      expect(row).toEqual({ capturedAt: null, deviceId: "android-7f3a", appVersion: null });
    }
  });

  it("a malformed header is a 400 naming it, and nothing is written", async () => {
    const api = client((await actor("admin")).headers);
    const product = await created<{ id: string }>(await api.post("/products", newProduct()));
    for (const [name, value] of [
      ["X-Captured-At", "yesterday"],
      ["X-Device-Id", "phone with spaces"],
      ["X-App-Version", "x".repeat(65)],
    ] as const) {
      const problem = await expectProblem(
        await api.patch(`/products/${product.id}`, { price: 1 }, { [name]: value }),
        400,
        "validation-error",
      );
      expect((problem.errors as { path: string }[])[0]!.path).toBe(`header.${name.toLowerCase()}`);
    }
    const current = (await (await api.get(`/products/${product.id}`)).json()) as {
      version: number;
    };
    expect(current.version).toBe(1);
  });
});
