// node bench/stats.mjs [--state DIR]: what GET /api/v1/stats/overview costs in D1 time on
// the brief's national data set (bench/seed.mjs BRIEF_SCALE: 12,000 sellers, 300,000
// establishments, 20,000 products, 500 portfolios, ~565,000 items). Seeds a fresh local D1
// (or reuses DIR, seeded before with this script), serves the API, signs in as admin and
// reports the Server-Timing `d1` duration (time the Worker waited on D1) of one snapshot
// computation (POST /stats/overview/refresh: a second within a minute would be served the
// snapshot just made) and 50 reads (GET /stats/overview), medians. Run it a few times.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { roundTripsOf, seedDatabase, serve, signIn, wrangler } from "./lib.mjs";
import { ADMIN_EMAIL, BRIEF_SCALE } from "./seed.mjs";

execFileSync("node", ["scripts/ensure-dev-vars.mjs"], { stdio: "inherit" });
const stateIndex = process.argv.indexOf("--state");
const given = stateIndex === -1 ? undefined : process.argv[stateIndex + 1];
const state = given ?? mkdtempSync(join(tmpdir(), "portafolio-stats-"));
if (given === undefined) {
  console.log(`bench stats: seeding the brief-scale data set in ${state}…`);
  seedDatabase(state, BRIEF_SCALE);
} else {
  wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
}

/** Server-Timing `d1;…;dur=…` in milliseconds. */
const d1Ms = (response) =>
  Number(/d1;[^,]*dur=([\d.]+)/.exec(response.headers.get("Server-Timing") ?? "")?.[1]);
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

const api = await serve(["--persist-to", state], "API (stats)", { devtools: false });
try {
  const { accessToken } = await signIn(api.origin, ADMIN_EMAIL);
  const headers = { Authorization: `Bearer ${accessToken}` };
  const measure = async (method, path, times) => {
    const d1 = [];
    const wall = [];
    let trips = null;
    let bytes = 0;
    for (let i = 0; i < times; i++) {
      const started = performance.now();
      const response = await fetch(`${api.origin}${path}`, { method, headers });
      bytes = (await response.arrayBuffer()).byteLength;
      wall.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status}`);
      d1.push(d1Ms(response));
      trips = roundTripsOf(response);
    }
    return {
      request: `${method} ${path}`,
      requests: times,
      "D1 round trips": trips,
      "D1 ms p50": Math.round(median(d1) * 10) / 10,
      "D1 ms max": Math.round(Math.max(...d1) * 10) / 10,
      "wall ms p50": Math.round(median(wall) * 10) / 10,
      "body KiB": Math.round(bytes / 102.4) / 10,
    };
  };
  const refresh = await measure("POST", "/api/v1/stats/overview/refresh", 1);
  const read = await measure("GET", "/api/v1/stats/overview", 50);
  console.table([refresh, read]);
} finally {
  await api.stop();
}
