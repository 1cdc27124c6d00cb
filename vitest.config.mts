import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { buildDashboard } from "./scripts/build-dashboard.mjs";
import { buildOpenApiDocument } from "./scripts/build-openapi";
import { copyDocsAssets } from "./scripts/copy-docs-assets.mjs";
import { generateHmacKey, generateSigningKey } from "./scripts/keys.mjs";

export default defineConfig(async () => {
  // The test database is built by the same migrations as production.
  const migrations = await readD1Migrations("./migrations");
  // wrangler's [build] step does not run under vitest: copy the docs UI bundle, write the
  // OpenAPI document and build the dashboard here.
  await Promise.all([copyDocsAssets(), buildOpenApiDocument(), buildDashboard()]);
  // Tests sign with their own key, made fresh for each run.
  const { privateJwk } = await generateSigningKey();

  const inWorkerd = () =>
    cloudflareTest({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: migrations,
          JWT_PRIVATE_KEY: JSON.stringify(privateJwk),
          IDEMPOTENCY_HMAC_KEY: generateHmacKey(),
        },
      },
    });

  // Tests read the OpenAPI document the routes generate, prose included (src/lib/docs.ts).
  const define = { "globalThis.OPENAPI_DOCS": "true" };

  return {
    test: {
      // The per-request log line is asserted where it matters; elsewhere it is noise.
      onConsoleLog: (log: string) => !log.includes('"message":"request"'),
      projects: [
        {
          // Tests inside workerd, with real local D1 and KV, isolated per test file.
          plugins: [inWorkerd()],
          define,
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/node/**"],
            setupFiles: ["./test/setup.ts"],
          },
        },
        {
          // Tooling checks that need Node: drizzle-kit, the OpenAPI validator, docs.
          define,
          test: {
            name: "node",
            include: ["test/node/**/*.test.ts"],
            environment: "node",
            testTimeout: 60_000,
          },
        },
        {
          // What each layer of a request costs, timed inside workerd: `npm run bench:costs`
          // (not part of `npm test`; see docs/performance.md).
          plugins: [inWorkerd()],
          define,
          test: {
            name: "costs",
            include: ["bench/costs/**/*.test.ts"],
            setupFiles: ["./test/setup.ts"],
          },
        },
      ],
    },
  };
});
