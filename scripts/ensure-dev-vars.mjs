// Run by `npm run dev`: makes sure .dev.vars (git-ignored) holds every local secret the
// Worker needs, adding a fresh one for each that is missing, so a newcomer needs no manual
// setup, an older checkout picks up secrets added since, and no secret is ever committed.
import { readFile, writeFile } from "node:fs/promises";
import { generateHmacKey, generateSigningKey } from "./keys.mjs";

const path = new URL("../.dev.vars", import.meta.url);
const existing = await readFile(path, "utf8").catch(() => null);
/** @param {string} name */
const has = (name) => existing !== null && new RegExp(`^${name}=`, "m").test(existing);

const added = [];
if (!has("JWT_PRIVATE_KEY")) {
  const { privateJwk } = await generateSigningKey();
  added.push(`JWT_PRIVATE_KEY='${JSON.stringify(privateJwk)}'`);
}
if (!has("IDEMPOTENCY_HMAC_KEY")) added.push(`IDEMPOTENCY_HMAC_KEY='${generateHmacKey()}'`);

if (added.length > 0) {
  const header =
    existing ??
    "# Local-only secrets for wrangler dev (git-ignored). Delete this file to get new ones.\n";
  const separator = header.endsWith("\n") ? "" : "\n";
  await writeFile(path, `${header}${separator}${added.join("\n")}\n`, { mode: 0o600 });
  const names = added.map((line) => line.slice(0, line.indexOf("=")));
  console.log(`.dev.vars: added a fresh local ${names.join(" and ")}`);
}
