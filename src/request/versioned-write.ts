import { and, eq, getTableColumns, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SelectResultFields } from "drizzle-orm/query-builders/select.types";
import type { SelectedFields, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";
import { type ChangeEntry, isLoggedEntity, logChangeIfChanged, versionNow } from "../db/change-log";
import {
  nextVersion,
  previousStatementChanged,
  type SoftDeletedTable,
  type VersionedTable,
} from "../db/versions";
import { assertIfMatch, etagFor, ifMatchGuard, ifMatchVersions, lostRace } from "../lib/etag";
import type { Text } from "../lib/language";
import { ApiError } from "../lib/problem";
import { auditIfChanged, auditUpdate, type Changes, differs, type PatchedField } from "./audit";
import { conflictOnUnique } from "./unique-conflict";

/**
 * The one way a versioned row changes. A handler says which row (in the caller's scope)
 * and what changes; these functions own the rest: the If-Match check against the row as
 * read, the version bump, the audit row, the atomic batch, and the answer when the write
 * lost a race (412) or the row went away meanwhile (404).
 */
export interface Target<T extends VersionedTable = VersionedTable> {
  table: T;
  /** Names the audit actions (`product.updated`) and the 404. */
  entityType: EntityType;
  entityId: string;
  /** The row as the caller may reach it (its id, live, in scope): every statement's WHERE. */
  where: SQL;
  /**
   * Columns computed from a patch (a search key from the name): written with it, not part
   * of the change that is compared and audited.
   */
  derived?: (patch: Record<string, unknown>) => Record<string, unknown>;
  /** Unique index (or `table.column`) → request field, for 409s. */
  uniqueFields?: Record<string, string>;
}

/** The target row as `columns` select it, or undefined when it is out of reach. */
async function selectTarget<Row>(c: Context, target: Target, columns: SelectedFields) {
  const [row] = await c.var.db
    .select(columns)
    .from(target.table as SQLiteTable)
    .where(target.where);
  return row as Row | undefined;
}

/** What a person calls each kind of row, for the 404s. */
export const entityNames = {
  product: { en: "product", es: "el producto" },
  portfolio: { en: "portfolio", es: "el portafolio" },
  establishment: { en: "establishment", es: "el establecimiento" },
  user: { en: "user", es: "el usuario" },
} as const satisfies Record<string, Text>;
export type EntityType = keyof typeof entityNames;

/** 404 for a row the caller cannot reach: `No such product` / `No existe el producto`. */
export const noSuch = (entityType: EntityType) => {
  const name = entityNames[entityType];
  return new ApiError("not-found", {
    detail: { en: `No such ${name.en}`, es: `No existe ${name.es}` },
  });
};

const gone = (target: Target) => {
  const name = entityNames[target.entityType];
  return new ApiError("not-found", {
    detail: {
      en: `The ${name.en} no longer exists`,
      es: `${name.es.charAt(0).toUpperCase()}${name.es.slice(1)} ya no existe`,
    },
  });
};

/** The row a write starts from, as `columns` select it; 404 when out of reach. */
async function readTarget<Row>(c: Context, target: Target, columns: SelectedFields) {
  const row = await selectTarget<Row>(c, target, columns);
  if (row === undefined) {
    throw noSuch(target.entityType);
  }
  return row;
}

/** What a write checks of its row: the version, and how many rows depend on it. */
const stateOf = (target: Target, dependents?: Dependents) => ({
  version: target.table.version,
  dependents: dependents?.count ?? sql<number>`0`,
});
type State = { version: number; dependents: number };

/**
 * Why a guarded write found no row: it is gone (404), rows came to depend on it (409),
 * or it changed since (412).
 */
async function lostRaceOrGone(c: Context, target: Target, dependents?: Dependents) {
  const row = await selectTarget<State>(c, target, stateOf(target, dependents));
  if (row === undefined) return gone(target);
  if (dependents && row.dependents > 0) return dependents.refusal(row.dependents);
  return lostRace(row.version);
}

/**
 * The change-log rows of a write to `target` (none for a table the log does not keep),
 * each written only if the statement before it changed a row: put them right after the
 * statement that makes the change (or its audit row, which chains the same condition).
 */
function logged(c: Context, target: Target, entries: ChangeEntry[], at: string) {
  return entries
    .filter((entry) => isLoggedEntity(entry.entityType))
    .map((entry) =>
      logChangeIfChanged(c.var.db, entry, versionNow(target.table, target.entityId), at),
    );
}

const ownEntry = (target: Target, op: ChangeEntry["op"], sellerId?: string): ChangeEntry => ({
  entityType: target.entityType as ChangeEntry["entityType"],
  entityId: target.entityId,
  op,
  sellerId,
});

/** The If-Match guard of a write: the row is still at the version that was checked. */
const stillAt = (c: Context, target: Target, version: number) =>
  ifMatchGuard(c, () => eq(target.table.version, version));

/** The column the read of a PATCH adds: whether any patched field differs from the row. */
const DIFFERS = "patchDiffers";

export interface Update<Returning extends SelectedFields> {
  patch: Record<string, unknown>;
  /** The audit action, when the change has a name of its own (default `<entity>.updated`). */
  action?: string;
  /** The columns the row is read and returned with. */
  returning: Returning;
  /** A condition of the write's own (e.g. "not the last admin") and the answer when it fails. */
  condition?: { holds: SQL; refusal: ApiError };
  /**
   * What else the change implies, in the same batch after the UPDATE. Each statement must
   * guard itself on the row's new state, so an UPDATE that did not apply changes nothing.
   */
  consequences?: BatchItem<"sqlite">[];
}

/**
 * A PATCH, in one atomic batch and one round trip: the row as it was (the 404, the If-Match
 * check and the answer when nothing changes come from it), its audit row and the UPDATE
 * (version + 1), both under the same WHERE: the row in reach, at a version If-Match
 * accepts, with a field that differs, and the write's own condition. So nothing is written
 * when nothing changes, and the audit row exists exactly when the UPDATE applied. Sets
 * the ETag of the row it returns.
 */
export async function updateVersioned<
  Returning extends SelectedFields,
  Row extends { version: number } = SelectResultFields<Returning> & { version: number },
>(c: Context, target: Target, u: Update<Returning>): Promise<Row> {
  const db = c.var.db;
  const table = target.table as SQLiteTable;
  const columns = getTableColumns(table);
  const fields: PatchedField[] = Object.entries(u.patch)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => [field, columns[field]!, value]);
  const versions = ifMatchVersions(c);
  const anyDiffers = or(...fields.map(differs)) ?? sql`0`;
  const applies = and(
    target.where,
    // One bound parameter however many ETags the header lists (D1 allows 100 per statement).
    versions &&
      sql`${target.table.version} in (select value from json_each(${JSON.stringify(versions)}))`,
    anyDiffers,
    u.condition?.holds,
  )!;
  const now = new Date().toISOString();
  const [[current], , updated] = (await db
    .batch([
      db
        .select({ ...u.returning, [DIFFERS]: sql<number>`${anyDiffers}` })
        .from(table)
        .where(target.where),
      auditUpdate(
        c,
        {
          action: u.action ?? `${target.entityType}.updated`,
          entityType: target.entityType,
          entityId: target.entityId,
        },
        table,
        fields,
        applies,
      ),
      db
        .update(table)
        .set({
          ...u.patch,
          ...target.derived?.(u.patch),
          ...nextVersion(target.table, now),
        })
        .where(applies)
        .returning(u.returning),
      ...logged(c, target, [ownEntry(target, "upsert")], now),
      ...(u.consequences ?? []),
    ])
    .catch((error) =>
      target.uniqueFields ? conflictOnUnique(error, target.uniqueFields) : Promise.reject(error),
    )) as [(Row & { [DIFFERS]: number })[], unknown, Row[], ...unknown[]];
  if (!current) throw noSuch(target.entityType);
  const { [DIFFERS]: changes, ...before } = current;
  // A stale If-Match is a 412 only when there is something to change: a change the row
  // already holds (a replayed request whose first answer was lost) answers 200 with the
  // row as it is, as RFC 9110 §13.1.1 allows.
  if (changes) assertIfMatch(c, before.version);
  const [after] = updated;
  // Not applied: nothing to change (the row as it is), or the write's own condition failed.
  const answer = after ?? (changes ? undefined : (before as unknown as Row));
  if (!answer) throw u.condition?.refusal ?? lostRace(before.version);
  c.header("ETag", etagFor(answer.version));
  return answer;
}

