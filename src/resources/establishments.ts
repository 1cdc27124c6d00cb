import { z } from "@hono/zod-openapi";
import { and, eq, getTableColumns, gte, inArray, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { onRouteOf, visibleEstablishments } from "../auth/establishment-scope";
import type { AccessClaims } from "../auth/tokens";
import type { Database } from "../db/client";
import { keyset } from "../db/keyset";
import { departmentCodes, loadPlaces, municipalityCodes, type Places } from "../db/places";
import { establishmentSellers, establishments } from "../db/schema";
import { containsKey } from "../db/search";
import { DOCS } from "../lib/docs";
import { resourceVersion } from "../lib/etag";
import { id, searchText, timestamps, updatedSince } from "../lib/fields";
import type { FieldError } from "../lib/problem";
import { createSelectSchema } from "../lib/table-schema";
import { checkMessage, invalidFields, message } from "../lib/validation";
import { EstablishmentKindSchema, EstablishmentStatusSchema } from "./enums";

const {
  deletedAt: _deletedAt,
  nameKey: _nameKey,
  ...publicColumns
} = getTableColumns(establishments);

/**
 * Columns of an establishment as returned, with its sellers' ids folded in by a
 * subquery — one query for a page of establishments, never one per row.
 */
export const establishmentColumns = {
  ...publicColumns,
  sellerIds:
    sql<string>`(select json_group_array(seller_id) from (select ${establishmentSellers.sellerId} as seller_id from ${establishmentSellers} where ${establishmentSellers.establishmentId} = ${establishments.id} order by seller_id))`.as(
      "seller_ids",
    ),
};

type EstablishmentRow = Omit<typeof establishments.$inferSelect, "deletedAt" | "nameKey"> & {
  sellerIds: string;
};

/** An establishment as the API shows it: GET /establishments/{id}, its list, the sync feed. */
// REAL columns: without bounds, the document would state a double's whole range.
export const latitude = () => z.number().min(-90).max(90).openapi({ example: 6.2447 });
export const longitude = () => z.number().min(-180).max(180).openapi({ example: -75.5906 });

/**
 * The company's own code for a store, as its ERP writes it (`T-000123`, `BOG/0042`):
 * trimmed, case kept. Its first character is a letter or digit, so a code is never a
 * spreadsheet formula (`=…`, `+…`, `-…`, `@…`) in a CSV export or an import file.
 */
export const establishmentCode = () =>
  z
    .string()
    .trim()
    .min(1, { abort: true })
    .max(50, { abort: true })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, message("establishmentCode"))
    .openapi({ example: "T-000123" });

export const EstablishmentSchema = createSelectSchema(establishments, {
  ...timestamps(),
  latitude,
  longitude,
  code: (column) =>
    column.openapi({
      description: DOCS
        ? "The company's own code for the store (its ERP's), unique among live establishments; how a bulk import finds a store without a NIT."
        : "",
      example: "T-000123",
    }),
  kind: EstablishmentKindSchema,
  status: EstablishmentStatusSchema,
  version: resourceVersion(),
})
  .omit({ deletedAt: true, nameKey: true })
  .extend({
    department: z
      .string()
      .openapi({ description: DOCS ? "DANE's name of the department." : "", example: "Antioquia" }),
    departmentCode: z
      .string()
      .nullable()
      .openapi({
        description: DOCS
          ? "DIVIPOLA code of the department (2 digits). Null only on a store recorded before places were validated whose place matched none."
          : "",
        example: "05",
      }),
    city: z.string().openapi({
      description: DOCS ? "DANE's name of the municipality." : "",
      example: "Medellín",
    }),
    cityCode: z
      .string()
      .nullable()
      .openapi({
        description: DOCS
          ? "DIVIPOLA code of the municipality (5 digits); null as for departmentCode."
          : "",
        example: "05001",
      }),
    sellerIds: z
      .array(z.string())
      .openapi({ description: DOCS ? "Sellers with this establishment on their route." : "" }),
  })
  .openapi("Establishment");
export type Establishment = z.infer<typeof EstablishmentSchema>;

export const toEstablishment = ({ sellerIds, ...row }: EstablishmentRow) => ({
  ...row,
  sellerIds: JSON.parse(sellerIds) as string[],
});

/** A place query parameter: a DIVIPOLA code or any spelling of the name. */
const placeParameter = (description: string) =>
  z.string().min(1).max(80).optional().openapi({ description });

