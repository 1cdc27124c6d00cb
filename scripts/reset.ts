// npm run db:reset — starts the LOCAL data over: deletes the local D1 database and KV
// namespaces (refresh tokens) that `wrangler dev` and `--local` commands keep under
// .wrangler/state/v3, then `npm run db:seed` applies the migrations to a new database and
// writes the demo data. Nothing remote is ever touched.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { localStateDir } from "./d1";

const args = process.argv.slice(2);
if (args.includes("--remote")) {
  console.error("db:reset: refused. It deletes the local data only; there is no --remote.");
  process.exit(1);
}
if (args.length) {
  console.error(`db:reset: unknown argument ${args[0]} (usage: npm run db:reset)`);
  process.exit(1);
}

const state = localStateDir();
const stores = [
  { dir: join(state, "v3", "d1"), what: "local D1 database" },
  { dir: join(state, "v3", "kv"), what: "local KV (refresh tokens)" },
];
const shown = (dir: string) => {
  const path = relative(process.cwd(), dir);
  return path && !path.startsWith("..") ? path : dir;
};

/**
 * Processes with a file open under `dirs` (Linux: /proc; elsewhere none are found). A
 * running `wrangler dev` keeps its SQLite files open: deleted under it, it would go on
 * serving the old data from files no one else sees.
 */
function holders(dirs: string[]): string[] {
  if (!existsSync("/proc/self/fd")) return [];
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const open = readdirSync(`/proc/${pid}/fd`).map((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return "";
        }
      });
      if (open.some((file) => dirs.some((dir) => file.startsWith(dir + sep)))) {
        const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
        found.push(`  pid ${pid}: ${command.trim().slice(0, 120)}`);
      }
    } catch {
      // Another user's process, or one that just ended.
    }
  }
  return found;
}

const inUse = holders(stores.filter((s) => existsSync(s.dir)).map((s) => realpathSync(s.dir)));
if (inUse.length) {
  console.error(
    "db:reset: nothing deleted. These processes have the local state open (stop `npm run dev` first):",
  );
  for (const line of inUse) console.error(line);
  process.exit(1);
}

for (const { dir, what } of stores) {
  if (existsSync(dir)) {
    rmSync(dir, { recursive: true, force: true });
    console.log(`db:reset: deleted the ${what}: ${shown(dir)}`);
  } else {
    console.log(`db:reset: no ${what} yet (${shown(dir)}): nothing to delete`);
  }
}

console.log("db:reset: applying the migrations to a new local database and seeding it…");
const seed = spawnSync("npx", ["tsx", fileURLToPath(new URL("seed.ts", import.meta.url))], {
  stdio: "inherit",
});
if (seed.status !== 0) {
  console.error(
    "db:reset: the local data was deleted, but the seed failed (above): fix that, then run `npm run db:seed`.",
  );
  process.exit(1);
}
console.log("db:reset: done. The local D1 holds only the demo data above; the local KV is empty.");
