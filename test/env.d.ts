import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      /** Read by vitest.config.mts, applied by test/setup.ts. */
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