/** The filters of the establishment list; its CSV export takes the same. */
export const EstablishmentFiltersSchema = z.object({
  q: searchText("name").openapi({
    description: DOCS
      ? 'Part of the name, ignoring accents, case and punctuation (`tienda dona` finds "Tienda Doña Rosa").'
      : "",
  }),
  city: placeParameter(
    DOCS ? "A municipality: DIVIPOLA code or any spelling of its name (`medellin`)." : "",
  ),
  department: placeParameter(
    DOCS ? "A department: DIVIPOLA code or any spelling of its name (`antioquia`)." : "",
  ),
  status: EstablishmentStatusSchema.optional(),
  portfolioId: id().optional(),
  sellerId: id()
    .optional()
    .openapi({ description: DOCS ? "Only on this seller's route." : "" }),
  code: establishmentCode()
    .optional()
    .openapi({
      description: DOCS
        ? "The store with exactly this code (letter case counts): at most one live store has it."
        : "",
    }),
  updatedSince: updatedSince(),
});
type EstablishmentFilters = z.infer<typeof EstablishmentFiltersSchema>;

/**
 * Why a department and a city name no place: the department is none, or the city is in
 * none of the departments named (any department, without one). Each at its own field.
 */
export function placeError(
  places: Places,
  { department, city }: { department?: string; city?: string },
  pathOf: (field: "department" | "city") => string,
): FieldError | undefined {
  const departments = department === undefined ? undefined : departmentCodes(places, department);
  if (departments?.length === 0) {
    return {
      path: pathOf("department"),
      message: checkMessage("unknownDepartment", "department", { value: department! }),
    };
  }
  if (city === undefined || municipalityCodes(places, city, departments).length > 0) return;
  const [only] = departments ?? [];
  return {
    path: pathOf("city"),
    message:
      only === undefined
        ? checkMessage("unknownPlace", "city", { value: city })
        : checkMessage("unknownCity", "city", {
            value: city,
            department: places.departments.get(only)!,
          }),
  };
}

/** The codes a list's place filter names; a name that is no place is the caller's mistake. */
async function placeFilter(db: Database, query: { department?: string; city?: string }) {
  if (query.city === undefined && query.department === undefined) return {};
  const places = await loadPlaces(db);
  const error = placeError(places, query, (field) => `query.${field}`);
  if (error) throw invalidFields([error]);
  const departments =
    query.department === undefined ? undefined : departmentCodes(places, query.department);
  const cities =
    query.city === undefined ? undefined : municipalityCodes(places, query.city, departments);
  return { departments, cities };
}

/** One code is an equality, so the list walks (code, name, id) in order; several, a set. */
const oneOf = (column: SQLiteColumn, codes: readonly string[] | undefined) =>
  codes === undefined
    ? undefined
    : codes.length === 1
      ? eq(column, codes[0]!)
      : inArray(column, [...codes]);

const sortColumns = {
  name: establishments.name,
  city: establishments.city,
  createdAt: establishments.createdAt,
  updatedAt: establishments.updatedAt,
};
type EstablishmentSort = keyof typeof sortColumns;

/**
 * A keyset page of the establishments the caller may see that pass the filters: the one
 * query behind the establishment list and its export, so the two cannot filter differently.
 */
export async function establishmentPage(
  db: Database,
  auth: AccessClaims,
  query: EstablishmentFilters & {
    sort: EstablishmentSort | `-${EstablishmentSort}`;
    cursor?: string;
    limit: number;
  },
) {
  const page = keyset(query, establishments.id, sortColumns);
  const place = await placeFilter(db, query);
  const rows = await db
    .select(establishmentColumns)
    .from(establishments)
    .where(
      and(
        visibleEstablishments(auth),
        query.q === undefined ? undefined : containsKey(establishments.nameKey, query.q),
        oneOf(establishments.cityCode, place.cities),
        oneOf(establishments.departmentCode, place.departments),
        query.status === undefined ? undefined : eq(establishments.status, query.status),
        query.portfolioId === undefined
          ? undefined
          : eq(establishments.portfolioId, query.portfolioId),
        query.sellerId === undefined ? undefined : onRouteOf(query.sellerId),
        query.code === undefined ? undefined : eq(establishments.code, query.code),
        query.updatedSince === undefined
          ? undefined
          : gte(establishments.updatedAt, query.updatedSince),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const { data, nextCursor } = page.toPage(rows, query.limit);
  return { data: data.map(toEstablishment), nextCursor };
}
