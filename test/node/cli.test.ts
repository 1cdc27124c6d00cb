import { execFile, spawn, spawnSync } from "node:child_process";
import { timingSafeEqual } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../src/auth/passwords";

const run = promisify(execFile);
let state: string;

beforeAll(async () => {
  // verifyPassword runs in workerd, whose WebCrypto has timingSafeEqual; Node keeps it
  // in node:crypto. Give this Node process the Workers method the stored hash is checked with.
  const view = (bytes: ArrayBuffer | ArrayBufferView) =>
    ArrayBuffer.isView(bytes)
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : new Uint8Array(bytes);
  crypto.subtle.timingSafeEqual ??= (a, b) => timingSafeEqual(view(a), view(b));
  state = await mkdtemp(join(tmpdir(), "portafolio-cli-"));
});
afterAll(() => rm(state, { recursive: true, force: true }));

const env = (persistTo = state) => ({
  ...process.env,
  PORTAFOLIO_PERSIST_TO: persistTo,
  WRANGLER_SEND_METRICS: "false",
});

/**
 * Runs a script of scripts/ on the local state in `persistTo`, with `input` as its
 * standard input (a pipe, never a terminal); stdout and stderr as one output.
 */
function script(
  file: string,
  args: string[],
  { input = "", persistTo = state }: { input?: string; persistTo?: string } = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", `scripts/${file}`, ...args], { env: env(persistTo) });
    let output = "";
    child.stdout.on("data", (data) => {
      output += data;
    });
    child.stderr.on("data", (data) => {
      output += data;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
    // The script may exit before reading its input; that is not an error here.
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}

const userCreate = (args: string[], input = "") => script("user-create.ts", args, { input });

/**
 * Runs the script in a pseudo-terminal (util-linux `script`), typing each answer once its
 * prompt appears. `script` leaves echo on in the terminal when its own input is a pipe, so
 * anything the script does not hide shows up in the output.
 */
function userCreateInTerminal(
  args: string[],
  answers: string[],
): Promise<{ code: number | null; output: string }> {
  const prompts = ["Password: ", "Repeat password: "];
  const command = ["npx", "tsx", "scripts/user-create.ts", ...args]
    .map((a) => `'${a.replaceAll("'", `'\\''`)}'`)
    .join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], { env: env() });
    const timer = setTimeout(() => child.kill(), 45_000);
    let output = "";
    let answered = 0;
    const onData = (data: Buffer) => {
      output += data;
      let seen = 0;
      for (const prompt of prompts) if (output.includes(prompt)) seen++;
      while (answered < Math.min(seen, answers.length))
        child.stdin.write(`${answers[answered++]}\r`);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      child.stdin.end();
      resolve({ code, output });
    });
    child.stdin.on("error", () => {});
  });
}

/** Runs SQL (one or more statements) on the local D1 in `persistTo`: the last one's rows. */
async function sql<Row = Record<string, unknown>>(persistTo: string, command: string) {
  const { stdout } = await run(
    "npx",
    [
      "wrangler",
      "d1",
      "execute",
      "DB",
      "--local",
      "--persist-to",
      persistTo,
      "--json",
      "--command",
      command,
    ],
    { env: env(persistTo) },
  );
  const results = JSON.parse(stdout) as { results: Row[] }[];
  return results.at(-1)?.results ?? [];
}

/** The stored hash, read back through wrangler the way scripts/d1.ts writes it. */
async function storedHash(email: string): Promise<string | undefined> {
  const [row] = await sql<{ password_hash: string }>(
    state,
    `select password_hash from users where email = '${email}'`,
  );
  return row?.password_hash;
}

const hasScript = spawnSync("script", ["--version"]).status === 0;

// Each user created costs two wrangler runs (migrations, insert): give them room under load.
describe("npm run user:create", { timeout: 120_000 }, () => {
  it("creates a user, then refuses the same email in another case with a clear message", async () => {
    const password = "una clave de jefa segura";
    const created = await userCreate(
      ["--email", "Jefa@Example.co", "--role", "admin", "--password-stdin"],
      password,
    );
    expect(created.code).toBe(0);
    expect(created.output).toMatch(/Created admin jefa@example\.co/);
    expect(created.output).not.toContain(password);
    const again = await userCreate(
      ["--email", "jefa@example.co", "--role", "admin", "--password-stdin"],
      password,
    );
    expect(again.code).toBe(1);
    expect(again.output).toContain("a user with email jefa@example.co already exists");
  });

  it("rejects invalid input before touching the database", async () => {
    const bad = await userCreate(
      ["--email", "ok@example.co", "--role", "admin", "--password-stdin"],
      "short",
    );
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/ {2}password: Use at least 12 characters/);
    const role = await userCreate(
      ["--email", "ok@example.co", "--role", "king", "--password-stdin"],
      "long enough pass",
    );
    expect(role.code).toBe(1);
    expect(role.output).toMatch(/--role/);
    expect(await storedHash("ok@example.co")).toBeUndefined();
  });

  it("refuses --password on the command line without repeating it", async () => {
    const password = "una clave que no debe salir";
    for (const args of [
      ["--email", "argv@example.co", "--password", password, "--role", "admin"],
      ["--email", "argv@example.co", `--password=${password}`, "--role", "admin"],
      ["--email", "argv@example.co", "--role", "admin", "--password-stdin", "--password", password],
    ]) {
      const refused = await userCreate(args, password);
      expect(refused.code).toBe(1);
      expect(refused.output).toMatch(/--password is not accepted/);
      expect(refused.output).toContain("--password-stdin");
      expect(refused.output).not.toContain(password);
    }
    expect(await storedHash("argv@example.co")).toBeUndefined();
  });

  it("without a terminal and without --password-stdin, says to use --password-stdin", async () => {
    const result = await userCreate(["--email", "pipe@example.co", "--role", "admin"], "x\n");
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/not a terminal/);
    expect(result.output).toContain("--password-stdin");
  });

  it.each([
    ["\\n", "newline@example.co", "una clave con salto\n", "una clave con salto"],
    ["\\r\\n", "crlf@example.co", "una clave con retorno\r\n", "una clave con retorno"],
    [
      "only one \\n",
      "twice@example.co",
      "  una clave con espacios \n\n",
      "  una clave con espacios \n",
    ],
  ])("--password-stdin strips a trailing %s", async (_, email, piped, password) => {
    const created = await userCreate(
      ["--email", email, "--role", "seller", "--password-stdin"],
      piped,
    );
    expect(created.code).toBe(0);
    expect(created.output).toContain(`Created seller ${email}`);
    const hash = await storedHash(email);
    expect(hash).toMatch(/^pbkdf2-sha256\$/);
    expect(await verifyPassword(password, hash!)).toBe(true);
    expect(await verifyPassword(piped, hash!)).toBe(false);
  });

  describe.skipIf(!hasScript)("on a terminal (util-linux script)", () => {
    it("asks twice without echo and stores the password typed", async () => {
      const password = "una clave tecleada en la terminal";
      const result = await userCreateInTerminal(
        ["--email", "tty@example.co", "--role", "admin"],
        [password, password],
      );
      expect(result.output).toContain("Password: ");
      expect(result.output).toContain("Repeat password: ");
      expect(result.output).not.toContain(password);
      expect(result.code).toBe(0);
      expect(result.output).toContain("Created admin tty@example.co");
      const hash = await storedHash("tty@example.co");
      expect(await verifyPassword(password, hash!)).toBe(true);
    });

    it("fails when the two passwords differ", async () => {
      const result = await userCreateInTerminal(
        ["--email", "typo@example.co", "--role", "admin"],
        ["una clave tecleada en la terminal", "una clave tecleada en la termianl"],
      );
      expect(result.code).toBe(1);
      expect(result.output).toContain("the passwords do not match");
      expect(result.output).not.toContain("una clave");
      expect(await storedHash("typo@example.co")).toBeUndefined();
    });
  });
});

/** Runs `wrangler kv` on the SESSIONS namespace in `persistTo`. */
async function kv(persistTo: string, args: string[]) {
  const { stdout } = await run(
    "npx",
    ["wrangler", "kv", ...args, "--binding", "SESSIONS", "--local", "--persist-to", persistTo],
    { env: env(persistTo) },
  );
  return stdout;
}

const demoId = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const demoEmails = [
  "admin@portafolio.local",
  "analista@portafolio.local",
  "soporte@portafolio.local",
  "vendedor@portafolio.local",
];
type ProductRow = {
  id: string;
  sku: string;
  name: string;
  version: number;
  updated_at: string;
  deleted_at: string | null;
};
const products = async (persistTo: string) =>
  Object.fromEntries(
    (
      await sql<ProductRow>(
        persistTo,
        "select id, sku, name, version, updated_at, deleted_at from products order by id",
      )
    ).map((p) => [p.id, p]),
  );

// Each reset or seed is a few wrangler runs (migrations, the batch): room under load.
describe("npm run db:reset and npm run db:seed", { timeout: 180_000 }, () => {
  let data: string;
  beforeAll(async () => {
    // A state directory of its own, never the developer's .wrangler/state.
    data = await mkdtemp(join(tmpdir(), "portafolio-reset-"));
  });
  afterAll(() => rm(data, { recursive: true, force: true }));

  it("db:reset refuses --remote and touches nothing", async () => {
    const refused = await script("reset.ts", ["--remote"], { persistTo: data });
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/db:reset: refused/);
    expect(refused.output).not.toMatch(/deleted/);
  });

  it("db:reset works when there is no local state yet: migrations, then the demo data", async () => {
    const reset = await script("reset.ts", [], { persistTo: data });
    expect(reset.output).toContain("no local D1 database yet");
    expect(reset.output).toContain("no local KV (refresh tokens) yet");
    expect(reset.output).toContain("Seeded");
    expect(reset.output).toContain("db:reset: done");
    expect(reset.code).toBe(0);
    const users = await sql<{ email: string }>(data, "select email from users order by email");
    expect(users.map((u) => u.email)).toEqual(demoEmails);
  });

  it("re-running db:seed restores a deleted and a renamed demo product, and leaves other rows be", async () => {
    const before = await products(data);
    await sql(
      data,
      `update products set deleted_at = '2026-01-01T00:00:00.000Z', version = version + 1 where id = '${demoId(100)}';
       update products set name = 'Otro nombre', version = version + 1 where id = '${demoId(101)}';
       insert into products (id, sku, name, category, unit, price, created_at, updated_at)
         values ('not-demo', 'OTRO-1', 'No es demo', 'otros', 'unit', 100, '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z');`,
    );
    const seed = await script("seed.ts", [], { persistTo: data });
    expect(seed.output).toContain("Seeded");
    expect(seed.code).toBe(0);
    const after = await products(data);
    expect(after[demoId(100)]).toMatchObject({ name: "Gaseosa cola 350 ml", deleted_at: null });
    expect(after[demoId(101)]).toMatchObject({ name: "Agua sin gas 600 ml", deleted_at: null });
    for (const n of [100, 101]) {
      // A version past the API's change: an ETag taken before or after it no longer matches.
      expect(after[demoId(n)]!.version).toBe(before[demoId(n)]!.version + 2);
      expect(after[demoId(n)]!.updated_at > before[demoId(n)]!.updated_at).toBe(true);
    }
    expect(after["not-demo"]).toEqual({
      id: "not-demo",
      sku: "OTRO-1",
      name: "No es demo",
      version: 1,
      updated_at: "2026-01-02T00:00:00.000Z",
      deleted_at: null,
    });
    expect(Object.keys(after)).toHaveLength(6);
  });

  it("db:seed names the row holding a sku a deleted demo product needs back, and changes nothing", async () => {
    await sql(
      data,
      `update products set deleted_at = '2026-01-01T00:00:00.000Z' where id = '${demoId(102)}';
       insert into products (id, sku, name, category, unit, price)
         values ('took-the-sku', 'ABA-ARROZ-1K', 'Otro arroz', 'abarrotes', 'kg', 100);`,
    );
    const before = await products(data);
    const seed = await script("seed.ts", [], { persistTo: data });
    expect(seed.code).toBe(1);
    expect(seed.output).toContain("nothing changed");
    expect(seed.output).toContain("products took-the-sku: sku 'ABA-ARROZ-1K'");
    expect(seed.output).toContain("npm run db:reset");
    expect(seed.output).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(await products(data)).toEqual(before);
  });

  it("db:reset leaves exactly the seeded rows: other rows, sessions and KV records are gone", async () => {
    await sql(
      data,
      `insert into users (id, email, first_name, last_name, role, password_hash, password_changed_at)
         values ('extra-user', 'extra@example.co', 'E', 'X', 'seller', 'x', '2026-01-01T00:00:00.000Z');
       insert into sessions (id, user_id, token_hash, created_at, last_used_at, expires_at)
         values ('s1', 'extra-user', 'h', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z');`,
    );
    await kv(data, ["key", "put", "refresh:left-over", "{}"]);
    const reset = await script("reset.ts", [], { persistTo: data });
    expect(reset.output).toContain("deleted the local D1 database");
    expect(reset.output).toContain("deleted the local KV (refresh tokens)");
    expect(reset.code).toBe(0);
    const [counts] = await sql(
      data,
      `select ${[
        "users",
        "products",
        "portfolios",
        "portfolio_items",
        "establishments",
        "establishment_sellers",
        "sessions",
        "audit_events",
        "idempotency_keys",
      ]
        .map((t) => `(select count(*) from ${t}) as ${t}`)
        .join(", ")}`,
    );
    expect(counts).toEqual({
      users: 4,
      products: 5,
      portfolios: 1,
      portfolio_items: 5,
      establishments: 3,
      establishment_sellers: 3,
      sessions: 0,
      audit_events: 0,
      idempotency_keys: 0,
    });
    const users = await sql<{ email: string }>(data, "select email from users order by email");
    expect(users.map((u) => u.email)).toEqual(demoEmails);
    const fresh = Object.values(await products(data));
    expect(fresh.every((p) => p.version === 1 && p.deleted_at === null)).toBe(true);
    expect(JSON.parse(await kv(data, ["key", "list"]))).toEqual([]);
  });
});
