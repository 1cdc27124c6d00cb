// npm run bench [-- --short]: the API against the runtime's own floor and against a peer
// built with chanfana, on this machine. Starts the API, the floor Worker (bench/floor) and
// the peer (bench/peer, its dependencies installed here when missing or stale) with
// `wrangler dev` on free ports over copies of one fresh local D1, seeds the national data
// set, drives each scenario with autocannon from this process, then measures the bulk
// import on a D1 of its own (bench/import.mjs; `--only-import` runs that step alone),
// prints a table and writes bench/results.json. Fails only on errors (connection errors,
// timeouts, 5xx, unexpected non-2xx, in the API or what it is compared with; an import
// that rejects rows, a job that fails, data read back that differs from the files) or a
// failed bundle check (scripts/bundle-check.mjs: gzip budget, English-only zod locales).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkBundle, describeBundle } from "../scripts/bundle-check.mjs";
import { measureImport } from "./import.mjs";
import {
  env,
  machineInfo,
  pick,
  randomIp,
  roundTripsOf,
  runAutocannon,
  seedDatabase,
  serve,
  signIn,
} from "./lib.mjs";
import { ADMIN_EMAIL, BENCH_PASSWORD, BRIEF_SCALE, benchIds, sellerEmail } from "./seed.mjs";
import { measureSync } from "./sync.mjs";

const SHORT = process.argv.includes("--short");
/**
 * Each target of a scenario (the API, the floor, the peer) runs ROUNDS times for SECONDS,
 * the targets taking turns, so a machine that slows down or speeds up during the run
 * weighs on all of them alike; the round with the median throughput is reported.
 */
const ROUNDS = SHORT ? 1 : 3;
const SECONDS = SHORT ? 3 : 5;
const CONNECTIONS = 64;
const LOGIN_CONNECTIONS = 8;
/**
 * The store file the import step sends as one job: the brief's 300,000 stores, or 20,000
 * in --short (CI), which is still a job (over 5,000 rows) of 20 chunks.
 */
const IMPORT_JOB_ROWS = SHORT ? 20_000 : BRIEF_SCALE.sellers * BRIEF_SCALE.storesPerSeller;

/**
 * The peer has its own package (chanfana 2.8 needs zod 3): `npm ci` it when a package its
 * lock names is missing from bench/peer/node_modules or at another version.
 */
function installPeer() {
  const dir = "bench/peer";
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"));
  const installed = Object.entries(lock.packages)
    .filter(([path]) => path !== "")
    .every(([path, { version }]) => {
      const manifest = join(dir, path, "package.json");
      return existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).version === version;
    });
  if (installed) return;
  console.log("bench: installing the peer's dependencies (npm ci --prefix bench/peer)…");
  execFileSync("npm", ["ci", "--prefix", dir, "--no-audit", "--no-fund"], {
    env,
    stdio: "inherit",
  });
}

const run = (name, options) =>
  runAutocannon(name, { duration: SECONDS, connections: CONNECTIONS, ...options });

/**
 * A closed-loop driver for stateful scenarios (a rotating refresh token, an ETag to follow
 * per connection), which autocannon cannot keep per connection: `connections` workers,
 * each sending its next request when the previous answer arrives, for all the rounds'
 * seconds at once (its state, such as an ETag, follows from one request to the next).
 */
async function loop(name, { connections = CONNECTIONS, init, request }) {
  const latencies = [];
  const counts = { errors: 0, non2xx: 0, serverErrors: 0 };
  const end = performance.now() + ROUNDS * SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async (_, index) => {
      const state = await init(index);
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const response = await request(state);
          await response.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (response.status >= 500) counts.serverErrors += 1;
          if (response.status < 200 || response.status >= 300) counts.non2xx += 1;
        } catch {
          counts.errors += 1;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    name,
    connections,
    seconds: ROUNDS * SECONDS,
    rps: Math.round(latencies.length / ((performance.now() - started) / 1000)),
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    ...counts,
  };
}

