// npm run bench -- --soak [--soak-seconds N]: five minutes (N seconds) of mixed traffic
// from 200 simulated sellers and 5 admins over the standard data set, for what a short
// benchmark cannot show: errors that need time to appear, and memory that creeps. Each
// user is a closed loop with think time (2–8 s for a seller, 1–3 s for an admin, uniform),
// signed in from a network of their own: sellers read their route, their store's carried
// portfolio, products and single stores (following ETags with If-None-Match), PATCH a
// store with If-Match (following its ETag), now and then add a store; admins list, read,
// create and PATCH products and list stores by department; everyone refreshes the token
// about once a minute and signs in again every 2–4 minutes. workerd's resident memory is
// sampled every 10 s. Fails on any connection error, timeout, 5xx or unexpected status,
// or when workerd's memory at the end exceeds its level after the first minute by more
// than 20 %. Writes bench/results-soak.json. Not run in CI.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  machineInfo,
  randomIp,
  rssKiB,
  seedDatabase,
  serve,
  statusKiB,
  workerdProcesses,
} from "./lib.mjs";
import { adminEmail, BENCH_PASSWORD, benchIds, STANDARD, sellerEmail } from "./seed.mjs";

const argument = process.argv.indexOf("--soak-seconds");
const SECONDS = argument === -1 ? 300 : Number(process.argv[argument + 1]);
if (!Number.isInteger(SECONDS) || SECONDS < 30)
  throw new Error("--soak-seconds takes a whole number of seconds, at least 30");
const SAMPLE_SECONDS = 10;
/** The memory baseline: after the first minute (a third of a run shorter than 3 minutes). */
const BASELINE_SECONDS = Math.max(
  SAMPLE_SECONDS,
  Math.min(60, Math.floor(SECONDS / 3 / SAMPLE_SECONDS) * SAMPLE_SECONDS),
);
const MAX_GROWTH = 1.2;
const REQUEST_TIMEOUT_MS = 30_000;
const SELLER_THINK_MS = /** @type {[number, number]} */ ([2_000, 8_000]);
const ADMIN_THINK_MS = /** @type {[number, number]} */ ([1_000, 3_000]);
const REFRESH_EVERY_MS = /** @type {[number, number]} */ ([45_000, 75_000]);
const SIGN_IN_EVERY_MS = /** @type {[number, number]} */ ([120_000, 240_000]);

/** What wrangler's dev proxy answers (503) when a request it forwards never reaches the Worker. */
const DEV_PROXY_LOST_REQUEST = "Your worker restarted mid-request";

const between = ([low, high]) => low + Math.random() * (high - low);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pickOf = (list) => list[(Math.random() * list.length) | 0];
/** One of `weighted`'s keys, each as likely as its weight. */
function choose(weighted) {
  let roll = Math.random() * Object.values(weighted).reduce((a, b) => a + b, 0);
  for (const [key, weight] of Object.entries(weighted)) {
    roll -= weight;
    if (roll < 0) return key;
  }
  return Object.keys(weighted)[0];
}

