// npm run bench -- --scale [--short]: the reads a seller and an admin make most, against
// the standard data set and the brief's real scale (bench/seed.mjs STANDARD, BRIEF_SCALE:
// 60 times the establishments), to show that a read costs the same however large the
// tables grow. For each data set in turn: a fresh local D1, seeded (timed, and its file
// measured), the API under `wrangler dev`, and each scenario with autocannon after a short
// warm-up, then 100 of its requests one at a time. Prints a table, writes
// bench/results-scale.json, and fails on any connection error, timeout, 5xx or non-2xx,
// or a read that takes more than twice as long alone at the brief's scale.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  machineInfo,
  pick,
  roundTripsOf,
  runAutocannon,
  seedDatabase,
  serve,
  signIn,
  wrangler,
} from "./lib.mjs";
import { ADMIN_EMAIL, BRIEF_SCALE, idsOf, STANDARD, sellerEmail } from "./seed.mjs";

const SECONDS = process.argv.includes("--short") ? 3 : 10;
const WARM_UP_SECONDS = 2;
const CONNECTIONS = 64;
/** Sellers signed in per data set, spread over all of them (first, last and between). */
const SELLERS_SIGNED_IN = 32;
/** Departments with a full page of stores in both data sets. */
const DEPARTMENTS = ["05", "15", "25", "68"];
const CITY = { department: "05", city: "medellin" };
/**
 * How a read's own cost is compared between the data sets: the median of this many
 * requests sent one at a time (after the load test). Under 64 connections a median is
 * mostly time in the queue, which moves with whatever else the machine runs; alone, a
 * request takes what it costs.
 */
const SEQUENTIAL_REQUESTS = 100;
/**
 * A read at the brief's scale may take this much longer, alone, than on the standard data
 * set before the run fails: far above this machine's noise, far below what a read that
 * walks a table 60 times larger costs (a seller's page walking every store: 11×).
 */
const MAX_SLOWDOWN = 2;

/** Row counts of the seeded database. */
function countRows(state) {
  const counts = {
    sellers: "users WHERE role = 'seller'",
    products: "products",
    portfolios: "portfolios",
    portfolioItems: "portfolio_items",
    establishments: "establishments",
  };
  const select = Object.entries(counts)
    .map(([name, from]) => `(SELECT count(*) FROM ${from}) AS ${name}`)
    .join(", ");
  const output = wrangler([
    "d1",
    "execute",
    "DB",
    "--local",
    "--persist-to",
    state,
    "--json",
    "--command",
    `SELECT ${select}`,
  ]).toString();
  return JSON.parse(output)[0].results[0];
}

