// The admin's side of bench/import.mjs: the API called with a bearer token (any
// unexpected status ends the bench), a file streamed to POST /imports/{entity} and its job
// followed to the end, and what is measured alongside a job (memory, a read's wait).
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { Readable } from "node:stream";
import { rssKiB, signIn, statusKiB, workerdProcesses } from "./lib.mjs";
import { ADMIN_EMAIL } from "./seed.mjs";

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const secondsSince = (t0) => Math.round((performance.now() - t0) / 10) / 100;
const mib = (kib) => Math.round(kib / 1024);
/** A job whose rowsDone stays put this long has stopped: the bench says so and fails. */
const STALLED_MS = 180_000;

/**
 * While a request waits for its answer, a `GET /health` is sent this often. A request that
 * reaches the local Worker while an import job runs is answered only when the job ends,
 * and wrangler's dev proxy may then hold that answer until another request reaches it,
 * however long that is. Abandoning the request instead is worse: the dev proxy then fails
 * the POSTs in flight with it (503 "Your worker restarted mid-request"). bench/README.md,
 * "Bulk import".
 */
const NUDGE_MS = 1_000;

/**
 * The API as the admin calls it: any status not in `expect` (a 5xx, an unexpected 4xx)
 * ends the bench with the response and the Worker's last error lines. The access token
 * (15 minutes) is refreshed after 10, as the dashboard does, for a slow machine's sake.
 * `call.nudges()` tells how many nudges (NUDGE_MS) were sent.
 */
export async function adminClient(api) {
  let tokens = await signIn(api.origin, ADMIN_EMAIL);
  let signedAt = Date.now();
  let nudges = 0;
  const nudge = () => {
    nudges++;
    fetch(`${api.origin}/api/v1/health`)
      .then((response) => response.arrayBuffer())
      .catch(() => undefined); // the server may be stopping: a nudge has no answer to wait for
  };
  /**
   * @param {string} method
   * @param {string} path  under /api/v1, or a whole path such as a Location
   * @param {RequestInit & { headers?: Record<string, string>, expect?: number[], duplex?: "half" }} [options]
   */
  const call = async (method, path, { headers = {}, expect = [200], ...init } = {}) => {
    if (Date.now() - signedAt > 10 * 60_000) {
      signedAt = Date.now(); // first: the refresh is a call too
      const refreshed = await call("POST", "/auth/refresh", {
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refreshToken: tokens.refreshToken }),
      });
      tokens = /** @type {typeof tokens} */ (await refreshed.json());
    }
    const url = path.startsWith("/api/") ? path : `/api/v1${path}`;
    const nudging = setInterval(nudge, NUDGE_MS);
    const response = await fetch(`${api.origin}${url}`, {
      method,
      headers: { Authorization: `Bearer ${tokens.accessToken}`, ...headers },
      ...init,
    })
      .catch((error) => {
        throw new Error(
          `import bench: ${method} ${url}: ${error.cause ?? error}\nThe dev server's last lines:\n${api.recent().slice(-3000)}`,
        );
      })
      .finally(() => clearInterval(nudging));
    if (!expect.includes(response.status)) {
      const text = (await response.text()).slice(0, 2000);
      await sleep(500); // let the dev server flush its log
      throw new Error(
        `import bench: ${method} ${url} → ${response.status} ${text}\n${api.errors().slice(-3).join("\n")}`,
      );
    }
    return response;
  };
  call.nudges = () => nudges;
  return call;
}

/**
 * `file` sent to POST /imports/{entity} as a browser sends a chosen file: streamed from
 * disk. A 200 is the import applied in the request, timed by this process. A 202 is a
 * job, polled every 250 ms until it is no longer running, and timed by the API's own
 * record of it (`createdAt`, when the handler began reading the upload, to `finishedAt`,
 * when its last chunk was applied): a poll sent during the job is answered only after it
 * (NUDGE_MS). What this process saw is kept too (`observedSeconds`), with the upload's
 * time to its 202.
 */