/** Live rows that still point at a row, which may not be deleted while any do. */
export interface Dependents {
  /** How many there are: a scalar SQL count, evaluated with the read and in the UPDATE. */
  count: SQL<number>;
  /** The 409 naming how many depend on it and how to detach them. */
  refusal: (count: number) => ApiError;
}

/**
 * A DELETE: a soft delete (`deleted_at`, version + 1) of the row in reach (404 otherwise),
 * checked against If-Match, with its audit row in the same atomic batch. With
 * `dependents`, refused (409) while any exist: counted with the read, and checked again
 * inside the UPDATE, so a dependent added meanwhile cannot be left pointing at nothing.
 */
export async function softDeleteVersioned(
  c: Context,
  target: Target<SoftDeletedTable>,
  dependents?: Dependents,
): Promise<void> {
  const { table } = target;
  const before = await readTarget<State>(c, target, stateOf(target, dependents));
  assertIfMatch(c, before.version);
  if (dependents && before.dependents > 0) throw dependents.refusal(before.dependents);
  const db = c.var.db;
  const now = new Date().toISOString();
  const [deleted] = (await db.batch([
    db
      .update(table as SQLiteTable)
      .set({ deletedAt: now, ...nextVersion(table, now) })
      .where(
        and(
          target.where,
          stillAt(c, target, before.version),
          dependents && sql`${dependents.count} = 0`,
        ),
      )
      .returning({ id: table.id }),
    auditIfChanged(c, {
      action: `${target.entityType}.deleted`,
      entityType: target.entityType,
      entityId: target.entityId,
    }),
    ...logged(c, target, [ownEntry(target, "delete")], now),
  ])) as [unknown[], ...unknown[]];
  if (deleted.length === 0) throw await lostRaceOrGone(c, target, dependents);
}

