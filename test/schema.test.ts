import { env } from "cloudflare:workers";
import { getTableName } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { allTables as tables } from "../src/db/tables";

/**
 * The committed migrations (applied by the setup, as in production) must build exactly
 * the database the Drizzle schema describes. A hand edit of a migration, or a schema
 * change without a migration, fails here. (test/node/migrations.test.ts checks the other
 * direction with drizzle-kit itself.)
 */

async function rows<T>(query: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(query)
      .bind(...params)
      .all<T>()
  ).results;
}

describe("D1 built by the migrations matches the Drizzle schema", () => {
  it("has exactly the schema's tables", async () => {
    const inDatabase = await rows<{ name: string }>(
      "select name from sqlite_schema where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name != 'd1_migrations' order by name",
    );
    expect(inDatabase.map((t) => t.name)).toEqual(tables.map((t) => getTableName(t)).sort());
  });

  for (const table of tables) {
    const config = getTableConfig(table);

    it(`${config.name}: columns, types, nullability and primary key`, async () => {
      const columns = await rows<{ name: string; type: string; notnull: number; pk: number }>(
        'select name, upper(type) as type, "notnull", pk from pragma_table_info(?) order by cid',
        config.name,
      );
      const compositeKey = config.primaryKeys[0]?.columns.map((c) => c.name) ?? [];
      expect(columns).toEqual(
        config.columns.map((column) => ({
          name: column.name,
          type: column.getSQLType().toUpperCase(),
          notnull: column.notNull ? 1 : 0,
          pk: column.primary ? 1 : compositeKey.indexOf(column.name) + 1,
        })),
      );
    });

    it(`${config.name}: indexes`, async () => {
      const indexes = await rows<{ name: string; unique: number; partial: number }>(
        "select name, \"unique\", partial from pragma_index_list(?) where origin = 'c' order by name",
        config.name,
      );
      expect(indexes).toEqual(
        config.indexes
          .map((index) => ({
            name: index.config.name,
            unique: index.config.unique ? 1 : 0,
            partial: index.config.where ? 1 : 0,
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      );
    });

    it(`${config.name}: foreign keys`, async () => {
      const keys = await rows<{ table: string; from: string; to: string; on_delete: string }>(
        'select "table", "from", "to", on_delete from pragma_foreign_key_list(?) order by "from"',
        config.name,
      );
      expect(keys).toEqual(
        config.foreignKeys
          .map((fk) => {
            const reference = fk.reference();
            return {
              table: getTableName(reference.foreignTable),
              from: reference.columns[0]!.name,
              to: reference.foreignColumns[0]!.name,
              on_delete: (fk.onDelete ?? "no action").toUpperCase(),
            };
          })
          .sort((a, b) => a.from.localeCompare(b.from)),
      );
    });
  }

  it("enforces foreign keys", async () => {
    await expect(
      env.DB.prepare(
        "insert into establishment_sellers (establishment_id, seller_id) values ('nope', 'nope')",
      ).run(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it("makes email unique regardless of letter case", async () => {
    const insert = (id: string, email: string) =>
      env.DB.prepare(
        "insert into users (id, email, first_name, last_name, role, password_hash, password_changed_at) values (?, ?, 'A', 'B', 'seller', 'x', '2026-01-01T00:00:00.000Z')",
      )
        .bind(id, email)
        .run();
    await insert("u1", "Ana@Example.co");
    await expect(insert("u2", "ana@example.CO")).rejects.toThrow(/UNIQUE/);
  });

  it("frees a soft-deleted product's sku for reuse", async () => {
    const insert = (id: string, deletedAt: string | null) =>
      env.DB.prepare(
        "insert into products (id, sku, name, category, unit, price, deleted_at) values (?, 'REUSED-1', 'n', 'c', 'unit', 1, ?)",
      )
        .bind(id, deletedAt)
        .run();
    await insert("p1", "2026-01-01T00:00:00.000Z");
    await insert("p2", null);
    await expect(insert("p3", null)).rejects.toThrow(/UNIQUE/);
  });
});
