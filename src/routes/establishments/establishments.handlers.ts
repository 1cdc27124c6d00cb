import { and, asc, eq, sql } from "drizzle-orm";
import { assertSellerMaySet, visibleEstablishment } from "../../auth/establishment-scope";
import { findPlace, loadPlaces, type Places } from "../../db/places";
import {
  establishmentSellers,
  establishments,
  portfolioItems,
  portfolios,
  products,
} from "../../db/schema";
import { isLive } from "../../db/versions";
import { etagFor, notModified, weakEtagOf } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { API_BASE } from "../../lib/openapi";
import { ApiError, type FieldError } from "../../lib/problem";
import { nameKeyOf } from "../../lib/search-key";
import type { AppRouteHandler } from "../../lib/types";
import { invalidFields } from "../../lib/validation";
import { commitCreate, replayRecorded } from "../../request/idempotent-create";
import { noSuch, softDeleteVersioned, updateVersioned } from "../../request/versioned-write";
import {
  establishmentColumns,
  establishmentPage,
  placeError,
  toEstablishment,
} from "../../resources/establishments";
import { itemColumns, portfolioColumns } from "../../resources/portfolios";
import { establishmentTarget, findVisible, livePortfolio } from "./establishments.queries";
import type * as routes from "./establishments.routes";
import type { Establishment } from "./establishments.schemas";

const notFound = () => noSuch("establishment");

const unknownPortfolio: FieldError = {
  path: "/portfolioId",
  message: { en: "portfolioId names no portfolio", es: "portfolioId no es un portafolio" },
};

/** A body's department and city as DIVIPOLA has them, or what is wrong with them. */
function placeOf(places: Places, body: { department?: string; city?: string }) {
  const errors: FieldError[] = [];
  if (body.department === undefined || body.city === undefined) return { errors };
  const place = findPlace(places, body.department, body.city);
  if (!place) errors.push(placeError(places, body, (field) => `/${field}`)!);
  return { place, errors };
}

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
    throw invalidFields(errors);
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

export const list: AppRouteHandler<typeof routes.list> = async (c) =>
  c.json(await establishmentPage(c.var.db, c.var.auth, c.req.valid("query")), Status.OK);

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
  if (errors.length > 0) throw invalidFields(errors);
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
