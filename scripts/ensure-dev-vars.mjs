// Run by `npm run dev`: creates .dev.vars (git-ignored) with a fresh signing key when it
// is missing, so a newcomer needs no manual setup and no secret is ever committed.
import { access, writeFile } from "node:fs/promises";
import { generateSigningKey } from "./keys.mjs";

const path = new URL("../.dev.vars", import.meta.url);
try {
  await access(path);
} catch {
  const { privateJwk } = await generateSigningKey();
  await writeFile(
    path,
    `# Local-only secrets for wrangler dev (git-ignored). Delete this file to get a new key.\nJWT_PRIVATE_KEY='${JSON.stringify(privateJwk)}'\n`,
    { mode: 0o600 },
  );
  console.log(".dev.vars created with a fresh local signing key");
}
