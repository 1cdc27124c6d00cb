// Stands in for zod's `../locales/index.js` (see [alias] in wrangler.toml): the Worker only
// speaks zod's default English messages, so `z.locales` / `core.locales` hold English alone.
export { default as en } from "zod/v4/locales/en.js";
