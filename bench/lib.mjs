// What the benchmarks share (bench/run.mjs, bench/scale.mjs, bench/soak.mjs): a fresh local
// D1 with a data set loaded, `wrangler dev` on a free port, signing in, and one
// autocannon run summarised as the tables print it.
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { BENCH_PASSWORD, benchSeedSql, STANDARD } from "./seed.mjs";

const require = createRequire(import.meta.url);
// autocannon reports p50/p90/p97.5/p99; the tables want p95 too.
require(
  require.resolve("hdr-histogram-percentiles-obj", { paths: [require.resolve("autocannon")] }),
).percentiles.push(95);

export const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };

export const wrangler = (args) =>
  execFileSync("npx", ["wrangler", ...args], { env, stdio: "pipe", maxBuffer: 64 * 1024 * 1024 });

/** The local D1's SQLite file under a `--persist-to` folder, and its size with its WAL. */
export function d1File(state) {
  const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
  const [name] = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!name) throw new Error(`no D1 database in ${dir}`);
  const path = join(dir, name);
  const sizeOf = (file) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  return { path, bytes: sizeOf(path) + sizeOf(`${path}-wal`) };
}

/**
 * Applies the migrations to a fresh local D1 in `state` and loads a data set of `size`
 * (bench/seed.mjs); how long loading took (migrations apart) and the database's size.
 */