/**
 * A change to what a row holds rather than to the row itself (a portfolio's items, an
 * establishment's sellers): the row's version goes up with it, in one batch, so its ETag
 * covers what it holds. `change` gets `rowAsChecked`, true in SQL while the row is still
 * in reach and (with If-Match) at the version checked; it must guard itself on it. A
 * change that changes nothing bumps nothing and writes no audit row. `read` runs last in
 * the batch, after the change, and its rows are returned.
 */
export async function changeHeld(
  c: Context,
  target: Target,
  h: {
    before: { version: number };
    change: (rowAsChecked: SQL) => BatchItem<"sqlite">;
    action: string;
    changes: Changes;
    read?: BatchItem<"sqlite">;
    /** The seller the change puts on the row's route or takes off it, for its log row. */
    routeOf?: string;
    /** Log rows of what the row holds that changed (an item), besides the row's own. */
    alsoLogged?: ChangeEntry[];
  },
): Promise<{ version: number; read: unknown }> {
  assertIfMatch(c, h.before.version);
  const db = c.var.db;
  const { table } = target;
  const now = new Date().toISOString();
  const rowAsChecked = sql`exists (select 1 from ${table} where ${and(target.where, stillAt(c, target, h.before.version))})`;
  const logRows = logged(
    c,
    target,
    [ownEntry(target, "upsert", h.routeOf), ...(h.alsoLogged ?? [])],
    now,
  );
  const results = (await db.batch([
    h.change(rowAsChecked),
    db
      .update(table as SQLiteTable)
      .set(nextVersion(table, now))
      .where(and(target.where, previousStatementChanged)),
    auditIfChanged(c, {
      action: h.action,
      entityType: target.entityType,
      entityId: target.entityId,
      changes: h.changes,
    }),
    ...logRows,
    db
      .select({ version: table.version })
      .from(table as SQLiteTable)
      .where(target.where),
    ...(h.read ? [h.read] : []),
  ])) as unknown[];
  const bump = results[1] as D1Result;
  const [current] = results[3 + logRows.length] as { version: unknown }[];
  const read = results[4 + logRows.length];
  if (!current) throw gone(target);
  const version = Number(current.version);
  // Nothing changed: fine when there was nothing to change, a lost race when the row
  // moved past the version If-Match named.
  const ifMatchSent = c.req.header("If-Match") !== undefined;
  if (bump.meta.changes === 0 && ifMatchSent && version !== h.before.version) {
    throw lostRace(version);
  }
  return { version, read };
}
