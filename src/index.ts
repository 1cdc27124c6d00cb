import { createApp } from "./app";
import { createDatabase } from "./db/client";
import { dailyHousekeeping } from "./db/maintenance";
import { OVERVIEW_REFRESH_CRON, refreshOverview } from "./db/stats";
import { now } from "./lib/clock";
import { resumeStalledImports } from "./request/import-run";

export { ImportWorkflow } from "./import-workflow";

const app = createApp();

export default {
  fetch: app.fetch,
  // [triggers] crons in wrangler.toml.
  scheduled: async (controller, env, _ctx) => {
    if (controller.cron === OVERVIEW_REFRESH_CRON) {
      // The analytics snapshot GET /stats/overview serves (docs/operations.md).
      const { generatedAt } = await refreshOverview(createDatabase(env.DB), now());
      console.log(JSON.stringify({ level: "info", message: "stats refreshed", generatedAt }));
      // Import jobs whose Workflow run stopped go on from their progress (docs/imports.md).
      const resumed = await resumeStalledImports(
        createDatabase(env.DB),
        env.IMPORT_JOBS,
        Date.now(),
      );
      if (resumed.length > 0) {
        console.log(JSON.stringify({ level: "info", message: "imports resumed", resumed }));
      }
      return;
    }
    const purged = await dailyHousekeeping(env.DB);
    console.log(JSON.stringify({ level: "info", message: "scheduled", purged }));
  },
} satisfies ExportedHandler<Env>;
