import { and, eq, sql } from "drizzle-orm";
import type { SelectedFields, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";
import { uniqueViolation } from "../db/errors";
import { idempotencyKeys } from "../db/schema";
import type { SoftDeletedTable } from "../db/versions";
import { alreadyExists, createOnly, ifMatchVersions, nothingToMatch } from "../lib/etag";
import { ApiError } from "../lib/problem";
import { type Created, commitCreate, replayRecorded } from "./idempotent-create";
import { conflictOnUnique } from "./unique-conflict";
import { entityNames, noSuch, type Target } from "./versioned-write";

/*
 * PUT at an id the client made (an offline app mints its own UUIDv7s, so it keeps no map
 * from its ids to ours): create when the id is free, replace when it holds the caller's
 * row. A handler reads what is at the id (`putState`) in its one round trip of checks and
 * hands it to `createOrReplace`, which answers the preconditions, creates through
 * commitCreate (Idempotency-Key, audit and change-log rows exactly as POST) and leaves the
 * replace to the handler (through updateVersioned: nothing written when nothing differs).
 */

type PutTarget = Target<SoftDeletedTable>;

/** What a PUT found at its id (none when no row ever had it). */
export interface Found {
  version: number;
  /** Soft-deleted: the id is spent, ids are never reused. */
  deleted: number;
  /** The caller may reach the row: the target's WHERE (live, in their scope). */
  inReach: number;
  /** The caller's Idempotency-Key already holds an answer. */
  recorded: number;
}

/**
 * The row at a PUT's id in whatever state, with the `columns` the handler compares, for
 * the batch of the handler's checks. Aliased: D1 keys batch results by column name.
 */
export function putState<Columns extends SelectedFields>(
  c: Context,
  target: PutTarget,
  columns?: Columns,
) {
  const { table } = target;
  const key = c.req.header("Idempotency-Key");
  const recorded =
    key === undefined
      ? sql`0`
      : sql`exists (select 1 from ${idempotencyKeys} where ${and(
          eq(idempotencyKeys.userId, c.get("userId") ?? ""),
          eq(idempotencyKeys.key, key),
        )})`;
  return c.var.db
    .select({
      ...(columns as Columns),
      version: sql<number>`${table.version}`.mapWith(Number).as("put_version"),
      deleted: sql<number>`${table.deletedAt} is not null`.as("put_deleted"),
      inReach: sql<number>`${target.where}`.as("put_in_reach"),
      recorded: sql<number>`${recorded}`.as("put_recorded"),
    })
    .from(table as SQLiteTable)
    .where(eq(table.id, target.entityId));
}

export interface Put<T extends { version: number }, F extends Found> {
  /**
   * Whether the caller is told that the id belonged to a deleted row (409) rather than 404:
   * an admin, who may know what existed; anyone else is told nothing.
   */
  tellDeleted: boolean;
  /** What the handler's own checks of the body found wrong (a 400), if anything. */
  invalid?: ApiError;
  /** The create, when the id is free: what commitCreate writes. */
  create: () => Omit<Created<T>, "target">;
  /** The replace, when the id holds the caller's row and no precondition forbids it. */
  replace: (found: F) => Promise<Response>;
  /** The whole PUT once more: how a create that lost the race for its id is answered. */
  again: () => Promise<Response>;
}

/**
 * Answers a PUT from what it found at its id: the recorded answer of its Idempotency-Key
 * (replayed, as POST does, before anything else is judged), a 404 for a row out of the
 * caller's reach, a 409 for a deleted row's id, a 412 when If-Match finds nothing or
 * If-None-Match: * finds the row, a 400 from the handler's checks; else the create or the
 * replace.
 */
export async function createOrReplace<T extends { version: number }, F extends Found>(
  c: Context,
  target: PutTarget,
  found: F | undefined,
  put: Put<T, F>,
): Promise<Response> {
  ifMatchVersions(c); // A malformed If-Match is a 400, whatever is there.
  if (found?.recorded) {
    const replay = await replayRecorded(c);
    if (replay) return replay;
  }
  if (found === undefined) {
    if (c.req.header("If-Match") !== undefined) throw nothingToMatch();
  } else {
    if (found.deleted) throw put.tellDeleted ? spentId(target) : noSuch(target.entityType);
    if (!found.inReach) throw noSuch(target.entityType);
    if (createOnly(c)) throw alreadyExists(found.version);
  }
  if (put.invalid) {
    // With a row there, `recorded` already said whether a first answer is kept.
    if (found === undefined) return recordedOr(c, put.invalid);
    throw put.invalid;
  }
  if (found !== undefined) return put.replace(found);
  return createAt(c, { target, ...put.create() }, put.again);
}

/**
 * The recorded answer of the request's Idempotency-Key, else `refusal` thrown: how a create
 * whose own checks refuse it answers, so that the retry of a create that succeeded gets its
 * first answer, not a verdict on today's data (a product gone inactive since).
 */
export async function recordedOr(c: Context, refusal: ApiError): Promise<Response> {
  const replay = await replayRecorded(c);
  if (replay) return replay;
  throw refusal;
}

/**
 * Creates the row at the PUT's id. Two creates of one id race for its primary key: the
 * loser's batch fails whole and it is answered as the PUT that came second (`again` finds
 * the row: a replace, or 412 under If-None-Match: *). A unique value another row holds is
 * the 409 POST gives. Which index SQLite names when both are taken (two identical bodies
 * share a sku) is not ours to rely on, so the row itself is looked for.
 */
async function createAt<T extends { version: number }>(
  c: Context,
  created: Created<T>,
  again: () => Promise<Response>,
): Promise<Response> {
  const { target } = created;
  try {
    return await commitCreate(c, { ...created, target: { ...target, uniqueFields: undefined } });
  } catch (error) {
    if (uniqueViolation(error) === null) throw error;
    const { table } = target;
    const [taken] = await c.var.db
      .select({ id: table.id })
      .from(table as SQLiteTable)
      .where(eq(table.id, target.entityId));
    if (taken) return again();
    conflictOnUnique(error, target.uniqueFields ?? {});
  }
}

/** 409 for a PUT at the id of a deleted row: the id cannot hold a new one. */
function spentId(target: PutTarget) {
  const name = entityNames[target.entityType];
  return new ApiError("conflict", {
    detail: {
      en: `This id belonged to a deleted ${name.en}; ids are never reused`,
      es: `${name.es.charAt(0).toUpperCase()}${name.es.slice(1)} con este id fue eliminado; los ids nunca se reutilizan`,
    },
  });
}