/** Per-action counts and latencies; a status not in `expected` is a failure. */
function recorder() {
  const actions = new Map();
  const minutes = new Map();
  const started = performance.now();
  const of = (name) => {
    let stats = actions.get(name);
    if (!stats) {
      stats = {
        latencies: [],
        statuses: {},
        errors: 0,
        unexpected: 0,
        serverErrors: 0,
        devProxyRetries: 0,
      };
      actions.set(name, stats);
    }
    return stats;
  };
  return {
    started,
    /**
     * @param {string} name
     * @param {string} url
     * @param {RequestInit} init
     * @param {number[]} expected
     */
    async send(name, url, init, expected = [200]) {
      const stats = of(name);
      const t0 = performance.now();
      try {
        let response = await fetch(url, {
          ...init,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        let text = await response.text();
        if (response.status === 503 && text.startsWith(DEV_PROXY_LOST_REQUEST)) {
          // wrangler's dev proxy lost the request on its way to the Worker (a kept-alive
          // connection closing as it was reused): the Worker never saw it. The proxy
          // retries a GET itself; a POST or PATCH is sent again here, as it asks, and counted.
          stats.devProxyRetries += 1;
          response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
          text = await response.text();
        }
        const ms = performance.now() - t0;
        stats.latencies.push(ms);
        const minute = Math.floor((t0 - started) / 60_000) + 1;
        minutes.set(minute, [...(minutes.get(minute) ?? []), ms]);
        stats.statuses[response.status] = (stats.statuses[response.status] ?? 0) + 1;
        if (response.status >= 500) stats.serverErrors += 1;
        if (!expected.includes(response.status)) {
          stats.unexpected += 1;
          if (stats.unexpected <= 3)
            console.error(`soak: ${name} answered ${response.status}: ${text.slice(0, 300)}`);
        }
        return { status: response.status, headers: response.headers, text };
      } catch (error) {
        stats.errors += 1;
        if (stats.errors <= 3) console.error(`soak: ${name} failed: ${error}`);
        return { status: 0, headers: new Headers(), text: "" };
      }
    },
    summary() {
      const percentile = (sorted, q) =>
        Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
      const summarise = (latencies) => {
        const sorted = [...latencies].sort((a, b) => a - b);
        return {
          requests: sorted.length,
          p50Ms: percentile(sorted, 0.5),
          p95Ms: percentile(sorted, 0.95),
          p99Ms: percentile(sorted, 0.99),
        };
      };
      return {
        actions: Object.fromEntries(
          [...actions].map(([name, { latencies, ...counts }]) => [
            name,
            { ...summarise(latencies), ...counts },
          ]),
        ),
        minutes: [...minutes]
          .sort(([a], [b]) => a - b)
          .map(([minute, latencies]) => ({ minute, ...summarise(latencies) })),
      };
    },
  };
}

const json = (auth, body, headers = {}) => ({
  headers: {
    ...(auth && { Authorization: `Bearer ${auth}` }),
    "Content-Type": "application/json",
    ...headers,
  },
  body: JSON.stringify(body),
});

/**
 * A signed-in user: refreshes the token about once a minute and signs in again every few
 * minutes, both from the user's own network (CF-Connecting-IP) and with the right password.
 */
async function session(record, origin, email) {
  const ip = randomIp();
  const user = { email, ip, access: "", refreshToken: "", refreshAt: 0, signInAt: 0 };
  const signInNow = async () => {
    const answer = await record.send("POST /auth/login", `${origin}/api/v1/auth/login`, {
      method: "POST",
      ...json(null, { email, password: BENCH_PASSWORD }, { "CF-Connecting-IP": ip }),
    });
    // A failed sign-in (already counted) is tried again as the user's next action, as the
    // app would show its sign-in screen: no requests go out without a token.
    const signedIn = answer.status === 200;
    if (signedIn) {
      const tokens = JSON.parse(answer.text);
      user.access = tokens.accessToken;
      user.refreshToken = tokens.refreshToken;
    }
    user.refreshAt = Date.now() + between(REFRESH_EVERY_MS);
    user.signInAt = signedIn ? Date.now() + between(SIGN_IN_EVERY_MS) : 0;
  };
  await signInNow();
  return {
    user,
    /** Refreshes or signs in when due; true when it did (that was the user's action). */
    async keepAlive() {
      if (Date.now() >= user.signInAt) {
        await signInNow();
        return true;
      }
      if (Date.now() < user.refreshAt) return false;
      const answer = await record.send("POST /auth/refresh", `${origin}/api/v1/auth/refresh`, {
        method: "POST",
        ...json(null, { refreshToken: user.refreshToken }),
      });
      if (answer.status === 200) {
        const tokens = JSON.parse(answer.text);
        user.access = tokens.accessToken;
        user.refreshToken = tokens.refreshToken;
      } else {
        user.signInAt = 0; // the session is over: sign in again next
      }
      user.refreshAt = Date.now() + between(REFRESH_EVERY_MS);
      return true;
    },
  };
}

const versionOf = (headers) =>
  Number((headers.get("ETag") ?? "").replace(/^W\//, "").replaceAll('"', ""));

async function seller(record, origin, n, deadline) {
  const ids = benchIds;
  await sleep(between([0, SELLER_THINK_MS[1]]));
  const { user, keepAlive } = await session(record, origin, sellerEmail(n));
  const seeded = ids.establishmentsOf(n);
  /** Each store's version (the seller is its only writer) and last ETag seen. */
  const stores = new Map(seeded.map((id) => [id, { version: 1, etag: "" }]));
  let created = 0;
  const auth = () => ({ Authorization: `Bearer ${user.access}` });
  while (Date.now() < deadline) {
    await sleep(between(SELLER_THINK_MS));
    if (Date.now() >= deadline) break;
    if (await keepAlive()) continue;
    const action = choose({
      route: 30,
      portfolio: 15,
      product: 25,
      store: 12,
      patch: 12,
      create: 2,
    });
    if (action === "route") {
      await record.send(
        "GET /establishments (seller)",
        `${origin}/api/v1/establishments?limit=25`,
        {
          headers: auth(),
        },
      );
    } else if (action === "portfolio") {
      await record.send(
        "GET /establishments/{id}/portfolio",
        `${origin}/api/v1/establishments/${pickOf(seeded)}/portfolio`,
        { headers: auth() },
      );
    } else if (action === "product") {
      const product = ids.product(1 + ((Math.random() * STANDARD.products) | 0));
      await record.send("GET /products/{id} (seller)", `${origin}/api/v1/products/${product}`, {
        headers: auth(),
      });
    } else if (action === "store") {
      const id = pickOf([...stores.keys()]);
      const store = /** @type {{ version: number, etag: string }} */ (stores.get(id));
      const answer = await record.send(
        "GET /establishments/{id} (If-None-Match)",
        `${origin}/api/v1/establishments/${id}`,
        { headers: { ...auth(), ...(store.etag && { "If-None-Match": store.etag }) } },
        [200, 304],
      );
      if (answer.status === 200) store.etag = answer.headers.get("ETag") ?? "";
    } else if (action === "patch") {
      const id = pickOf([...stores.keys()]);
      const store = /** @type {{ version: number, etag: string }} */ (stores.get(id));
      const answer = await record.send(
        "PATCH /establishments/{id} (If-Match)",
        `${origin}/api/v1/establishments/${id}`,
        {
          method: "PATCH",
          ...json(
            user.access,
            { address: `Carrera ${(Math.random() * 100) | 0} # ${(Math.random() * 90) | 0}-${n}` },
            { "If-Match": `"${store.version}"` },
          ),
        },
      );
      if (answer.status === 200) store.version = versionOf(answer.headers);
      else if (answer.status === 412) store.version = JSON.parse(answer.text).currentVersion;
    } else {
      created += 1;
      const answer = await record.send(
        "POST /establishments (seller)",
        `${origin}/api/v1/establishments`,
        {
          method: "POST",
          ...json(
            user.access,
            {
              name: `Tienda nueva ${n}-${created}-${process.pid}`,
              kind: "tienda",
              address: `Calle ${created} # ${n}-1`,
              department: "Antioquia",
              city: "Medellín",
            },
            { "Idempotency-Key": crypto.randomUUID() },
          ),
        },
        [201],
      );
      if (answer.status === 201)
        stores.set(JSON.parse(answer.text).id, {
          version: 1,
          etag: answer.headers.get("ETag") ?? "",
        });
    }
  }
}

async function admin(record, origin, n, deadline) {
  await sleep(between([0, ADMIN_THINK_MS[1]]));
  const { user, keepAlive } = await session(record, origin, adminEmail(n));
  // Each admin edits products of their own, so their If-Match never meets another's write.
  const own = Array.from({ length: 100 }, (_, k) => ({
    id: benchIds.product(STANDARD.products - 100 * n + k + 1),
    version: 1,
  }));
  let cursor = null;
  let created = 0;
  const auth = () => ({ Authorization: `Bearer ${user.access}` });
  while (Date.now() < deadline) {
    await sleep(between(ADMIN_THINK_MS));
    if (Date.now() >= deadline) break;
    if (await keepAlive()) continue;
    const action = choose({ list: 25, next: 15, product: 15, create: 15, patch: 20, stores: 10 });
    if (action === "list" || (action === "next" && cursor === null)) {
      const sort = pickOf(["name", "-price", "-updatedAt"]);
      const answer = await record.send(
        "GET /products?limit=50 (admin)",
        `${origin}/api/v1/products?limit=50&sort=${sort}`,
        { headers: auth() },
      );
      cursor = answer.status === 200 ? { sort, next: JSON.parse(answer.text).nextCursor } : null;
    } else if (action === "next" && cursor) {
      const answer = await record.send(
        "GET /products?limit=50&cursor (admin)",
        `${origin}/api/v1/products?limit=50&sort=${cursor.sort}&cursor=${cursor.next}`,
        { headers: auth() },
      );
      const next = answer.status === 200 ? JSON.parse(answer.text).nextCursor : null;
      cursor = next ? { sort: cursor.sort, next } : null;
    } else if (action === "product") {
      const product = benchIds.product(1 + ((Math.random() * STANDARD.products) | 0));
      await record.send("GET /products/{id} (admin)", `${origin}/api/v1/products/${product}`, {
        headers: auth(),
      });
    } else if (action === "create") {
      created += 1;
      await record.send(
        "POST /products",
        `${origin}/api/v1/products`,
        {
          method: "POST",
          ...json(
            user.access,
            {
              sku: `SOAK-${process.pid}-${n}-${created}`,
              name: `Producto de prueba ${n}-${created}`,
              category: "bebidas",
              unit: "unit",
              price: 1000 + created,
            },
            { "Idempotency-Key": crypto.randomUUID() },
          ),
        },
        [201],
      );
    } else if (action === "patch") {
      const product = pickOf(own);
      const answer = await record.send(
        "PATCH /products/{id} (If-Match)",
        `${origin}/api/v1/products/${product.id}`,
        {
          method: "PATCH",
          ...json(
            user.access,
            { price: 2000 + product.version },
            { "If-Match": `"${product.version}"` },
          ),
        },
      );
      if (answer.status === 200) product.version = versionOf(answer.headers);
      else if (answer.status === 412) product.version = JSON.parse(answer.text).currentVersion;
    } else {
      const department = pickOf(["05", "11", "76", "08", "25", "68"]);
      await record.send(
        "GET /establishments?department (admin)",
        `${origin}/api/v1/establishments?department=${department}&limit=50`,
        { headers: auth() },
      );
    }
  }
}

export async function main() {
  execFileSync("node", ["scripts/ensure-dev-vars.mjs"], { stdio: "inherit" });
  const state = mkdtempSync(join(tmpdir(), "portafolio-soak-"));
  try {
    console.log(`bench --soak: seeding the standard data set in ${state}…`);
    seedDatabase(state, STANDARD);
    // Without wrangler's DevTools plumbing: it is what grows and fails under this load
    // (bench/dev-server.mjs, bench/README.md).
    const api = await serve(["--persist-to", state], "API", { devtools: false });
    let results;
    try {
      const workerd = workerdProcesses(api.pid, new URL(api.origin).port);
      if (workerd.worker.length !== 1)
        throw new Error(`expected one workerd running the Worker, found ${workerd.worker.length}`);
      console.log(
        `bench --soak: ${SECONDS} s, ${STANDARD.sellers} sellers and ${STANDARD.admins} admins; workerd pid ${workerd.worker} (the Worker), ${workerd.proxy} (wrangler's dev proxy)`,
      );
      const record = recorder();
      const sample = () => ({
        second: Math.round((performance.now() - record.started) / 1000),
        rssKiB: rssKiB(workerd.worker),
        // Resident memory is the process's own (anonymous) plus mapped files (the local
        // D1 and KV SQLite files, as they are read): told apart to say which grew.
        anonKiB: statusKiB(workerd.worker, "RssAnon"),
        fileKiB: statusKiB(workerd.worker, "RssFile") + statusKiB(workerd.worker, "RssShmem"),
        proxyRssKiB: rssKiB(workerd.proxy),
      });
      const samples = [sample()];
      const sampler = setInterval(() => {
        const last = sample();
        samples.push(last);
        if (last.second % 60 < SAMPLE_SECONDS)
          console.log(
            `bench --soak: ${last.second} s, workerd ${(last.rssKiB / 1024).toFixed(0)} MiB (proxy ${(last.proxyRssKiB / 1024).toFixed(0)} MiB)`,
          );
      }, SAMPLE_SECONDS * 1000);
      const deadline = Date.now() + SECONDS * 1000;
      try {
        await Promise.all([
          ...Array.from({ length: STANDARD.sellers }, (_, i) =>
            seller(record, api.origin, i + 1, deadline),
          ),
          ...Array.from({ length: STANDARD.admins }, (_, i) =>
            admin(record, api.origin, i + 1, deadline),
          ),
        ]);
      } finally {
        clearInterval(sampler);
      }
      samples.push(sample());
      const elapsed = (performance.now() - record.started) / 1000;
      const baseline = samples.find((s) => s.second >= BASELINE_SECONDS) ?? samples[0];
      const end = /** @type {(typeof samples)[number]} */ (samples.at(-1));
      const { actions, minutes } = record.summary();
      const totals = Object.values(actions).reduce(
        (t, a) => ({
          requests: t.requests + a.requests + a.errors,
          errors: t.errors + a.errors,
          serverErrors: t.serverErrors + a.serverErrors,
          unexpected: t.unexpected + a.unexpected,
          devProxyRetries: t.devProxyRetries + a.devProxyRetries,
        }),
        { requests: 0, errors: 0, serverErrors: 0, unexpected: 0, devProxyRetries: 0 },
      );
      results = {
        machine: machineInfo(),
        seconds: SECONDS,
        users: { sellers: STANDARD.sellers, admins: STANDARD.admins },
        thinkTimeMs: {
          seller: { min: SELLER_THINK_MS[0], max: SELLER_THINK_MS[1] },
          admin: { min: ADMIN_THINK_MS[0], max: ADMIN_THINK_MS[1] },
        },
        ...totals,
        rps: Math.round((totals.requests / elapsed) * 10) / 10,
        memory: {
          baselineSecond: baseline?.second,
          baselineKiB: baseline?.rssKiB,
          endKiB: end.rssKiB,
          endOverBaseline: baseline
            ? Math.round((end.rssKiB / baseline.rssKiB) * 1000) / 1000
            : null,
          proxyBaselineKiB: baseline?.proxyRssKiB,
          proxyEndKiB: end.proxyRssKiB,
          samples,
        },
        actions,
        minutes,
      };
      // What the Worker logged for its 5xx (the last few), to say why.
      results.serverErrorLog = api.errors().slice(-10);
    } finally {
      await api.stop();
    }
    writeFileSync("bench/results-soak.json", `${JSON.stringify(results, null, 2)}\n`);

    console.log(
      `\nPortafolio API soak — ${SECONDS} s, ${results.users.sellers} sellers + ${results.users.admins} admins, ${results.requests} requests (${results.rps} req/s); ${results.devProxyRetries} sent again after the dev proxy lost them\n`,
    );
    console.table(
      Object.fromEntries(
        Object.entries(results.actions).map(([name, a]) => [
          name,
          {
            requests: a.requests,
            "p50 ms": a.p50Ms,
            "p95 ms": a.p95Ms,
            "p99 ms": a.p99Ms,
            errors: a.errors,
            "5xx": a.serverErrors,
            unexpected: a.unexpected,
            "dev proxy retries": a.devProxyRetries,
            statuses: Object.entries(a.statuses)
              .map(([status, count]) => `${status}×${count}`)
              .join(" "),
          },
        ]),
      ),
    );
    const { memory } = results;
    const mib = (kib) => (kib === null || kib === undefined ? "?" : (kib / 1024).toFixed(1));
    console.log(
      `workerd RSS (the Worker): ${mib(memory.baselineKiB)} MiB at ${memory.baselineSecond} s, ${mib(memory.endKiB)} MiB at the end (× ${memory.endOverBaseline})`,
    );
    console.log(
      `wrangler's dev proxy (also workerd): ${mib(memory.proxyBaselineKiB)} MiB at ${memory.baselineSecond} s, ${mib(memory.proxyEndKiB)} MiB at the end`,
    );

    const failures = [];
    if (results.errors > 0) failures.push(`${results.errors} connection errors or timeouts`);
    if (results.serverErrors > 0) failures.push(`${results.serverErrors} 5xx`);
    if (results.unexpected > 0) failures.push(`${results.unexpected} unexpected statuses`);
    if ((memory.endOverBaseline ?? 0) > MAX_GROWTH)
      failures.push(`workerd memory grew ${memory.endOverBaseline}× after the first minute`);
    if (failures.length > 0) {
      console.error(`\nbench --soak FAILED:\n- ${failures.join("\n- ")}`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}
