import { env } from "cloudflare:workers";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterEach, describe, expect, it, vi } from "vitest";
import { describeError } from "../src/request/error-log";
import { expectProblem, jsonBody } from "./support/http";
import { createProbeApp } from "./support/probe-app";

const probe = createProbeApp();

afterEach(() => vi.restoreAllMocks());

/** Every line written to console.error and console.log while `run` runs. */
async function captureLogs<T>(run: () => T | Promise<T>) {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  vi.spyOn(console, "error").mockImplementation(keep);
  vi.spyOn(console, "log").mockImplementation(keep);
  vi.spyOn(console, "warn").mockImplementation(keep);
  const result = await run();
  vi.restoreAllMocks();
  return { result, lines };
}

const SECRET_EMAIL = "secret-param@example.co";
const SECRET_TERM = "secret-search-term";

const failingQuery = (fail: "table" | "constraint", requestId: string, testEnv: Env = env) =>
  probe.request(
    `/api/v1/probe/failing-query?fail=${fail}&q=${SECRET_TERM}`,
    jsonBody({ email: SECRET_EMAIL }, { headers: { "X-Request-Id": requestId } }),
    testEnv,
  );

describe("a failed query is logged without its bound values", () => {
  for (const [fail, reason] of [
    ["table", /no such table: probe_missing_table/],
    ["constraint", /CHECK constraint failed/],
  ] as const) {
    it(`a ${fail} failure: the log has the request id and the database's complaint, not the parameters`, async () => {
      const requestId = `req-log-${fail}`;
      const { result: response, lines } = await captureLogs(() => failingQuery(fail, requestId));

      const body = await expectProblem(response, 500, "internal-error");
      expect(body.requestId).toBe(requestId);
      expect(JSON.stringify(body)).not.toMatch(
        /secret|SQLITE|probe_missing_table|Failed query|select|insert|at /i,
      );

      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).not.toContain(SECRET_EMAIL);
        expect(line).not.toContain(SECRET_TERM);
        expect(line).not.toMatch(/params:|Failed query/);
      }
      const errorLine = lines
        .map((l) => JSON.parse(l))
        .find((l) => l.message === "unhandled error");
      expect(errorLine).toMatchObject({
        level: "error",
        requestId,
        method: "POST",
        path: "/api/v1/probe/failing-query",
        error: expect.stringMatching(/^DrizzleQueryError ← /),
        reason: expect.stringMatching(reason),
      });
      expect(errorLine.stack.length).toBeGreaterThan(0);
      for (const frame of errorLine.stack) expect(frame).toMatch(/^at /);
    });
  }
});

describe("which failures are outages (503) is read from the cause chain", () => {
  /** A D1 whose statements reach the driver and fail there, as on a lost connection. */
  const d1Failing = (message: string) =>
    ({
      ...env,
      DB: {
        withSession: () => {
          const statement = {
            bind: () => statement,
            all: () => Promise.reject(new Error(message)),
            raw: () => Promise.reject(new Error(message)),
            run: () => Promise.reject(new Error(message)),
            first: () => Promise.reject(new Error(message)),
          };
          return {
            prepare: () => statement,
            batch: () => statement.all(),
            getBookmark: () => null,
          };
        },
      },
    }) as unknown as Env;

  it("a lost D1 connection under a Drizzle query answers 503 with Retry-After", async () => {
    const { result: response, lines } = await captureLogs(() =>
      failingQuery("table", "req-outage", d1Failing("D1_ERROR: Network connection lost.")),
    );
    await expectProblem(response, 503, "service-unavailable");
    expect(response.headers.get("Retry-After")).toBe("5");
    const errorLine = JSON.parse(lines.find((l) => l.includes("dependency unavailable"))!);
    expect(errorLine).toMatchObject({
      requestId: "req-outage",
      reason: expect.stringMatching(/Network connection lost/),
    });
    expect(lines.join("\n")).not.toContain(SECRET_EMAIL);
  });

  it("request data that reads like an outage cannot turn a bug into a 503", async () => {
    const { result: response } = await captureLogs(() =>
      probe.request(
        "/api/v1/probe/failing-query?q=network%20connection%20lost",
        jsonBody({ email: "timed out" }),
        env,
      ),
    );
    await expectProblem(response, 500, "internal-error");
  });
});

describe("describeError", () => {
  it("keeps nothing of a query error's message, even a value shaped like a stack frame", () => {
    const value = `x\n    at evil (${SECRET_EMAIL}:1:1)`;
    const cause = new Error("D1_ERROR: no such table: t: SQLITE_ERROR");
    const error = new DrizzleQueryError("select * from t where email = ?", [value], cause);
    const described = describeError(error);
    expect(JSON.stringify(described)).not.toContain("secret");
    expect(JSON.stringify(described)).not.toContain("select");
    expect(described.error).toBe("DrizzleQueryError ← Error");
    expect(described.reason).toBe("D1_ERROR: no such table: t: SQLITE_ERROR");
    expect(described.stack.every((frame) => frame.startsWith("at "))).toBe(true);
    expect(described.causeStack?.length).toBeGreaterThan(0);
  });

  it("also when the query error is wrapped in another error", () => {
    const query = new DrizzleQueryError("select ?", [SECRET_EMAIL], new Error("SQLITE_BUSY"));
    const described = describeError(new Error("could not list", { cause: query }));
    expect(JSON.stringify(described)).not.toContain("secret");
    expect(described).toMatchObject({
      error: "Error ← DrizzleQueryError ← Error",
      reason: "SQLITE_BUSY",
    });
  });

  it("stops at a cycle in the cause chain", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(describeError(a)).toMatchObject({ error: "Error ← Error", reason: "b" });
  });

  it("describes a thrown non-Error", () => {
    expect(describeError("plain")).toMatchObject({ error: "string", reason: "plain", stack: [] });
  });
});
