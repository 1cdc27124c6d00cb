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

const env = () => ({
  ...process.env,
  PORTAFOLIO_PERSIST_TO: state,
  WRANGLER_SEND_METRICS: "false",
});

/** Runs the script with `input` as its standard input (a pipe, never a terminal). */
function userCreate(args: string[], input = ""): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "scripts/user-create.ts", ...args], { env: env() });
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

/** The stored hash, read back through wrangler the way scripts/d1.ts writes it. */
async function storedHash(email: string): Promise<string | undefined> {
  const { stdout } = await run(
    "npx",
    [
      "wrangler",
      "d1",
      "execute",
      "DB",
      "--local",
      "--persist-to",
      state,
      "--json",
      "--command",
      `select password_hash from users where email = '${email}'`,
    ],
    { env: env() },
  );
  const [first] = JSON.parse(stdout) as { results: { password_hash: string }[] }[];
  return first?.results[0]?.password_hash;
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
