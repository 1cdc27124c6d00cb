import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      /** Read by vitest.config.mts, applied by test/setup.ts. */
      TEST_MIGRATIONS: D1Migration[];
    }
    /** Types `exports.default` from "cloudflare:workers" as the Worker entry. */
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}
