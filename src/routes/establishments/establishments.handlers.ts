import { and, asc, eq, gte, inArray, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import {
  assertSellerMaySet,
  onRouteOf,
  visibleEstablishment,
  visibleEstablishments,
} from "../../auth/establishment-scope";
import { keyset } from "../../db/keyset";
import {
  departmentCodes,
  findPlace,
  loadPlaces,
  municipalityCodes,
  type Places,
} from "../../db/places";
import {
  establishmentSellers,
  establishments,
  portfolioItems,
  portfolios,
  products,
} from "../../db/schema";
import { containsKey } from "../../db/search";
import { isLive } from "../../db/versions";
import { etagFor, notModified, weakEtagOf } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { API_BASE } from "../../lib/openapi";
import { ApiError, type FieldError } from "../../lib/problem";
import { nameKeyOf } from "../../lib/search-key";
import type { AppRouteHandler } from "../../lib/types";
import { checkMessage, describeFieldErrors } from "../../lib/validation";
import { commitCreate, replayRecorded } from "../../request/idempotent-create";
import { noSuch, softDeleteVersioned, updateVersioned } from "../../request/versioned-write";
import { itemColumns, portfolioColumns } from "../../resources/portfolios";
import {
  establishmentColumns,
  establishmentTarget,
  findVisible,
  livePortfolio,
  toEstablishment,
} from "./establishments.queries";
import type * as routes from "./establishments.routes";
import type { Establishment } from "./establishments.schemas";

const notFound = () => noSuch("establishment");

const unknownPortfolio: FieldError = {
  path: "/portfolioId",
  message: { en: "portfolioId names no portfolio", es: "portfolioId no es un portafolio" },
};

/**
 * Why a department and a city name no place: the department is none, or the city is in
 * none of the departments named (any department, without one). Each at its own field.
 */
function placeError(
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

/** A body's department and city as DIVIPOLA has them, or what is wrong with them. */
function placeOf(places: Places, body: { department?: string; city?: string }) {
  const errors: FieldError[] = [];
  if (body.department === undefined || body.city === undefined) return { errors };
  const place = findPlace(places, body.department, body.city);
  if (!place) errors.push(placeError(places, body, (field) => `/${field}`)!);
  return { place, errors };
}

/** The codes a list's place filter names; a name that is no place is the caller's mistake. */
function placeFilter(places: Places, query: { department?: string; city?: string }) {
  const error = placeError(places, query, (field) => `query.${field}`);
  if (error) throw invalid([error]);
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

const invalid = (errors: FieldError[]) =>
  new ApiError("validation-error", { detail: describeFieldErrors(errors), errors });

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const body = c.req.valid("json");
  await assertSellerMaySet(c, "create");
  const { userId, role } = c.var.auth;
  const db = c.var.db;
  const { place, errors } = placeOf(await loadPlaces(db), body);
  if (body.portfolioId !== undefined && (await livePortfolio(db, body.portfolioId)).length === 0)
    errors.push(unknownPortfolio);
  if (!place || errors.length > 0) {
    const replay = await replayRecorded(c);
    if (replay) return replay;
    throw invalid(errors);
  }
  const now = new Date().toISOString();
  // A seller who adds a store is the one who visits it.
  const sellerIds = role === "seller" ? [userId] : [];
  const row = {
    id: uuidv7(),
    name: body.name,
    taxId: body.taxId ?? null,
    kind: body.kind,
    address: body.address,
    city: place.city,
    cityCode: place.cityCode,
    department: place.department,
    departmentCode: place.departmentCode,
    latitude: body.latitude ?? null,
    longitude: body.longitude ?? null,
    phone: body.phone ?? null,
    portfolioId: body.portfolioId ?? null,
    status: body.status,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const establishment: Establishment = { ...row, sellerIds };
  return commitCreate(c, {
    target: establishmentTarget(c.var.auth, row.id),
    body: establishment,
    location: `${API_BASE}/establishments/${row.id}`,
    inserts: [
      db.insert(establishments).values({ ...row, ...nameKeyOf(row) }),
      ...sellerIds.map((sellerId) =>
        db
          .insert(establishmentSellers)
          .values({ establishmentId: row.id, sellerId, assignedAt: now }),
      ),
    ],
    audited: { name: row.name, city: row.city, portfolioId: row.portfolioId },
  });
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const page = keyset(query, establishments.id, {
    name: establishments.name,
    city: establishments.city,
    createdAt: establishments.createdAt,
    updatedAt: establishments.updatedAt,
  });
  const db = c.var.db;
  const place =
    query.city === undefined && query.department === undefined
      ? { departments: undefined, cities: undefined }
      : placeFilter(await loadPlaces(db), query);
  const rows = await db
    .select(establishmentColumns)
    .from(establishments)
    .where(
      and(
        visibleEstablishments(c.var.auth),
        query.q === undefined ? undefined : containsKey(establishments.nameKey, query.q),
        oneOf(establishments.cityCode, place.cities),
        oneOf(establishments.departmentCode, place.departments),
        query.status === undefined ? undefined : eq(establishments.status, query.status),
        query.portfolioId === undefined
          ? undefined
          : eq(establishments.portfolioId, query.portfolioId),
        query.sellerId === undefined ? undefined : onRouteOf(query.sellerId),
        query.updatedSince === undefined
          ? undefined
          : gte(establishments.updatedAt, query.updatedSince),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const { data, nextCursor } = page.toPage(rows, query.limit);
  return c.json({ data: data.map(toEstablishment), nextCursor }, Status.OK);
};

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const [row] = await findVisible(c.var.db, c.var.auth, c.req.valid("param").id);
  if (!row) throw notFound();
  if (notModified(c, etagFor(row.version))) return c.body(null, Status.NOT_MODIFIED);
  return c.json(toEstablishment(row), Status.OK);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const { id } = c.req.valid("param");
  const patch = c.req.valid("json");
  await assertSellerMaySet(c, "update");
  const db = c.var.db;
  // One round trip for every check: the establishment (in scope) and the new portfolio.
  const [[before], portfolio] = await db.batch([
    findVisible(db, c.var.auth, id),
    livePortfolio(db, patch.portfolioId ?? ""),
  ]);
  if (!before) throw notFound();
  const { place, errors } = placeOf(await loadPlaces(db), patch);
  if (patch.portfolioId && portfolio.length === 0) errors.push(unknownPortfolio);
  if (errors.length > 0) throw invalid(errors);
  const establishment = await updateVersioned(c, establishmentTarget(c.var.auth, id), {
    // Department and city come together (the schema says so) and are stored as DANE has them.
    patch: { ...patch, ...place },
    returning: establishmentColumns,
  });
  return c.json(toEstablishment(establishment), Status.OK);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  await softDeleteVersioned(c, establishmentTarget(c.var.auth, c.req.valid("param").id));
  return c.body(null, Status.NO_CONTENT);
};

export const carriedPortfolio: AppRouteHandler<typeof routes.carriedPortfolio> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  const carried = db
    .select({ id: establishments.portfolioId })
    .from(establishments)
    .where(visibleEstablishment(c.var.auth, id));
  // One round trip: the scoped establishment with the portfolio it carries, and the items.
  const [[found], items] = await db.batch([
    db
      .select({ portfolio: portfolioColumns })
      .from(establishments)
      .leftJoin(portfolios, and(eq(portfolios.id, establishments.portfolioId), isLive(portfolios)))
      .where(visibleEstablishment(c.var.auth, id)),
    db
      .select(itemColumns)
      .from(portfolioItems)
      .innerJoin(products, eq(products.id, portfolioItems.productId))
      .where(and(sql`${portfolioItems.portfolioId} = (${carried})`, isLive(products)))
      .orderBy(asc(portfolioItems.position), asc(portfolioItems.productId)),
  ]);
  if (!found) throw notFound();
  const { portfolio } = found;
  if (!portfolio) {
    throw new ApiError("not-found", {
      detail: {
        en: "This establishment carries no portfolio yet; an admin assigns one",
        es: "Este establecimiento aún no tiene portafolio; un administrador se lo asigna",
      },
    });
  }
  // Item prices come from products, so the ETag hashes the whole answer, not one version.
  // Serialised once: up to 2,000 items are hashed and sent as the same text.
  const text = JSON.stringify({ ...portfolio, items });
  if (notModified(c, await weakEtagOf(text))) return c.body(null, Status.NOT_MODIFIED);
  c.header("Content-Type", "application/json");
  return c.body(text, Status.OK);
};
