import { and, asc, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import {
  assertSellerMaySet,
  replacementBy,
  visibleEstablishment,
} from "../../auth/establishment-scope";
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
import type { AppRouteContext, AppRouteHandler } from "../../lib/types";
import { invalidFields } from "../../lib/validation";
import { createOrReplace, putState, recordedOr } from "../../request/create-or-replace";
import { commitCreate } from "../../request/idempotent-create";
import { noSuch, softDeleteVersioned, updateVersioned } from "../../request/versioned-write";
import {
  establishmentColumns,
  establishmentPage,
  placeError,
  toEstablishment,
} from "../../resources/establishments";
import { itemColumns, portfolioColumns } from "../../resources/portfolios";
import {
  establishmentTarget,
  establishmentValues,
  findVisible,
  livePortfolio,
} from "./establishments.queries";
import type * as routes from "./establishments.routes";
import type { CreateEstablishment, Establishment } from "./establishments.schemas";

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

type EstablishmentValues = ReturnType<typeof establishmentValues>;

/**
 * What is wrong with a create or replace body, read against DIVIPOLA and the portfolios
 * (`portfolio`: the live one it names, if any), or its values.
 */
async function checked(c: Context, body: CreateEstablishment, portfolio: unknown[]) {
  const { place, errors } = placeOf(await loadPlaces(c.var.db), body);
  if (body.portfolioId !== undefined && portfolio.length === 0) errors.push(unknownPortfolio);
  return place && errors.length === 0
    ? { values: establishmentValues(body, place) }
    : { invalid: invalidFields(errors) };
}

/**
 * The store created at `id` (by POST, or by a PUT at a free id): a seller who adds a
 * store is the one who visits it, so it goes on their route.
 */
function newEstablishment(c: Context, id: string, values: EstablishmentValues) {
  const { userId, role } = c.var.auth;
  const now = new Date().toISOString();
  const sellerIds = role === "seller" ? [userId] : [];
  const row = { id, ...values, version: 1, createdAt: now, updatedAt: now };
  const establishment: Establishment = { ...row, sellerIds };
  const db = c.var.db;
  return {
    body: establishment,
    location: `${API_BASE}/establishments/${id}`,
    inserts: [
      db.insert(establishments).values({ ...row, ...nameKeyOf(row) }),
      ...sellerIds.map((sellerId) =>
        db.insert(establishmentSellers).values({ establishmentId: id, sellerId, assignedAt: now }),
      ),
    ],
    audited: { name: row.name, city: row.city, portfolioId: row.portfolioId },
  };
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const body = c.req.valid("json");
  await assertSellerMaySet(c, "create");
  const portfolio =
    body.portfolioId === undefined ? [] : await livePortfolio(c.var.db, body.portfolioId);
  const { values, invalid } = await checked(c, body, portfolio);
  if (invalid) return recordedOr(c, invalid);
  const id = uuidv7();
  return commitCreate(c, {
    target: establishmentTarget(c.var.auth, id),
    ...newEstablishment(c, id, values),
  });
};

export const replace: AppRouteHandler<typeof routes.replace> = (c) => putEstablishment(c);

async function putEstablishment(c: AppRouteContext<typeof routes.replace>): Promise<Response> {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  await assertSellerMaySet(c, "create");
  const db = c.var.db;
  const target = establishmentTarget(c.var.auth, id);
  // One round trip for every check: what is at the id, and the portfolio the body names.
  const [[found], portfolio] = await db.batch([
    putState(c, target, { name: establishments.name, kind: establishments.kind }),
    livePortfolio(db, body.portfolioId ?? ""),
  ]);
  const { values, invalid } = await checked(c, body, portfolio);
  // `values` are there whenever `invalid` is not: createOrReplace refuses before it creates.
  return createOrReplace(c, target, found, {
    tellDeleted: c.var.auth.role === "admin",
    invalid,
    create: () => newEstablishment(c, id, values!),
    replace: async (stored) => {
      const establishment = await updateVersioned(c, target, {
        patch: replacementBy(c.var.auth, stored, values!),
        returning: establishmentColumns,
      });
      return c.json(toEstablishment(establishment), Status.OK);
    },
    again: () => putEstablishment(c),
  });
}

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