export function seedDatabase(state, size = STANDARD) {
  wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  const seedFile = join(state, "seed.sql");
  writeFileSync(seedFile, benchSeedSql(size));
  const started = performance.now();
  wrangler(["d1", "execute", "DB", "--local", "--persist-to", state, "--file", seedFile, "--yes"]);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  return { seconds, bytes: d1File(state).bytes };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Whether `wrangler dev`'s output says it serves the Worker it will keep serving. With a
 * `[build]` command (the API's wrangler.toml), wrangler runs the build a second time once
 * its file watcher is ready, and reloads the Worker after it, sometimes after "Ready on":
 * a POST in flight during that reload fails with a 503 from the dev proxy ("Your worker
 * restarted mid-request"). So the server is taken as ready once it is up after the last
 * build and the last reload.
 */
function settled(output) {
  const ready = output.lastIndexOf("Ready on");
  if (ready === -1) return false;
  const builds = output.split("[custom build] Running").length - 1;
  if (builds === 1) return false;
  const up = Math.max(ready, output.lastIndexOf("Local server updated and ready"));
  return (
    up > output.lastIndexOf("[custom build] Running") &&
    up > output.lastIndexOf("Reloading local server")
  );
}

/**
 * `wrangler dev` with `args` on a free port; `pid` leads its process group (workerd
 * included). With `devtools: false`, bench/dev-server.mjs instead: the same dev server
 * without the DevTools inspector or the build watcher (it takes `-c` and `--persist-to`).
 */
export async function serve(args, label, { devtools = true } = {}) {
  const port = await freePort();
  const [command, ...commandArgs] = devtools
    ? ["npx", "wrangler", "dev"]
    : [process.execPath, "bench/dev-server.mjs"];
  const isUp = devtools
    ? settled
    : (/** @type {string} */ output) => output.includes("bench dev server: serving on");
  const child = spawn(
    /** @type {string} */ (command),
    [...commandArgs, ...args, "--port", String(port), "--ip", "127.0.0.1"],
    {
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  let recent = "";
  /** The Worker's error log lines (the last 50), which per-request lines would push out of `recent`. */
  const errors = [];
  await new Promise((resolve, reject) => {
    const started = Date.now();
    let readyAt = 0;
    // Checked on a timer too: the output may say nothing more once the server is up.
    const poll = setInterval(() => {
      if (!readyAt && output.includes("Ready on")) readyAt = Date.now();
      // Without a second build 15 s after "Ready on", the watcher will not run one.
      if (isUp(output) || (devtools && readyAt && Date.now() - readyAt > 15_000)) {
        clearInterval(poll);
        // The dev proxy resumes forwarding just after the server reports ready.
        setTimeout(resolve, 500);
      } else if (Date.now() - started > 120_000) {
        clearInterval(poll);
        reject(new Error(`${label} did not start:\n${output}`));
      }
    }, 250);
    child.on("exit", (code) => {
      clearInterval(poll);
      reject(new Error(`${label} exited with ${code}:\n${output}`));
    });
    const onData = (chunk) => {
      // The API logs a line per request: keep the start-up text and the last 20 kB.
      if (output.length < 100_000) output += chunk;
      recent = (recent + chunk).slice(-20_000);
      for (const line of String(chunk).split("\n")) {
        if (!line.includes('"level":"error"')) continue;
        errors.push(line);
        if (errors.length > 50) errors.shift();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: /** @type {number} */ (child.pid),
    recent: () => recent,
    errors: () => [...errors],
    /** Ends the whole process group; resolves once wrangler has exited. */
    stop: () => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const exited = new Promise((resolve) => child.once("exit", resolve));
      if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      return exited;
    },
  };
}

/**
 * The workerd processes under `root` (the `wrangler dev` process group), from /proc: the
 * one listening on `port` is wrangler's dev proxy, the other runs the Worker and its D1.
 */
export function workerdProcesses(root, port) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid …": comm may hold spaces, so read after its ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found = { worker: /** @type {number[]} */ ([]), proxy: /** @type {number[]} */ ([]) };
  const queue = [root];
  while (queue.length > 0) {
    const pid = /** @type {number} */ (queue.shift());
    for (const child of children.get(pid) ?? []) {
      queue.push(child);
      try {
        if (readFileSync(`/proc/${child}/comm`, "utf8").trim() !== "workerd") continue;
        const command = readFileSync(`/proc/${child}/cmdline`, "utf8");
        (command.includes(`entry=127.0.0.1:${port}`) ? found.proxy : found.worker).push(child);
      } catch {
        // Gone.
      }
    }
  }
  return found;
}

/**
 * A field of /proc/PID/status (kB) summed over `pids`: VmRSS, VmHWM (the peak RSS since
 * the process started), RssAnon, RssFile, RssShmem.
 */
export const statusKiB = (pids, field) =>
  pids.reduce((total, pid) => {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
      readFileSync(`/proc/${pid}/status`, "utf8"),
    );
    return total + Number(match?.[1] ?? 0);
  }, 0);
export const rssKiB = (pids) => statusKiB(pids, "VmRSS");

export const randomIp = () =>
  `10.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}.${((Math.random() * 254) | 0) + 1}`;

/**
 * @param {string} origin
 * @param {string} email
 * @param {string} ip  the client's address (CF-Connecting-IP), random unless given
 */
export async function signIn(origin, email, ip = randomIp()) {
  const response = await fetch(`${origin}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  });
  if (response.status !== 200)
    throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
  return /** @type {{ accessToken: string, refreshToken: string }} */ (await response.json());
}

export function roundTripsOf(response) {
  const match = /d1;desc="(\d+) round trips"/.exec(response.headers.get("Server-Timing") ?? "");
  return match ? Number(match[1]) : null;
}

/** One autocannon run (64 connections, 10 s unless told), summarised. */
export async function runAutocannon(name, { duration = 10, connections = 64, ...options }) {
  const result = await autocannon({ duration, connections, ...options });
  return {
    name,
    connections,
    seconds: duration,
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p95Ms: result.latency.p95,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    serverErrors: result["5xx"],
  };
}

export const pick = (list) => list[(Math.random() * list.length) | 0];

/** The machine a run measured: results are only comparable on the same one. */
export function machineInfo() {
  const require = createRequire(import.meta.url);
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    wrangler: JSON.parse(readFileSync(require.resolve("wrangler/package.json"), "utf8")).version,
    date: new Date().toISOString(),
  };
}
