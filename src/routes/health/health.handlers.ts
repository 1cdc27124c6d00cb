import { sql } from "drizzle-orm";
import { version } from "../../../package.json";
import * as Status from "../../lib/http-status";
import { ApiError } from "../../lib/problem";
import type { AppRouteHandler } from "../../lib/types";
import type * as routes from "./health.routes";

const PROBE_TIMEOUT_MS = 2_000;

export const liveness: AppRouteHandler<typeof routes.liveness> = (c) =>
  c.json({ status: "ok" as const, version }, Status.OK);

async function answers(probe: () => Promise<unknown>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

export const readiness: AppRouteHandler<typeof routes.readiness> = async (c) => {
  const [d1, kv] = await Promise.all([
    answers(() => c.var.db.run(sql`select 1`)),
    // A read of a key that never exists: proves KV answers without writing anything.
    answers(() => c.env.SESSIONS.get("health:probe")),
  ]);
  if (!d1 || !kv) {
    const down = [!d1 && "D1", !kv && "KV"].filter(Boolean).join(" and ");
    throw new ApiError("service-unavailable", {
      detail: { en: `${down} did not answer`, es: `${down.replace(" and ", " y ")} no respondió` },
      headers: { "Retry-After": "5" },
    });
  }
  return c.json(
    { status: "ok" as const, checks: { d1: "ok" as const, kv: "ok" as const } },
    Status.OK,
  );
};
