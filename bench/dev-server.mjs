// `node bench/dev-server.mjs [-c CONFIG] --persist-to DIR --port N --ip ADDR`: a Worker (the
// API unless told) as `wrangler dev`
// serves it — wrangler's own dev server (its proxy, Miniflare, workerd, the same bindings
// and local state), started through wrangler's API — with two things off that the CLI
// cannot turn off, for the soak (bench/soak.mjs):
// - the DevTools inspector: with it, wrangler relays every runtime event (each console
//   line, each D1 query with its response body) to an inspector proxy that keeps them all
//   until a DevTools window attaches, so under sustained load its memory only grows, and
//   here it also reset connections to the Worker (503 "Your worker restarted mid-request");
// - the `[build]` watcher, whose first run rebuilds and reloads the Worker after start-up.
//   The build itself (the docs UI assets, the dashboard, the OpenAPI document) runs once
//   here instead.
import { execFileSync } from "node:child_process";
import { unstable_startWorker } from "wrangler";
import { buildDashboard } from "../scripts/build-dashboard.mjs";
import { copyDocsAssets } from "../scripts/copy-docs-assets.mjs";

const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  if (index !== -1) return /** @type {string} */ (process.argv[index + 1]);
  if (fallback === undefined) throw new Error(`bench/dev-server.mjs: ${name} is required`);
  return fallback;
};

await Promise.all([copyDocsAssets(), buildDashboard()]);
execFileSync("npx", ["tsx", "scripts/build-openapi.ts"], { stdio: "inherit" });
const worker = await unstable_startWorker({
  config: option("-c", "wrangler.toml"),
  build: { custom: { command: "" } },
  dev: {
    inspector: false,
    persist: option("--persist-to"),
    server: { hostname: option("--ip"), port: Number(option("--port")) },
  },
});
await worker.ready;
console.log(`bench dev server: serving on ${(await worker.url).href}`);
process.on("SIGTERM", () => {
  void worker.dispose().finally(() => process.exit(0));
});
