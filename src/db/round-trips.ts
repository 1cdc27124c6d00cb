/** A prepared statement that counts each execution as one round trip to D1. */
class CountedStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly counter: { roundTrips: number },
  ) {}
  bind(...values: unknown[]) {
    return new CountedStatement(this.inner.bind(...values), this.counter);
  }
  first(column?: string) {
    this.counter.roundTrips += 1;
    return column === undefined ? this.inner.first() : this.inner.first(column);
  }
  run() {
    this.counter.roundTrips += 1;
    return this.inner.run();
  }
  all() {
    this.counter.roundTrips += 1;
    return this.inner.all();
  }
  raw(options?: { columnNames?: boolean }) {
    this.counter.roundTrips += 1;
    return this.inner.raw(options as { columnNames: true });
  }
}

/**
 * Wraps a D1 session so every round trip (a statement run, or a whole batch) is counted.
 * The count goes into the request log line and the Server-Timing header, which is how
 * tests and the benchmark check "one round trip per read".
 */
export function countRoundTrips(session: D1DatabaseSession, counter: { roundTrips: number }) {
  const counted = {
    prepare: (query: string) => new CountedStatement(session.prepare(query), counter),
    batch: (statements: CountedStatement[]) => {
      counter.roundTrips += 1;
      return session.batch(statements.map((statement) => statement.inner));
    },
    getBookmark: () => session.getBookmark(),
  };
  // Structurally what Drizzle and the handlers use of a session.
  return counted as unknown as D1DatabaseSession;
}
