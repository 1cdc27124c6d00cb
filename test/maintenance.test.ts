import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dailyHousekeeping } from "../src/db/maintenance";
import worker from "../src/index";
import { client, newProduct } from "./support/api";
import { actor, createUser, signIn } from "./support/auth";

const keysLeft = async () =>
  (await env.DB.prepare("select count(*) as n from idempotency_keys").first<{ n: number }>())?.n;

describe("scheduled housekeeping", () => {
  it("deletes Idempotency-Key records past their 7 days, and only those", async () => {
    const api = client((await actor("admin")).headers);
    await api.post("/products", newProduct(), { "Idempotency-Key": "fresh" });
    await api.post("/products", newProduct(), { "Idempotency-Key": "stale" });
    await env.DB.prepare(
      "update idempotency_keys set expires_at = '2000-01-01T00:00:00.000Z' where key = 'stale'",
    ).run();
    expect(await keysLeft()).toBe(2);
    await worker.scheduled(
      createScheduledController({ cron: "17 3 * * *" }),
      env,
      createExecutionContext(),
    );
    expect(await keysLeft()).toBe(1);
    const left = await env.DB.prepare("select key from idempotency_keys").first<{ key: string }>();
    expect(left?.key).toBe("fresh");
  });

  it("deletes sessions ended over 30 days ago, spent sign-in windows and networks unused for 90 days; keeps the rest", async () => {
    const user = await createUser();
    for (let i = 0; i < 4; i++) await signIn(user.email);
    const ids = (
      await env.DB.prepare("select id from sessions where user_id = ? order by id")
        .bind(user.id)
        .all<{ id: string }>()
    ).results.map((row) => row.id);
    const longAgo = "2000-01-01T00:00:00.000Z";
    await env.DB.batch([
      env.DB.prepare("update sessions set expires_at = ? where id = ?").bind(longAgo, ids[0]),
      env.DB.prepare(
        "update sessions set revoked_at = ?, revoked_reason = 'logout' where id = ?",
      ).bind(longAgo, ids[1]),
      // Revoked today: support still sees it for a while.
      env.DB.prepare(
        "update sessions set revoked_at = ?, revoked_reason = 'logout' where id = ?",
      ).bind(new Date().toISOString(), ids[2]),
      env.DB.prepare(
        "insert into sign_in_throttles values (?, '*', ?, 3), (?, '10.0.0.1', ?, 1)",
      ).bind(user.id, longAgo, user.id, new Date().toISOString()),
      env.DB.prepare("update known_networks set last_sign_in_at = ? where user_id = ?").bind(
        longAgo,
        user.id,
      ),
    ]);
    await worker.scheduled(
      createScheduledController({ cron: "17 3 * * *" }),
      env,
      createExecutionContext(),
    );
    const left = async (table: string, column: string) =>
      (
        await env.DB.prepare(`select ${column} as v from ${table} where user_id = ? order by 1`)
          .bind(user.id)
          .all<{ v: string }>()
      ).results.map((row) => row.v);
    expect(await left("sessions", "id")).toEqual([ids[2], ids[3]]);
    expect(await left("sign_in_throttles", "bucket")).toEqual(["10.0.0.1"]);
    expect(await left("known_networks", "network")).toEqual([]);
  });

  it("deletes token-refresh audit rows past their 14 days and expired temporary passwords; keeps every other audit row", async () => {
    const user = await createUser();
    const now = new Date("2026-03-20T12:00:00.000Z");
    const at = (days: number) => new Date(now.getTime() - days * 24 * 3600 * 1000).toISOString();
    const row = (id: string, action: string, occurredAt: string) =>
      env.DB.prepare(
        "insert into audit_events (id, occurred_at, action, entity_type, entity_id) values (?, ?, ?, 'user', ?)",
      ).bind(id, occurredAt, action, user.id);
    await env.DB.batch([
      row("old-refresh", "auth.refresh", at(15)),
      row("recent-refresh", "auth.refresh", at(13)),
      row("old-login", "auth.login", at(400)),
      env.DB.prepare("insert into password_resets values (?, 'r', 'h', ?, ?, null, null)").bind(
        user.id,
        at(1),
        at(0.5),
      ),
    ]);
    const removed = await dailyHousekeeping(env.DB, now);
    expect(removed).toMatchObject({ refreshAuditEvents: 1, passwordResets: 1 });
    const ids = (
      await env.DB.prepare(
        "select id from audit_events where id in ('old-refresh', 'recent-refresh', 'old-login') order by id",
      ).all<{ id: string }>()
    ).results.map((r) => r.id);
    expect(ids).toEqual(["old-login", "recent-refresh"]);
  });

  it("compacts the change log older than 30 days as a prefix, and moves the mark a cursor is checked against", async () => {
    const now = new Date("2030-06-01T00:00:00.000Z");
    const at = (days: number) => new Date(now.getTime() - days * 24 * 3600 * 1000).toISOString();
    const insert = (id: string, occurredAt: string) =>
      env.DB.prepare(
        "insert into changes (entity_type, entity_id, op, version, occurred_at) values ('product', ?, 'upsert', 1, ?)",
      ).bind(id, occurredAt);
    await env.DB.batch([insert("old-1", at(40)), insert("old-2", at(31)), insert("new", at(29))]);
    const seqOf = async (id: string) =>
      (
        await env.DB.prepare("select seq from changes where entity_id = ?")
          .bind(id)
          .first<{ seq: number }>()
      )?.seq;
    const lastOld = await seqOf("old-2");
    const removed = await dailyHousekeeping(env.DB, now);
    expect(removed.changes).toBeGreaterThanOrEqual(2);
    expect(await seqOf("old-1")).toBeUndefined();
    expect(await seqOf("old-2")).toBeUndefined();
    expect(await seqOf("new")).toBeGreaterThan(lastOld!);
    const mark = await env.DB.prepare(
      "select compacted_through as seq from change_log_state where id = 1",
    ).first<{ seq: number }>();
    expect(mark?.seq).toBe(lastOld);
    // Again: nothing more is old enough, and the mark never moves back.
    expect((await dailyHousekeeping(env.DB, now)).changes).toBe(0);
    expect(
      (
        await env.DB.prepare(
          "select compacted_through as seq from change_log_state where id = 1",
        ).first<{ seq: number }>()
      )?.seq,
    ).toBe(lastOld);
  });

  it("deletes the row outcomes of imports ended over 30 days ago and uploads abandoned while staged; keeps the imports", async () => {
    const now = new Date("2030-06-01T00:00:00.000Z");
    const at = (days: number) => new Date(now.getTime() - days * 24 * 3600 * 1000).toISOString();
    const importRow = (id: string, status: string, createdAt: string, finishedAt: string | null) =>
      env.DB.prepare(
        "insert into imports (id, entity, format, dry_run, status, created_at, updated_at, finished_at) values (?, 'products', 'csv', 0, ?, ?, ?, ?)",
      ).bind(id, status, createdAt, createdAt, finishedAt);
    const outcome = (id: string, row: number) =>
      env.DB.prepare(
        "insert into import_rows (import_id, row, outcome) values (?, ?, 'created')",
      ).bind(id, row);
    await env.DB.batch([
      importRow("old", "completed", at(40), at(31)),
      importRow("recent", "completed", at(5), at(5)),
      importRow("abandoned", "staging", at(2), null),
      importRow("uploading", "staging", at(0.01), null),
      outcome("old", 2),
      outcome("old", 3),
      outcome("recent", 2),
    ]);
    const removed = await dailyHousekeeping(env.DB, now);
    expect(removed).toMatchObject({ importRows: 2, abandonedUploads: 1 });
    const left = await env.DB.prepare("select id from imports order by id").all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual(["old", "recent", "uploading"]);
    const rows = await env.DB.prepare("select import_id as id from import_rows").all<{
      id: string;
    }>();
    expect(rows.results.map((r) => r.id)).toEqual(["recent"]);
  });
});
