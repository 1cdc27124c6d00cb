/**
 * One request's D1 session, as Drizzle and the handlers use it, with two additions:
 *
 * - **Round trips are counted**: a statement run, or a whole batch, is one. The count goes
 *   into the Server-Timing header and the log line, which is how tests and the benchmark
 *   check "one round trip per read".
 * - **A guard rides the first round trip**: a statement (the session check of an
 *   authenticated request) sent at the head of the request's first batch, so checking who
 *   the caller is costs no round trip of its own. It aborts that batch when it fails, so
 *   nothing after it is read or written; until it has passed, no statement goes to D1
 *   without it.
 */

/** Thrown instead of any result once the guard has refused the request. */
export class GuardRefused extends Error {
  constructor(cause?: unknown) {
    super("The request's guard statement refused it", { cause });
  }
}

/** The message the guard aborts with (`RAISE(ABORT, …)` in migrations/0003_session_guard.sql). */
const GUARD_REFUSAL = "session_guard_refused";

/** Whether `error` (or a cause of it: Drizzle wraps what the session throws) is a refusal. */
export function refusedByGuard(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof GuardRefused) return true;
    current = current.cause;
  }
  return false;
}

/**
 * A guard in its two forms: a SELECT for a round trip that only reads (it passes when
 * `passes` accepts its rows; cheaper, and a refused read has nothing to undo), and a
 * statement that aborts its batch for a round trip that writes.
 */
export interface GuardStatements {
  check: { query: string; params: unknown[]; passes: (rows: unknown[]) => boolean };
  abort: { query: string; params: unknown[] };
}

/**
 * A statement that can only read: a plain SELECT. (A `WITH …` may end in an INSERT, so it
 * counts as a write and gets the aborting guard.)
 */
const READ_ONLY = /^\s*select\s/i;

interface Guard {
  check: D1PreparedStatement;
  passes: (rows: unknown[]) => boolean;
  abort: D1PreparedStatement;
  passed: boolean;
  refused: boolean;
  /** While the round trip carrying it is under way, other statements wait for its outcome. */
  inFlight?: Promise<unknown>;
}

type Outcome = "passed" | "refused" | "none";

/** What a request spent on D1: round trips, and milliseconds waiting on them (summed). */
export interface D1Usage {
  roundTrips: number;
  ms: number;
}

export class RequestSession {
  private guard: Guard | undefined;

  constructor(
    private readonly session: D1DatabaseSession,
    private readonly counter: D1Usage,
  ) {}

  prepare(query: string) {
    return new CountedStatement(this, this.session.prepare(query), READ_ONLY.test(query));
  }

  batch(statements: CountedStatement[]) {
    const inner = statements.map((statement) => statement.inner);
    return this.send(
      () => this.session.batch(inner),
      inner,
      (results) => results,
      statements.every((statement) => statement.readOnly),
    );
  }

  getBookmark() {
    return this.session.getBookmark();
  }

  /** `guard` must pass in this request's first round trip, or nothing else runs. */
  guardWith({ check, abort }: GuardStatements) {
    this.guard = {
      check: this.session.prepare(check.query).bind(...check.params),
      passes: check.passes,
      abort: this.session.prepare(abort.query).bind(...abort.params),
      passed: false,
      refused: false,
    };
  }

  /** Drops the guard: the caller checked access another way. */
  clearGuard() {
    this.guard = undefined;
  }

  /** The guard's outcome, sending it alone when no round trip has carried it yet. */
  async settle(): Promise<Outcome> {
    const guard = this.guard;
    if (guard === undefined) return "none";
    if (!guard.passed && !guard.refused) {
      try {
        await this.send(
          async () => [],
          [],
          (results) => results,
          true,
        );
      } catch (error) {
        if (!refusedByGuard(error)) throw error;
      }
    }
    return guard.refused ? "refused" : "passed";
  }

