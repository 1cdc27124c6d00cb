import { describe, expect, it } from "vitest";
import doc from "../docs/availability.md?raw";
import { ACCESS_TOKEN_TTL_SECONDS } from "../src/auth/tokens";
import worker from "../src/index";
import { client, created, newEstablishment, newProduct } from "./support/api";
import { actor, createUser, freshIp, PASSWORD } from "./support/auth";
import { countingEnv } from "./support/counting-env";
import { call, jsonBody, ORIGIN } from "./support/http";

/**
 * The load model of docs/availability.md, measured: one seller's working day sent through
 * the Worker with the real local D1 and KV, counting requests, D1 round trips, D1 queries
 * and KV operations, then scaled to the fleet. The document's table must be the one this
 * test renders, so a change to the code that changes a day's cost changes the document.
 */
const SELLERS = 12_000;
const STORES_PER_ROUTE = 25;
const WORKDAY_HOURS = 10;
const PEAK_FACTOR = 5;
const REFRESHES = (WORKDAY_HOURS * 3600) / ACCESS_TOKEN_TTL_SECONDS;

const roundTripsOf = (response: Response) =>
  Number(/d1;desc="(\d+) round trips"/.exec(response.headers.get("Server-Timing") ?? "")?.[1]);

describe("the load model of docs/availability.md", async () => {
  const admin = client((await actor("admin")).headers);
  const product = await created<{ id: string }>(await admin.post("/products", newProduct()));
  const portfolio = await created<{ id: string }>(
    await admin.post("/portfolios", {
      name: `Ruta ${crypto.randomUUID()}`,
      items: [{ productId: product.id }],
    }),
  );
  const seller = await createUser({ role: "seller" });
  const stores: { id: string }[] = [];
  for (let i = 0; i < STORES_PER_ROUTE; i++) {
    const store = await created<{ id: string }>(
      await admin.post("/establishments", newEstablishment({ portfolioId: portfolio.id })),
    );
    await admin.put(`/establishments/${store.id}/sellers/${seller.id}`, {});
    stores.push(store);
  }

  it("holds one seller's working day, measured, scaled to 12,000 sellers", async () => {
    const { env, counts } = countingEnv();
    const day = new Map<Kind, Cost>();
    const send = async (kind: Kind, path: string, init: RequestInit, expected: number[]) => {
      const before = { ...counts };
      const response = await worker.fetch(new Request(`${ORIGIN}/api/v1${path}`, init), env);
      expect(expected, `${init.method ?? "GET"} ${path}`).toContain(response.status);
      const cost = day.get(kind) ?? {
        requests: 0,
        roundTrips: 0,
        d1Queries: 0,
        kvReads: 0,
        kvWrites: 0,
      };
      cost.requests += 1;
      cost.roundTrips += roundTripsOf(response);
      cost.d1Queries += counts.d1Queries - before.d1Queries;
      cost.kvReads += counts.kvReads - before.kvReads;
      cost.kvWrites += counts.kvWrites - before.kvWrites;
      day.set(kind, cost);
      return response;
    };

    // The morning: a sign-in (sessions last 30 days, so this is the most there is).
    const login = await send(
      "sign-in",
      "/auth/login",
      jsonBody(
        { email: seller.email, password: PASSWORD },
        { headers: { "CF-Connecting-IP": freshIp() } },
      ),
      [200],
    );
    let tokens = (await login.json()) as { accessToken: string; refreshToken: string };
    const auth = () => ({ Authorization: `Bearer ${tokens.accessToken}` });

    // The phone already holds its copy (docs/offline.md): the day starts from its cursor.
    // (That sync is not part of the day: sent with the uncounted bindings.)
    const first = await call("/api/v1/sync", { headers: auth() });
    let sync = {
      cursor: ((await first.json()) as { nextCursor: string }).nextCursor,
      etag: first.headers.get("ETag") ?? "",
    };

    // Each visit: catch up, read the store, send the visit's outbox.
    for (const [i, store] of stores.entries()) {
      const caughtUp = await send(
        "catch-up sync",
        `/sync?cursor=${encodeURIComponent(sync.cursor)}`,
        { headers: { ...auth(), "If-None-Match": sync.etag } },
        [200, 304],
      );
      if (caughtUp.status === 200)
        sync = {
          cursor: ((await caughtUp.json()) as { nextCursor: string }).nextCursor,
          etag: caughtUp.headers.get("ETag") ?? "",
        };
      const opened = await send(
        "store read",
        `/establishments/${store.id}`,
        { headers: auth() },
        [200],
      );
      const etag = opened.headers.get("ETag") ?? "";
      const replayed = await send(
        "outbox (batch of one PATCH)",
        "/batch",
        jsonBody(
          {
            operations: [
              {
                method: "PATCH",
                path: `/api/v1/establishments/${store.id}`,
                body: { phone: `604${String(1_000_000 + i)}` },
                ifMatch: etag,
              },
            ],
          },
          { headers: auth() },
        ),
        [207],
      );
      const { results } = (await replayed.json()) as { results: { status: number }[] };
      expect(results.map((r) => r.status)).toEqual([200]);
    }
    // Refreshes: one per access-token lifetime of the working day.
    for (let i = 0; i < REFRESHES; i++) {
      const refreshed = await send(
        "token refresh",
        "/auth/refresh",
        jsonBody({ refreshToken: tokens.refreshToken }),
        [200],
      );
      tokens = (await refreshed.json()) as typeof tokens;
    }
    expect(doc).toContain(render(day));
  });
});

type Kind =
  | "sign-in"
  | "token refresh"
  | "catch-up sync"
  | "store read"
  | "outbox (batch of one PATCH)";

interface Cost {
  requests: number;
  roundTrips: number;
  d1Queries: number;
  kvReads: number;
  kvWrites: number;
}

const number = (n: number) => Math.round(n).toLocaleString("en-US");
const each = (total: number, requests: number) => {
  const mean = total / requests;
  return Number.isInteger(mean) ? String(mean) : mean.toFixed(1);
};

/** The model's two tables, as docs/availability.md prints them. */
function render(day: Map<Kind, Cost>): string {
  const total: Cost = { requests: 0, roundTrips: 0, d1Queries: 0, kvReads: 0, kvWrites: 0 };
  const kinds = [...day].map(([kind, cost]) => {
    for (const key of Object.keys(total) as (keyof Cost)[]) total[key] += cost[key];
    const { requests: n } = cost;
    return `| ${kind} | ${n} | ${each(cost.roundTrips, n)} | ${each(cost.d1Queries, n)} | ${each(cost.kvReads, n)} | ${each(cost.kvWrites, n)} |`;
  });
  const seconds = WORKDAY_HOURS * 3600;
  const row = (what: string, perSeller: number) => {
    const fleet = perSeller * SELLERS;
    const average = fleet / seconds;
    return `| ${what} | ${number(perSeller)} | ${number(fleet)} | ${average.toFixed(1)} | ${number(average * PEAK_FACTOR)} |`;
  };
  return [
    "| request | per seller a day | D1 round trips each | D1 queries each | KV reads each | KV writes each |",
    "|---|---|---|---|---|---|",
    ...kinds,
    "",
    "| per working day | one seller | 12,000 sellers | average per second | peak per second (× 5) |",
    "|---|---|---|---|---|",
    row("HTTP requests", total.requests),
    row("D1 round trips", total.roundTrips),
    row("D1 queries (statements)", total.d1Queries),
    row("KV reads", total.kvReads),
    row("KV writes", total.kvWrites),
  ].join("\n");
}
