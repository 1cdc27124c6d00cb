import { index, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * DANE's DIVIPOLA: Colombia's departments and municipalities by official code, loaded by
 * migration 0002 from scripts/data/divipola.csv (source and date in divipola.md).
 * Establishments store a place's code with its canonical name, so analytics group by code.
 */
export const departments = sqliteTable("departments", {
  /** Two digits: `05` Antioquia, `11` Bogotá, D.C. */
  code: text("code").primaryKey(),
  name: text("name").notNull(),
});

export const municipalities = sqliteTable(
  "municipalities",
  {
    /** Five digits, the department's two first: `05001` Medellín. */
    code: text("code").primaryKey(),
    departmentCode: text("department_code")
      .notNull()
      .references(() => departments.code),
    name: text("name").notNull(),
  },
  (t) => [index("municipalities_department_idx").on(t.departmentCode)],
);

/**
 * How people write each place, as search keys (src/lib/search-key.ts): its DANE name and
 * the common short names (`cali` for Santiago de Cali). A key may name several places
 * (Buenavista is a municipality of four departments); a department narrows it.
 */
export const placeSpellings = sqliteTable(
  "place_spellings",
  {
    key: text("key").notNull(),
    /** A department's or a municipality's code. */
    code: text("code").notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.code] })],
);