/** A run's errors, 5xx and non-2xx as a line of the failure report; null when it had none. */
const failureOf = (label, r) =>
  r.errors + r.serverErrors + r.non2xx > 0
    ? `${label}: ${r.errors} errors, ${r.serverErrors} 5xx, ${r.non2xx} non-2xx`
    : null;

/** The round with the median throughput, with the errors of every round. */
function medianRound(results) {
  const median = [...results].sort((a, b) => a.rps - b.rps)[(results.length - 1) >> 1];
  const total = (key) => results.reduce((sum, r) => sum + r[key], 0);
  return {
    ...median,
    seconds: results.reduce((sum, r) => sum + r.seconds, 0),
    errors: total("errors"),
    non2xx: total("non2xx"),
    serverErrors: total("serverErrors"),
  };
}

/** What each scenario may also be run against, and the key of its options in a scenario. */
const COMPARED = ["floor", "peer"];

/**
 * The peer answers what the scenarios ask of it: 50 rows a page, page 100 is not page 1,
 * and a create adds a row (chanfana's total_count).
 */
async function checkPeer(origin) {
  const page = async (n) => {
    const response = await fetch(`${origin}/products?page=${n}&per_page=50`);
    if (response.status !== 200)
      throw new Error(`peer page ${n}: ${response.status} ${await response.text()}`);
    return /** @type {{ result: { id: string }[], result_info: { total_count: number } }} */ (
      await response.json()
    );
  };
  const first = await page(1);
  const hundredth = await page(100);
  if (first.result.length !== 50 || hundredth.result.length !== 50)
    throw new Error(`peer pages: ${first.result.length} and ${hundredth.result.length} rows`);
  if (first.result[0]?.id === hundredth.result[0]?.id)
    throw new Error("peer page 100 starts with the row page 1 starts with");
  const created = await fetch(`${origin}/products`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      sku: `BENCH-PEER-PROBE-${process.pid}`,
      name: "Sonda",
      category: "bench",
      unit: "unit",
      price: 1,
    }),
  });
  if (created.status !== 201)
    throw new Error(`peer create: ${created.status} ${await created.text()}`);
  const count = (await page(1)).result_info.total_count;
  if (count !== first.result_info.total_count + 1)
    throw new Error(`peer create: ${first.result_info.total_count} rows before, ${count} after`);
}

/**
 * The speed goals (issue 11): authenticated reads ≥ 0.9 × the floor and /health ≥ 0.8 ×;
 * at least the peer's throughput on what both serve; a PATCH with If-Match ≥ 0.8 × a
 * create. Each is a ratio measured in this run.
 */
function goalsOf(scenarios) {
  const named = (name) => scenarios.find((s) => s.name === name);
  const ratio = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);
  const goal = (text, measured, target) => ({ goal: text, measured, met: measured >= target });
  const reads = [
    "GET /products/{id}",
    "GET /products?limit=50 (page 1)",
    "GET /products?limit=50 (page 100)",
    "GET /establishments/{id}/portfolio (seller)",
  ];
  const post = named("POST /products");
  return [
    goal("GET /health ≥ 0.8 × floor", named("GET /health")?.floorRatio ?? null, 0.8),
    ...reads.map((name) => goal(`${name} ≥ 0.9 × floor`, named(name)?.floorRatio ?? null, 0.9)),
    ...scenarios
      .filter((s) => s.peerRatio !== null && s.peerRatio !== undefined)
      .map((s) => goal(`${s.name} ≥ 1.0 × peer`, s.peerRatio, 1)),
    goal(
      "PATCH /products/{id} (If-Match) ≥ 0.8 × POST /products",
      ratio(named("PATCH /products/{id} (If-Match)")?.rps, post?.rps),
      0.8,
    ),
  ];
}

/** Seller 155's route is used by no other scenario: the sync scenario re-points its stores. */
const SYNC_SELLER = 155;