/** The scenarios on a data set of `size` served at `origin`, each probed, warmed up and measured. */
async function measure(origin, size) {
  const ids = idsOf(size);
  const admin = await signIn(origin, ADMIN_EMAIL);
  const adminAuth = `Bearer ${admin.accessToken}`;
  const sellers = [];
  for (let j = 0; j < SELLERS_SIGNED_IN; j++) {
    const n = 1 + Math.round((j * (size.sellers - 1)) / (SELLERS_SIGNED_IN - 1));
    const { accessToken } = await signIn(origin, sellerEmail(n));
    sellers.push({
      auth: `Bearer ${accessToken}`,
      id: ids.seller(n),
      stores: ids.establishmentsOf(n),
    });
  }
  const as = (auth, path) => (r) => ({
    ...r,
    path,
    headers: { ...r.headers, Authorization: auth },
  });
  const get = (auth, path) => fetch(`${origin}${path}`, { headers: { Authorization: auth } });

  const scenarios = [
    {
      name: "seller's route — GET /establishments?limit=25 as the seller",
      // A seller's page is their whole route, and only theirs.
      probe: async () => {
        const seller = /** @type {(typeof sellers)[number]} */ (sellers.at(-1));
        const response = await get(seller.auth, "/api/v1/establishments?limit=25");
        const body = /** @type {{ data: { sellerIds: string[] }[] }} */ (
          await response.clone().json()
        );
        const onRoute = body.data.filter((e) => e.sellerIds.includes(seller.id)).length;
        if (onRoute !== size.storesPerSeller || body.data.length !== onRoute)
          throw new Error(`seller's route: ${body.data.length} stores, ${onRoute} on the route`);
        return response;
      },
      request: () => {
        const seller = pick(sellers);
        return as(seller.auth, "/api/v1/establishments?limit=25");
      },
    },
    {
      name: "department list — GET /establishments?department=…&status=active&limit=50 as admin",
      probe: () => fullPage(get(adminAuth, filtered(DEPARTMENTS[0])), 50),
      request: () => as(adminAuth, filtered(pick(DEPARTMENTS))),
    },
    {
      name: "city list — GET /establishments?department=05&city=medellin&limit=50 as admin",
      probe: () => fullPage(get(adminAuth, byCity), 50),
      request: () => as(adminAuth, byCity),
    },
    {
      name: "carried portfolio — GET /establishments/{id}/portfolio as the seller",
      probe: () => {
        const [seller] = sellers;
        return get(seller?.auth ?? "", `/api/v1/establishments/${seller?.stores[0]}/portfolio`);
      },
      request: () => {
        const seller = pick(sellers);
        return as(seller.auth, `/api/v1/establishments/${pick(seller.stores)}/portfolio`);
      },
    },
  ];

  const results = [];
  for (const scenario of scenarios) {
    process.stdout.write(`bench --scale (${size.name}): ${scenario.name}… `);
    const probe = await scenario.probe();
    if (probe.status !== 200)
      throw new Error(`${scenario.name}: probe answered ${probe.status} ${await probe.text()}`);
    const options = {
      url: origin,
      connections: CONNECTIONS,
      requests: [{ setupRequest: (r) => scenario.request()(r) }],
    };
    // Warm-up with few connections, so that no backlog of it spills into the measurement.
    await runAutocannon(scenario.name, { ...options, connections: 8, duration: WARM_UP_SECONDS });
    const measured = await runAutocannon(scenario.name, { ...options, duration: SECONDS });
    const alone = [];
    for (let i = 0; i < SEQUENTIAL_REQUESTS; i++) {
      const { path, headers } = scenario.request()({ headers: {} });
      const t0 = performance.now();
      const response = await fetch(`${origin}${path}`, { headers });
      await response.arrayBuffer();
      alone.push(performance.now() - t0);
      if (response.status !== 200) measured.non2xx += 1;
    }
    alone.sort((a, b) => a - b);
    const aloneP50Ms = Math.round((alone[alone.length >> 1] ?? 0) * 10) / 10;
    results.push({ ...measured, aloneP50Ms, d1RoundTrips: roundTripsOf(probe) });
    console.log(`${measured.rps} req/s`);
  }
  return results;
}

const filtered = (department) =>
  `/api/v1/establishments?department=${department}&status=active&limit=50`;
const byCity = `/api/v1/establishments?department=${CITY.department}&city=${CITY.city}&limit=50`;

/** The probe of a filtered list: a full page, with more after it. */
async function fullPage(answer, limit) {
  const response = await answer;
  if (response.status !== 200) return response;
  const body = /** @type {{ data: unknown[], nextCursor: string | null }} */ (
    await response.clone().json()
  );
  if (body.data.length !== limit || body.nextCursor === null)
    throw new Error(`${response.url}: ${body.data.length} rows, not a full page`);
  return response;
}

