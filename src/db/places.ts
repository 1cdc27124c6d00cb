import { searchKey } from "../lib/search-key";
import type { Database } from "./client";
import { departments, municipalities, placeSpellings } from "./schema";

/** A DIVIPOLA place as stored on an establishment: codes and DANE's names. */
export interface Place {
  departmentCode: string;
  department: string;
  cityCode: string;
  city: string;
}

/** DANE's DIVIPOLA, as loaded from D1 (migration 0002), ready for lookups by any spelling. */
export interface Places {
  departments: ReadonlyMap<string, string>;
  municipalities: ReadonlyMap<string, { name: string; departmentCode: string }>;
  /** Search key of a name or a common short name → the codes it names. */
  spellings: ReadonlyMap<string, readonly string[]>;
}

async function load(db: Database): Promise<Places> {
  const [departmentRows, municipalityRows, spellingRows] = await db.batch([
    db.select().from(departments),
    db.select().from(municipalities),
    db.select().from(placeSpellings),
  ]);
  const spellings = new Map<string, string[]>();
  for (const { key, code } of spellingRows)
    spellings.set(key, [...(spellings.get(key) ?? []), code]);
  return {
    departments: new Map(departmentRows.map((d) => [d.code, d.name])),
    municipalities: new Map(
      municipalityRows.map((m) => [m.code, { name: m.name, departmentCode: m.departmentCode }]),
    ),
    spellings,
  };
}

let loaded: Promise<Places> | undefined;

/**
 * The place list, read from D1 once per isolate (one round trip, ~2,300 short rows) and
 * kept: it changes only with a migration, which ships with a deployment and so with new
 * isolates. Every later lookup is in memory, so checking a store's place and filtering
 * by a place's name cost no round trip. A failed load is not kept.
 */
export function loadPlaces(db: Database): Promise<Places> {
  loaded ??= load(db).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

/** Codes a spelling names among `known`: the code itself, or any spelling of the name. */
function named(places: Places, known: ReadonlyMap<string, unknown>, spelling: string): string[] {
  const code = spelling.trim();
  if (known.has(code)) return [code];
  return (places.spellings.get(searchKey(spelling)) ?? []).filter((c) => known.has(c));
}

/** The departments a spelling names (`05`, `Antioquia`, `antioquía`): one, or none. */
export const departmentCodes = (places: Places, spelling: string) =>
  named(places, places.departments, spelling);

/**
 * The municipalities a spelling names, within the given departments if any: Buenavista
 * alone names four; with its department, one.
 */
export function municipalityCodes(
  places: Places,
  spelling: string,
  inDepartments?: readonly string[],
): string[] {
  const codes = named(places, places.municipalities, spelling);
  return inDepartments === undefined
    ? codes
    : codes.filter((code) =>
        inDepartments.includes(places.municipalities.get(code)!.departmentCode),
      );
}

/** The place a department and a city name together, as stored; undefined when none. */
export function findPlace(places: Places, department: string, city: string): Place | undefined {
  const [departmentCode] = departmentCodes(places, department);
  if (departmentCode === undefined) return undefined;
  const [cityCode] = municipalityCodes(places, city, [departmentCode]);
  if (cityCode === undefined) return undefined;
  return {
    departmentCode,
    department: places.departments.get(departmentCode)!,
    cityCode,
    city: places.municipalities.get(cityCode)!.name,
  };
}