/** The offline contract's bounds (issue 13): pages and round trips, not machine speed. */
function syncGoals(sync) {
  const onePerPage = (s) => s.roundTripsPerPage === 1;
  return [
    {
      goal: "sync from zero, 25 stores + 2,000-item portfolio ≤ 5 pages",
      measured: sync.fromZero.pages,
      met: sync.fromZero.pages <= 5,
    },
    {
      goal: "catch-up after a day of edits = 1 page",
      measured: sync.catchUp.pages,
      met: sync.catchUp.pages === 1,
    },
    {
      goal: "1 D1 round trip per sync page",
      measured: Math.max(sync.fromZero.roundTripsPerPage, sync.catchUp.roundTripsPerPage),
      met: onePerPage(sync.fromZero) && onePerPage(sync.catchUp),
    },
    {
      goal: "sync with nothing new → 304",
      measured: sync.idle.status,
      met: sync.idle.status === 304,
    },
  ];
}

/**
 * bench/results.json, as biome formats it (`npm run lint` checks it): JSON.stringify puts
 * each number of an array on a line of its own, biome a short array on one line.
 */
function writeResults(results) {
  writeFileSync("bench/results.json", `${JSON.stringify(results, null, 2)}\n`);
  execFileSync("npx", ["biome", "format", "--write", "bench/results.json"], { stdio: "pipe" });
}

/** The import step (bench/import.mjs): its own D1 and API, after the others have stopped. */
async function runImport() {
  process.stdout.write("bench: bulk import of the national data set through the API… ");
  const started = new Date().toISOString();
  const measured = await measureImport({ jobRows: IMPORT_JOB_ROWS });
  console.log("done");
  return { date: started, mode: SHORT ? "short" : "full", ...measured };
}

function printImport({ steps, dataSet, reimport, job, verified, nudges }) {
  const n = (x) => x.toLocaleString("en-US");
  console.log(
    "\nBulk import (bench/import.mjs): the national data set from CSV files into a fresh D1, through the API alone; each file a dry run, then for real (a job's seconds are the API's own, createdAt → finishedAt):",
  );
  console.table(
    Object.fromEntries(
      steps.map((s) => [
        s.entity,
        {
          rows: s.rows,
          path: s.path,
          "dry run s": s.dryRunSeconds ?? "-",
          "dry run rows/s": s.dryRunRowsPerSecond ?? "-",
          "import s": s.seconds,
          "rows/s": s.rowsPerSecond,
        },
      ]),
    ),
  );
  console.log(
    `The data set: ${n(dataSet.rows)} rows in ${dataSet.seconds} s (${n(dataSet.rowsPerSecond)} rows/s), after ${dataSet.dryRunSeconds} s of dry runs.`,
  );
  console.log(
    `Read back through the CSV exports and compared field by field: ${Object.entries(verified)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(", ")}.`,
  );
  console.log(
    `${reimport.entity} sent again: ${n(reimport.unchanged)} of ${n(reimport.rows)} rows unchanged in ${reimport.seconds} s (${n(reimport.rowsPerSecond)} rows/s, ${reimport.path}).`,
  );
  const m = job.memory;
  console.log(
    `${n(job.rows)}-row ${job.entity} file${SHORT ? " (--short: the full run sends the brief's 300,000)" : ""}, ${(job.bytes / 2 ** 20).toFixed(1)} MiB, one ${job.path}: 202 after ${job.uploadSeconds} s, completed after ${job.seconds} s (${n(job.rowsPerSecond)} rows/s; seen by the polls after ${job.observedSeconds} s). The D1 file is then ${Math.round(job.databaseBytes / 2 ** 20)} MiB.`,
  );
  console.log(
    `  Memory, RSS sampled every 200 ms from before the upload to the job's end (before → peak): workerd running the Worker ${m.workerdBeforeMiB} → ${m.workerdPeakMiB} MiB (anonymous ${m.workerdAnonBeforeMiB} → ${m.workerdAnonPeakMiB} MiB; VmHWM since it started ${m.workerdLifetimePeakMiB} MiB); wrangler's dev proxy ${m.proxyBeforeMiB} → ${m.proxyPeakMiB} MiB; this bench's own Node process ${m.nodeBeforeMiB} → ${m.nodePeakMiB} MiB.`,
  );
  const r = job.readsDuringJob;
  console.log(
    `  An admin's reads meanwhile (GET /products?limit=1, the next 2 s after each answer): ${r.latenciesMs.map((ms) => `${n(ms)} ms`).join(", ")}.`,
  );
  console.log(
    `  ${nudges} GET /health sent while a request waited, for wrangler's dev proxy to pass on answers held during a job (bench/README.md, "Bulk import").`,
  );
}

