import { drizzle } from "drizzle-orm/d1";

export function createDatabase(d1: D1Database | D1DatabaseSession) {
  // Drizzle only calls prepare() and batch(), which a D1 session has with the same
  // signatures; its types just do not list sessions yet. No `schema` option: the API
  // uses the query builder only, and the relational config would be rebuilt per request.
  return drizzle(d1 as D1Database);
}

export type Database = ReturnType<typeof createDatabase>;
