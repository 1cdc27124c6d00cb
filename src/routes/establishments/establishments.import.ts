import { and } from "drizzle-orm";
import { findPlace, loadPlaces, type Place, type Places } from "../../db/places";
import { establishments, portfolios } from "../../db/schema";
import { isLive } from "../../db/versions";
import { nameKeyOf } from "../../lib/search-key";
import {
  type ColumnError,
  cellText,
  columnError,
  columnsOf,
  type ImportEntity,
  inJson,
  planVersioned,
  presentFields,
  type VersionedEntitySpec,
  validate,
} from "../../request/import-plan";
import { placeError } from "../../resources/establishments";
import { nitKey } from "./establishment-sellers.import";
import { establishmentValues } from "./establishments.queries";
import { CreateEstablishmentSchema, UpdateEstablishmentSchema } from "./establishments.schemas";

/** What an establishment row may set: the create body's fields. */
const WRITABLE = [
  "name",
  "code",
  "taxId",
  "kind",
  "address",
  "city",
  "department",
  "latitude",
  "longitude",
  "phone",
  "portfolioId",
  "status",
] as const;

interface Checks {
  places: Places;
  /** The live portfolios among those the chunk's rows name. */
  portfolios: Set<string>;
}

/** The place a row's department and city name, as stored, or the errors at those columns. */
function placeColumns(
  places: Places,
  body: { department?: string; city?: string },
): Partial<Place> | ColumnError[] {
  if (body.department === undefined || body.city === undefined) return {};
  const place = findPlace(places, body.department, body.city);
  if (place) return { ...place };
  const error = placeError(places, body, (field) => field)!;
  return [{ column: error.path, message: error.message }];
}

const unknownPortfolio = columnError(
  "portfolioId",
  "portfolioId names no portfolio",
  "portfolioId no es un portafolio",
);

const spec: VersionedEntitySpec<Checks> = {
  table: establishments,
  entityType: "establishment",
  logged: true,
  uniques: [
    { field: "code", column: establishments.code, key: cellText },
    { field: "taxId", column: establishments.taxId, key: nitKey },
  ],
  matchBy: ["code", "taxId"],
  select: () => ({
    fields: columnsOf(establishments, ["id", "version", ...WRITABLE, "cityCode", "departmentCode"]),
    live: isLive(establishments),
  }),
  extra: async ({ db }, rows) => {
    const named = [...new Set(rows.map((r) => cellText(r.record.portfolioId)).filter(Boolean))];
    const [places, live] = await Promise.all([
      loadPlaces(db),
      named.length === 0
        ? Promise.resolve([])
        : db
            .select({ id: portfolios.id })
            .from(portfolios)
            .where(and(isLive(portfolios), inJson(portfolios.id, named))),
    ]);
    return { places, portfolios: new Set(live.map((p) => p.id)) };
  },
  create: (record, checks) => {
    const checked = validate(CreateEstablishmentSchema, presentFields(record));
    if (checked.errors) return checked;
    const body = checked.data;
    const place = placeColumns(checks.places, body);
    const errors = Array.isArray(place) ? place : [];
    if (body.portfolioId !== undefined && !checks.portfolios.has(body.portfolioId)) {
      errors.push(unknownPortfolio);
    }
    if (errors.length > 0 || Array.isArray(place)) return { errors };
    const columns = establishmentValues(body, place as Place);
    return {
      columns,
      audited: { name: columns.name, city: place.city, portfolioId: columns.portfolioId },
    };
  },
  update: (record, _stored, checks) => {
    if (Object.keys(record).length === 0) return { columns: {} };
    const checked = validate(UpdateEstablishmentSchema, record);
    if (checked.errors) return checked;
    const { city, department, ...body } = checked.data;
    const place = placeColumns(checks.places, { city, department });
    const errors = Array.isArray(place) ? place : [];
    if (typeof body.portfolioId === "string" && !checks.portfolios.has(body.portfolioId)) {
      errors.push(unknownPortfolio);
    }
    if (errors.length > 0 || Array.isArray(place)) return { errors };
    return { columns: { ...body, ...place } };
  },
  derived: nameKeyOf,
};

/**
 * `POST /imports/establishments`: by `id`, else by `code` (the company's own), else by
 * `taxId`; the export's columns import as they are (its routes are `seller-assignments`).
 */
export const establishmentImport: ImportEntity = {
  name: "establishments",
  columns: ["id", ...WRITABLE],
  ignored: ["cityCode", "departmentCode", "sellerIds", "version", "createdAt", "updatedAt"],
  numbers: ["latitude", "longitude"],
  required: [["id", "code", "taxId"]],
  plan: (ctx, rows) => planVersioned(spec, ctx, rows),
};