/** `--only-import`: the import step alone; its result replaces `import` in results.json. */
async function importOnly() {
  execFileSync("node", ["scripts/ensure-dev-vars.mjs"], { stdio: "inherit" });
  const { failures, ...imported } = await runImport();
  const results = existsSync("bench/results.json")
    ? JSON.parse(readFileSync("bench/results.json", "utf8"))
    : {};
  writeResults({ ...results, import: imported });
  printImport(imported);
  if (failures.length > 0) {
    console.error(`\nbench FAILED:\n- ${failures.join("\n- ")}`);
    process.exitCode = 1;
  }
}

async function main() {
  const state = mkdtempSync(join(tmpdir(), "portafolio-bench-"));
  const servers = [];
  try {
    installPeer();
    execFileSync("node", ["scripts/ensure-dev-vars.mjs"], { stdio: "inherit" });
    console.log(`bench: fresh local D1 in ${state}; seeding the national data set…`);
    seedDatabase(state);

    // The floor and the peer read copies of the same data: two workerd processes must not
    // share one local D1 file (its SQLite belongs to one Durable Object at a time).
    const [floorState, peerState] = COMPARED.map((target) => {
      const copy = join(state, target);
      cpSync(join(state, "v3"), join(copy, "v3"), { recursive: true });
      return copy;
    });

    // wrangler's dev server without its DevTools inspector, which keeps every runtime
    // event of a long run in memory and slows it (bench/dev-server.mjs; README).
    const api = await serve(["--persist-to", state], "API", { devtools: false });
    servers.push(api);
    const floor = await serve(
      ["-c", "bench/floor/wrangler.toml", "--persist-to", floorState],
      "floor",
      { devtools: false },
    );
    servers.push(floor);
    const peer = await serve(
      ["-c", "bench/peer/wrangler.toml", "--persist-to", peerState],
      "peer",
      { devtools: false },
    );
    servers.push(peer);
    await checkPeer(peer.origin);

    const admin = await signIn(api.origin, ADMIN_EMAIL);
    const seller = await signIn(api.origin, sellerEmail(1));
    const adminAuth = { Authorization: `Bearer ${admin.accessToken}` };
    const sellerAuth = { Authorization: `Bearer ${seller.accessToken}` };
    const get = (path, headers = {}) => fetch(`${api.origin}${path}`, { headers });
    const send = (method, path, headers, body) =>
      fetch(`${api.origin}${path}`, {
        method,
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const productIds = Array.from({ length: 1000 }, (_, i) => benchIds.product(i * 10 + 1));
    const productById = (origin) => ({
      url: origin,
      requests: [{ setupRequest: (r) => ({ ...r, path: `/products/${pick(productIds)}` }) }],
    });
    const stores = benchIds.establishmentsOf(1);

    // The cursor for page 100 of GET /products?limit=50, walked through the API.
    let cursor = null;
    for (let page = 1; page < 100; page++) {
      const response = await fetch(
        `${api.origin}/api/v1/products?limit=50${cursor ? `&cursor=${cursor}` : ""}`,
        { headers: adminAuth },
      );
      cursor = /** @type {{ nextCursor: string | null }} */ (await response.json()).nextCursor;
    }

    // Sessions for the refresh scenario: one rotating chain per connection.
    const chains = [];
    for (let i = 0; i < CONNECTIONS; i++)
      chains.push((await signIn(api.origin, sellerEmail(2 + (i % 150)))).refreshToken);

    const reads = [
      {
        name: "GET /health",
        probe: () => get("/api/v1/health"),
        api: { url: `${api.origin}/api/v1/health` },
        floor: { url: `${floor.origin}/health` },
      },
      {
        name: "GET /products/{id}",
        probe: () => get(`/api/v1/products/${productIds[0]}`, adminAuth),
        api: {
          url: api.origin,
          headers: adminAuth,
          requests: [
            { setupRequest: (r) => ({ ...r, path: `/api/v1/products/${pick(productIds)}` }) },
          ],
        },
        floor: productById(floor.origin),
        peer: productById(peer.origin),
      },
      {
        name: "GET /products?limit=50 (page 1)",
        probe: () => get("/api/v1/products?limit=50", adminAuth),
        api: { url: `${api.origin}/api/v1/products?limit=50`, headers: adminAuth },
        floor: { url: `${floor.origin}/products?limit=50` },
        peer: { url: `${peer.origin}/products?page=1&per_page=50` },
      },
      {
        name: "GET /products?limit=50 (page 100)",
        probe: () => get(`/api/v1/products?limit=50&cursor=${cursor}`, adminAuth),
        api: { url: `${api.origin}/api/v1/products?limit=50&cursor=${cursor}`, headers: adminAuth },
        floor: { url: `${floor.origin}/products?limit=50&cursor=${cursor}` },
        peer: { url: `${peer.origin}/products?page=100&per_page=50` },
      },
      {
        name: "GET /establishments/{id}/portfolio (seller)",
        probe: () => get(`/api/v1/establishments/${stores[0]}/portfolio`, sellerAuth),
        api: {
          url: api.origin,
          headers: sellerAuth,
          requests: [
            {
              setupRequest: (r) => ({
                ...r,
                path: `/api/v1/establishments/${pick(stores)}/portfolio`,
              }),
            },
          ],
        },
        floor: {
          url: floor.origin,
          requests: [
            {
              setupRequest: (r) => ({
                ...r,
                path: `/establishments/${pick(stores)}/portfolio?sellerId=${benchIds.seller(1)}`,
              }),
            },
          ],
        },
      },
    ];

    let sku = 0;
    // The same new product for the API and the peer, with a sku of its own each time.
    const creating = (url, headers) => ({
      url,
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      requests: [
        {
          setupRequest: (r) => ({
            ...r,
            body: JSON.stringify({
              sku: `BENCH-NEW-${process.pid}-${sku++}`,
              name: "Nuevo",
              category: "bench",
              unit: "unit",
              price: 1000,
            }),
          }),
        },
      ],
    });
    const writes = [
      {
        name: "POST /products",
        probe: () =>
          send("POST", "/api/v1/products", adminAuth, {
            sku: `BENCH-PROBE-${process.pid}`,
            name: "Sonda",
            category: "bench",
            unit: "unit",
            price: 1,
          }),
        api: creating(`${api.origin}/api/v1/products`, adminAuth),
        peer: creating(`${peer.origin}/products`, {}),
      },
      {
        name: "PATCH /products/{id} (If-Match)",
        probe: () =>
          send(
            "PATCH",
            `/api/v1/products/${benchIds.product(9999)}`,
            { ...adminAuth, "If-Match": '"1"' },
            { price: 4321 },
          ),
        // Each connection edits its own product and follows its ETag, as one admin would.
        loop: {
          init: (index) => ({ productId: benchIds.product(5000 + index), version: 1 }),
          request: async (state) => {
            const response = await send(
              "PATCH",
              `/api/v1/products/${state.productId}`,
              { ...adminAuth, "If-Match": `"${state.version}"` },
              { price: 1000 + state.version },
            );
            const etag = response.headers.get("ETag");
            if (response.status === 200 && etag) state.version = Number(etag.replaceAll('"', ""));
            return response;
          },
        },
      },
      {
        name: "POST /auth/refresh",
        probe: async () =>
          send(
            "POST",
            "/api/v1/auth/refresh",
            {},
            { refreshToken: (await signIn(api.origin, sellerEmail(199))).refreshToken },
          ),
        // One rotating chain per connection: each refresh spends the previous token.
        loop: {
          init: (index) => ({ token: chains[index] }),
          request: async (state) => {
            const response = await send(
              "POST",
              "/api/v1/auth/refresh",
              {},
              { refreshToken: state.token },
            );
            if (response.status === 200)
              state.token = /** @type {{ refreshToken: string }} */ (
                await response.clone().json()
              ).refreshToken;
            return response;
          },
        },
      },
      {
        name: "POST /auth/login (PBKDF2-bound)",
        probe: () =>
          send(
            "POST",
            "/api/v1/auth/login",
            { "CF-Connecting-IP": randomIp() },
            { email: sellerEmail(200), password: BENCH_PASSWORD },
          ),
        connections: LOGIN_CONNECTIONS,
        api: {
          url: `${api.origin}/api/v1/auth/login`,
          method: "POST",
          connections: LOGIN_CONNECTIONS,
          headers: { "Content-Type": "application/json" },
          // Many sellers on many networks: spread over client IPs, as at the edge.
          requests: [
            {
              setupRequest: (r) => ({
                ...r,
                headers: { ...r.headers, "CF-Connecting-IP": randomIp() },
                body: JSON.stringify({
                  email: sellerEmail(160 + ((Math.random() * 40) | 0)),
                  password: BENCH_PASSWORD,
                }),
              }),
            },
          ],
        },
      },
    ];

    const scenarios = [];
    const comparedFailures = [];
    for (const scenario of [...reads, ...writes]) {
      process.stdout.write(`bench: ${scenario.name}… `);
      // One request first: it must succeed, and tells the D1 round trips (Server-Timing).
      const probe = await scenario.probe();
      if (probe.status >= 300) {
        await new Promise((resolve) => setTimeout(resolve, 1000)); // let wrangler flush its log
        const errors = api
          .recent()
          .split("\n")
          .filter((line) => /error/i.test(line));
        throw new Error(
          `${scenario.name}: probe answered ${probe.status} ${await probe.text()}\n${errors.slice(-3).join("\n")}`,
        );
      }
      // The API and what it is compared with (where the scenario says how to ask it), in turns.
      const targets = COMPARED.filter((target) => scenario[target]);
      const apiRounds = [];
      /** @type {Map<string, any[]>} */
      const rounds = new Map(targets.map((target) => [target, []]));
      if (scenario.loop) apiRounds.push(await loop(scenario.name, scenario.loop));
      for (let round = 0; round < ROUNDS; round++) {
        if (!scenario.loop) apiRounds.push(await run(scenario.name, scenario.api));
        for (const target of targets)
          rounds.get(target)?.push(await run(`${scenario.name} (${target})`, scenario[target]));
      }
      const measured = medianRound(apiRounds);
      /** @type {Record<string, number | null>} */
      const compared = {};
      const notes = [];
      for (const target of COMPARED) {
        const result = rounds.has(target) ? medianRound(rounds.get(target) ?? []) : null;
        compared[`${target}Rps`] = result?.rps ?? null;
        compared[`${target}Ratio`] = result
          ? Math.round((measured.rps / result.rps) * 100) / 100
          : null;
        if (!result) continue;
        notes.push(`${target} ${result.rps}`);
        const failure = failureOf(`${scenario.name} ${target}`, result);
        if (failure) comparedFailures.push(failure);
      }
      scenarios.push({ ...measured, d1RoundTrips: roundTripsOf(probe), ...compared });
      console.log(`${measured.rps} req/s${notes.length ? ` (${notes.join(", ")})` : ""}`);
    }

    process.stdout.write("bench: offline sync (25 stores carrying one 2,000-item portfolio)… ");
    const syncSeller = await signIn(api.origin, sellerEmail(SYNC_SELLER));
    const sync = await measureSync(
      api.origin,
      { admin: adminAuth, seller: { Authorization: `Bearer ${syncSeller.accessToken}` } },
      {
        sellerId: benchIds.seller(SYNC_SELLER),
        stores: benchIds.establishmentsOf(SYNC_SELLER),
        products: Array.from({ length: 2000 }, (_, i) => benchIds.product(i + 1)),
        others: Array.from({ length: 50 }, (_, i) => benchIds.product(5001 + i)),
      },
    );
    console.log(
      `from zero ${sync.fromZero.pages} pages, catch-up ${sync.catchUp.pages}, idle ${sync.idle.status}`,
    );

    // The import loads a database of its own: the servers above are done, and stopped so
    // that the import has the machine to itself.
    for (const server of servers) await server.stop();
    const { failures: importFailures, ...imported } = await runImport();

    const goals = [...goalsOf(scenarios), ...syncGoals(sync)];
    const bundleCheck = checkBundle();
    const { rawBytes, gzipBytes, zodLocales } = bundleCheck;
    const bundle = { rawBytes, gzipBytes, zodLocales };

    const results = {
      machine: { ...machineInfo(), mode: SHORT ? "short" : "full" },
      bundle,
      scenarios: scenarios.map(({ serverErrors, ...s }) => s),
      sync,
      import: imported,
      goals,
    };
    writeResults(results);

    console.log(
      `\nPortafolio API benchmark — ${results.machine.cpu}, ${results.machine.cores} cores, ${ROUNDS} × ${SECONDS} s per target and scenario, in turns\n`,
    );
    console.table(
      Object.fromEntries(
        scenarios.map((s) => [
          s.name,
          {
            conns: s.connections,
            "req/s": s.rps,
            "p50 ms": s.p50Ms,
            "p95 ms": s.p95Ms,
            "p99 ms": s.p99Ms,
            errors: s.errors,
            non2xx: s.non2xx,
            "5xx": s.serverErrors,
            "D1 trips": s.d1RoundTrips ?? "-",
            ...Object.fromEntries(
              COMPARED.flatMap((target) => [
                [`${target} req/s`, s[`${target}Rps`] ?? "-"],
                [`× ${target}`, s[`${target}Ratio`] ?? "-"],
              ]),
            ),
          },
        ]),
      ),
    );
    console.log("\nOffline sync of one seller (docs/offline.md):");
    console.table({
      "from zero": sync.fromZero,
      "catch-up after a day of edits": sync.catchUp,
    });
    console.log(
      `Sync with nothing new and If-None-Match: ${sync.idle.status}, ${sync.idle.roundTrips} D1 round trip(s)`,
    );
    console.log("\nGoals (reported, never failed on: machines differ):");
    console.table(
      Object.fromEntries(goals.map((g) => [g.goal, { measured: g.measured, met: g.met }])),
    );
    printImport(imported);
    for (const line of describeBundle(bundleCheck)) console.log(line);

    const failures = [
      ...scenarios.flatMap((s) => failureOf(s.name, s) ?? []),
      ...comparedFailures,
      ...bundleCheck.failures,
      ...importFailures,
    ];
    if (failures.length > 0) {
      console.error(`\nbench FAILED:\n- ${failures.join("\n- ")}`);
      process.exitCode = 1;
    }
  } finally {
    for (const server of servers) server.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

// The brief-scale comparison and the soak run on their own (bench/README.md).
if (process.argv.includes("--scale")) await (await import("./scale.mjs")).main();
else if (process.argv.includes("--soak")) await (await import("./soak.mjs")).main();
else if (process.argv.includes("--only-import")) await importOnly();
else await main();