export async function sendFile(call, entity, file, { dryRun = false } = {}) {
  const query = new URLSearchParams({ fileName: basename(file) });
  if (dryRun) query.set("dryRun", "true");
  const t0 = performance.now();
  const response = await call("POST", `/imports/${entity}?${query}`, {
    headers: { "Content-Type": "text/csv; charset=utf-8" },
    body: /** @type {ReadableStream} */ (Readable.toWeb(createReadStream(file))),
    duplex: "half",
    expect: [200, 202],
  });
  if (response.status === 200) {
    const { import: record } = await response.json();
    return { path: "sync", record, seconds: secondsSince(t0) };
  }
  await response.arrayBuffer();
  const uploadSeconds = secondsSince(t0);
  const location = /** @type {string} */ (response.headers.get("Location"));
  let record;
  let progress = { rowsDone: -1, at: Date.now() };
  for (;;) {
    record = await (await call("GET", location)).json();
    if (record.status !== "running" && record.status !== "staging") break;
    if (record.rowsDone !== progress.rowsDone)
      progress = { rowsDone: record.rowsDone, at: Date.now() };
    else if (Date.now() - progress.at > STALLED_MS)
      throw new Error(`import bench: job ${location} stalled at ${record.rowsDone} rows`);
    await sleep(250);
  }
  if (record.status !== "completed")
    throw new Error(`import bench: job ${location} ended ${record.status}: ${record.error}`);
  const seconds = (Date.parse(record.finishedAt) - Date.parse(record.createdAt)) / 1000;
  return { path: "job", record, seconds, observedSeconds: secondsSince(t0), uploadSeconds };
}

/** The Worker's, the dev proxy's and this process's resident memory, every 200 ms. */
export function sampleMemory(api) {
  const workerd = workerdProcesses(api.pid, new URL(api.origin).port);
  if (workerd.worker.length !== 1)
    throw new Error(`expected one workerd running the Worker, found ${workerd.worker.length}`);
  const now = () => ({
    worker: rssKiB(workerd.worker),
    // The Worker's own memory, apart from mapped files (bench/README.md, "Soak").
    workerAnon: statusKiB(workerd.worker, "RssAnon"),
    proxy: rssKiB(workerd.proxy),
    node: process.memoryUsage().rss / 1024,
  });
  const before = now();
  const peak = { ...before };
  const timer = setInterval(() => {
    try {
      for (const [key, kib] of Object.entries(now())) peak[key] = Math.max(peak[key], kib);
    } catch {
      // A process gone (workerd crashed): the import's requests fail and say so.
      clearInterval(timer);
    }
  }, 200);
  return () => {
    clearInterval(timer);
    return {
      workerdPid: workerd.worker[0],
      workerdBeforeMiB: mib(before.worker),
      workerdPeakMiB: mib(peak.worker),
      workerdAnonBeforeMiB: mib(before.workerAnon),
      workerdAnonPeakMiB: mib(peak.workerAnon),
      /** VmHWM: the highest the Worker's RSS has been since it started, between samples too. */
      workerdLifetimePeakMiB: mib(statusKiB(workerd.worker, "VmHWM")),
      proxyBeforeMiB: mib(before.proxy),
      proxyPeakMiB: mib(peak.proxy),
      nodeBeforeMiB: mib(before.node),
      nodePeakMiB: mib(peak.node),
    };
  };
}

/**
 * What an admin's dashboard would see meanwhile: `GET /products?limit=1` every 2 s, each
 * waited for, until stopped; how long each took.
 */
export function readWhile(call) {
  const latencies = [];
  let stopped = false;
  // Kept, not thrown as it happens: an unhandled rejection would end the bench with the
  // dev server still running.
  let failure = null;
  const loop = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      await (await call("GET", "/products?limit=1")).arrayBuffer();
      latencies.push(performance.now() - t0);
      await sleep(2000);
    }
  })().catch((error) => {
    failure = error;
  });
  return async () => {
    stopped = true;
    await loop;
    if (failure) throw failure;
    return { latenciesMs: latencies.map(Math.round), maxMs: Math.round(Math.max(0, ...latencies)) };
  };
}
