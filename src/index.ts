import { createApp } from "./app";
import { dailyHousekeeping } from "./db/maintenance";

const app = createApp();

export default {
  fetch: app.fetch,
  // [triggers] crons in wrangler.toml: daily housekeeping.
  scheduled: async (_controller, env, _ctx) => {
    const purged = await dailyHousekeeping(env.DB);
    console.log(JSON.stringify({ level: "info", message: "scheduled", purged }));
  },
} satisfies ExportedHandler<Env>;
