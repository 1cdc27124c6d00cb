// Starts `npm run dev` (the README's command) on a free port for end-to-end tests, and
// stops it afterwards. Local D1/KV state is wrangler's default under .wrangler/.
import { execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { after, before } from "node:test";
import { fetchJson } from "./http.mjs";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startDevServer() {
  const port = await freePort();
  const child = spawn("npm", ["run", "dev", "--", "--port", String(port), "--ip", "127.0.0.1"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  let output = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm run dev did not start:\n${output}`)),
      90_000,
    );
    const onData = (chunk) => {
      output += chunk;
      if (output.includes("Ready on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`npm run dev exited with ${code}:\n${output}`)));
  });
  return {
    origin: `http://localhost:${port}`,
    output: () => output,
    stop: () => {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    },
  };
}

/**
 * Creates accounts with the CLI an operator uses (`npm run user:create`), straight into
 * the local D1 that `npm run dev` serves: `{ role: email }`, one password for all.
 */
export function createAccounts(emailsByRole, password) {
  for (const [role, email] of Object.entries(emailsByRole)) {
    execFileSync(
      "npx",
      ["tsx", "scripts/user-create.ts", "--email", email, "--role", role, "--password-stdin"],
      { input: password, stdio: "pipe" },
    );
  }
}

/**
 * The usual e2e suite: accounts created, `npm run dev` started before the tests and
 * stopped after; `call(method, path, options)` under /api/v1 (test/e2e/http.mjs).
 */
export function devServerSuite(emailsByRole, password) {
  let dev;
  before(async () => {
    createAccounts(emailsByRole, password);
    dev = await startDevServer();
  });
  after(() => dev?.stop());
  return {
    /** The running server: its `origin` and `output()`. */
    server: () => dev,
    call: (method, path, options) => fetchJson(`${dev.origin}/api/v1${path}`, method, options),
  };
}