export async function main() {
  execFileSync("node", ["scripts/ensure-dev-vars.mjs"], { stdio: "inherit" });
  const dataSets = [];
  for (const size of [STANDARD, BRIEF_SCALE]) {
    const state = mkdtempSync(join(tmpdir(), "portafolio-scale-"));
    try {
      console.log(`bench --scale: seeding the ${size.name} data set in ${state}…`);
      const seed = seedDatabase(state, size);
      const rows = countRows(state);
      console.log(
        `bench --scale: ${size.name}: seeded in ${seed.seconds} s, ${(seed.bytes / 2 ** 20).toFixed(0)} MiB`,
      );
      const api = await serve(["--persist-to", state], `API (${size.name})`);
      try {
        dataSets.push({
          name: size.name,
          rows,
          seedSeconds: seed.seconds,
          dbBytes: seed.bytes,
          scenarios: await measure(api.origin, size),
        });
      } finally {
        await api.stop();
      }
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  }

  const [standard, scaled] = /** @type {[(typeof dataSets)[number], (typeof dataSets)[number]]} */ (
    dataSets
  );
  const ratio = (a, b) => (b ? Math.round((a / b) * 100) / 100 : null);
  const scenarios = standard.scenarios.map((s, i) => {
    const at = /** @type {(typeof s)} */ (scaled.scenarios[i]);
    const strip = ({ name: _name, ...rest }) => rest;
    return {
      name: s.name,
      standard: strip(s),
      briefScale: strip(at),
      briefScaleOverStandard: {
        aloneP50: ratio(at.aloneP50Ms, s.aloneP50Ms),
        rps: ratio(at.rps, s.rps),
        p50: ratio(at.p50Ms, s.p50Ms),
        p95: ratio(at.p95Ms, s.p95Ms),
        p99: ratio(at.p99Ms, s.p99Ms),
      },
    };
  });

  const results = {
    machine: {
      ...machineInfo(),
      secondsPerScenario: SECONDS,
      connections: CONNECTIONS,
    },
    dataSets: dataSets.map(({ scenarios: _, ...d }) => d),
    scenarios,
  };
  writeFileSync("bench/results-scale.json", `${JSON.stringify(results, null, 2)}\n`);

  console.log(
    `\nPortafolio API at the brief's scale — ${SECONDS} s per scenario, ${CONNECTIONS} connections\n`,
  );
  console.table(
    Object.fromEntries(
      dataSets.map((d) => [
        d.name,
        {
          establishments: d.rows.establishments,
          sellers: d.rows.sellers,
          products: d.rows.products,
          portfolios: d.rows.portfolios,
          "portfolio items": d.rows.portfolioItems,
          "seed s": d.seedSeconds,
          "DB MiB": Math.round(d.dbBytes / 2 ** 20),
        },
      ]),
    ),
  );
  console.table(
    scenarios.flatMap((s) =>
      [
        { set: "standard", r: s.standard, slowdown: "" },
        { set: "brief scale", r: s.briefScale, slowdown: s.briefScaleOverStandard.aloneP50 },
      ].map(({ set, r, slowdown }) => ({
        scenario: s.name.split(" — ")[0],
        "data set": set,
        "req/s": r.rps,
        "p50 ms": r.p50Ms,
        "p95 ms": r.p95Ms,
        "p99 ms": r.p99Ms,
        errors: r.errors,
        non2xx: r.non2xx,
        "D1 trips": r.d1RoundTrips ?? "-",
        "alone p50 ms": r.aloneP50Ms,
        "alone ×": slowdown,
      })),
    ),
  );

  const failures = dataSets.flatMap((d) =>
    d.scenarios
      .filter((s) => s.errors > 0 || s.serverErrors > 0 || s.non2xx > 0)
      .map(
        (s) =>
          `${s.name} (${d.name}): ${s.errors} errors, ${s.serverErrors} 5xx, ${s.non2xx} non-2xx`,
      ),
  );
  for (const s of scenarios) {
    const slowdown = s.briefScaleOverStandard.aloneP50 ?? 0;
    if (slowdown > MAX_SLOWDOWN)
      failures.push(`${s.name}: ${slowdown}× slower alone at the brief's scale`);
  }
  if (failures.length > 0) {
    console.error(`\nbench --scale FAILED:\n- ${failures.join("\n- ")}`);
    process.exitCode = 1;
  }
}
