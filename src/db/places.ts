import { and, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { searchKey } from "../lib/search-key";
import type { Database } from "./client";
import { departments, municipalities, placeSpellings } from "./schema";

/** `column` is the place `spelling` names: its DANE code, or any way of writing its name. */
function named(db: Database, column: SQLiteColumn, spelling: string): SQL {
  return or(
    eq(column, spelling.trim()),
    inArray(
      column,
      db
        .select({ code: placeSpellings.code })
        .from(placeSpellings)
        .where(eq(placeSpellings.key, searchKey(spelling))),
    ),
  )!;
}

/** The department a spelling names (`05`, `Antioquia`, `ANTIOQUIA`, `antioquía`). */
export const findDepartment = (db: Database, spelling: string) =>
  db
    .select({ code: departments.code, name: departments.name })
    .from(departments)
    .where(named(db, departments.code, spelling));

/** The municipality `city` of the department `department`, with both codes and names. */
export const findPlace = (db: Database, department: string, city: string) =>
  db
    // Aliased: a D1 batch returns rows keyed by column name, and both tables have `name`.
    .select({
      departmentCode: sql<string>`${departments.code}`.as("department_code"),
      department: sql<string>`${departments.name}`.as("department_name"),
      cityCode: sql<string>`${municipalities.code}`.as("city_code"),
      city: sql<string>`${municipalities.name}`.as("city_name"),
    })
    .from(municipalities)
    .innerJoin(departments, eq(departments.code, municipalities.departmentCode))
    .where(and(named(db, departments.code, department), named(db, municipalities.code, city)));

/** Codes of the departments a spelling names, as a filter on a department-code column. */
export const inDepartmentNamed = (db: Database, column: SQLiteColumn, spelling: string) =>
  inArray(
    column,
    db
      .select({ code: departments.code })
      .from(departments)
      .where(named(db, departments.code, spelling)),
  );

/** Codes of the municipalities a spelling names (Buenavista: four), as a filter. */
export const inMunicipalityNamed = (db: Database, column: SQLiteColumn, spelling: string) =>
  inArray(
    column,
    db
      .select({ code: municipalities.code })
      .from(municipalities)
      .where(named(db, municipalities.code, spelling)),
  );
