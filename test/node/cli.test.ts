import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
let state: string;

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "portafolio-cli-"));
});
afterAll(() => rm(state, { recursive: true, force: true }));

async function userCreate(...args: string[]) {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "scripts/user-create.ts", ...args], {
      env: { ...process.env, PORTAFOLIO_PERSIST_TO: state },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe("npm run user:create", () => {
  it("creates a user, then refuses the same email in another case with a clear message", async () => {
    const created = await userCreate(
      "--email",
      "Jefa@Example.co",
      "--password",
      "una clave de jefa segura",
      "--role",
      "admin",
    );
    expect(created.code).toBe(0);
    expect(created.output).toMatch(/Created admin jefa@example\.co/);
    const again = await userCreate(
      "--email",
      "jefa@example.co",
      "--password",
      "una clave de jefa segura",
      "--role",
      "admin",
    );
    expect(again.code).toBe(1);
    expect(again.output).toContain("a user with email jefa@example.co already exists");
  });

  it("rejects invalid input before touching the database", async () => {
    const bad = await userCreate(
      "--email",
      "ok@example.co",
      "--password",
      "short",
      "--role",
      "admin",
    );
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/--password: Use at least 12 characters/);
    const role = await userCreate(
      "--email",
      "ok@example.co",
      "--password",
      "long enough pass",
      "--role",
      "king",
    );
    expect(role.code).toBe(1);
    expect(role.output).toMatch(/--role/);
  });
});
