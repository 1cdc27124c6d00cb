import { env } from "cloudflare:workers";

/** What the Worker asked of its storage while a counting env was in use. */
export interface StorageCounts {
  /** D1 statements executed: one per statement run alone, one per statement in a batch. */
  d1Queries: number;
  kvReads: number;
  kvWrites: number;
}

/**
 * The real bindings, with D1 and KV wrapped to count what the Worker sends them. D1 counts
 * statements (what D1's limits and throughput figures are stated in), not round trips:
 * those the Worker counts itself (Server-Timing).
 */
export function countingEnv(): { env: Env; counts: StorageCounts } {
  const counts: StorageCounts = { d1Queries: 0, kvReads: 0, kvWrites: 0 };
  const inner = new WeakMap<object, D1PreparedStatement>();

  const statement = (real: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = new Proxy(real, {
      get(target, property) {
        if (property === "bind") return (...values: unknown[]) => statement(target.bind(...values));
        const value = Reflect.get(target, property);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (["first", "all", "run", "raw"].includes(String(property))) counts.d1Queries += 1;
          return value.apply(target, args);
        };
      },
    });
    inner.set(wrapped, real);
    return wrapped;
  };
  const unwrap = (statements: D1PreparedStatement[]) => statements.map((s) => inner.get(s) ?? s);

  const database = <T extends D1Database | D1DatabaseSession>(real: T): T =>
    new Proxy(real, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (property === "prepare") return (query: string) => statement(target.prepare(query));
        if (property === "batch")
          return (statements: D1PreparedStatement[]) => {
            counts.d1Queries += statements.length;
            return target.batch(unwrap(statements));
          };
        if (property === "withSession")
          return (start?: string) => database((target as D1Database).withSession(start));
        return typeof value === "function" ? value.bind(target) : value;
      },
    });

  const kv = new Proxy(env.SESSIONS, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (property === "get" || property === "getWithMetadata") counts.kvReads += 1;
        if (property === "put" || property === "delete") counts.kvWrites += 1;
        return value.apply(target, args);
      };
    },
  });

  return { env: { ...env, DB: database(env.DB), SESSIONS: kv }, counts };
}