  /**
   * One round trip: `direct` when no guard is pending, otherwise `statements` in one batch
   * behind the guard, whose results `fromBatch` turns into what `direct` would return.
   */
  async send<T>(
    direct: () => Promise<T>,
    statements: D1PreparedStatement[],
    fromBatch: (results: D1Result[]) => T,
    readOnly: boolean,
  ): Promise<T> {
    const guard = this.guard;
    if (guard?.inFlight) await guard.inFlight.catch(() => undefined);
    if (guard?.refused) throw new GuardRefused();
    if (guard === undefined || guard.passed) {
      if (statements.length === 0) return fromBatch([]);
      return this.timed(direct);
    }
    const carried = this.timed(() => this.carry(guard, statements, readOnly));
    guard.inFlight = carried;
    try {
      return fromBatch(await carried);
    } finally {
      guard.inFlight = undefined;
    }
  }

  /** One round trip, counted and timed (in Workers the clock moves while I/O waits). */
  private async timed<T>(roundTrip: () => Promise<T>): Promise<T> {
    this.counter.roundTrips += 1;
    const started = performance.now();
    try {
      return await roundTrip();
    } finally {
      this.counter.ms += performance.now() - started;
    }
  }

  /** `statements` in one batch behind the guard; settles the guard before it resolves. */
  private async carry(guard: Guard, statements: D1PreparedStatement[], readOnly: boolean) {
    let results: D1Result[];
    try {
      results = await this.session.batch([readOnly ? guard.check : guard.abort, ...statements]);
    } catch (error) {
      // The guard goes first, so a failure that is not its refusal says nothing about it:
      // it stays pending and leads the next round trip.
      if (!(error instanceof Error) || !error.message.includes(GUARD_REFUSAL)) throw error;
      guard.refused = true;
      throw new GuardRefused(error);
    }
    const [verdict, ...rest] = results;
    if (readOnly && !guard.passes(verdict!.results)) {
      guard.refused = true;
      throw new GuardRefused();
    }
    guard.passed = true;
    return rest;
  }
}

/**
 * A statement of a RequestSession. Behind a pending guard it goes in a batch, whose rows
 * come back as objects: `raw()` then reads their values in column order, as Drizzle does
 * for its own batches (so a select must not name two columns alike, as in any D1 batch).
 */
class CountedStatement {
  constructor(
    private readonly owner: RequestSession,
    readonly inner: D1PreparedStatement,
    readonly readOnly: boolean,
  ) {}

  bind(...values: unknown[]) {
    return new CountedStatement(this.owner, this.inner.bind(...values), this.readOnly);
  }

  first(column?: string) {
    return this.owner.send(
      () => (column === undefined ? this.inner.first() : this.inner.first(column)),
      [this.inner],
      ([result]) => {
        const row = result?.results[0] as Record<string, unknown> | undefined;
        if (row === undefined) return null;
        return column === undefined ? row : (row[column] ?? null);
      },
      this.readOnly,
    );
  }

  run() {
    return this.owner.send(
      () => this.inner.run(),
      [this.inner],
      ([result]) => result!,
      this.readOnly,
    );
  }

  all() {
    return this.owner.send(
      () => this.inner.all(),
      [this.inner],
      ([result]) => result!,
      this.readOnly,
    );
  }

  raw(options?: { columnNames?: boolean }) {
    return this.owner.send(
      () => this.inner.raw(options as { columnNames: true }),
      [this.inner],
      ([result]) => {
        const rows = (result?.results ?? []) as Record<string, unknown>[];
        const values = rows.map((row) => Object.values(row));
        return options?.columnNames ? [Object.keys(rows[0] ?? {}), ...values] : values;
      },
      this.readOnly,
    );
  }
}

/** What Drizzle takes: it only calls prepare() and batch(), which a RequestSession has. */
export const asD1 = (session: RequestSession) => session as unknown as D1DatabaseSession;
