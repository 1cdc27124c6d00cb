import { and, asc, eq, gte, sql } from "drizzle-orm";
import {
  assertSellerMaySet,
  visibleEstablishment,
  visibleEstablishments,
} from "../../auth/establishment-scope";
import type { Database } from "../../db/client";
import { keyset } from "../../db/keyset";
import { findDepartment, findPlace, inDepartmentNamed, inMunicipalityNamed } from "../../db/places";
import {
  establishmentSellers,
  establishments,
  portfolioItems,
  portfolios,
  products,
} from "../../db/schema";
import { contains } from "../../db/search";
import { isLive } from "../../db/versions";
import { etagFor, notModified, weakEtagOf } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { API_BASE } from "../../lib/openapi";
import { ApiError, type FieldError } from "../../lib/problem";
import { searchKey } from "../../lib/search-key";
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

/** The DIVIPOLA lookups of a body's department and city, for the checks' round trip. */
const placeLookups = (db: Database, body: { department?: string; city?: string }) =>
  [
    findDepartment(db, body.department ?? ""),
    findPlace(db, body.department ?? "", body.city ?? ""),
  ] as const;

type Found<T extends { execute: () => Promise<unknown> }> = Awaited<ReturnType<T["execute"]>>;

/** What is wrong with a body's place: an unknown department, or a city not in it. */
function placeErrors(
  body: { department?: string; city?: string },
  [departments, places]: [
    Found<ReturnType<typeof findDepartment>>,
    Found<ReturnType<typeof findPlace>>,
  ],
): FieldError[] {
  if (body.department === undefined || body.city === undefined || places.length > 0) return [];
  const [department] = departments;
  return department === undefined
    ? [
        {
          path: "/department",
          message: checkMessage("unknownDepartment", "department", { value: body.department }),
        },
      ]
    : [
        {
          path: "/city",
          message: checkMessage("unknownCity", "city", {
            value: body.city,
            department: department.name,
          }),
        },
      ];
}

const invalid = (errors: FieldError[]) =>
  new ApiError("validation-error", { detail: describeFieldErrors(errors), errors });

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const body = c.req.valid("json");
  await assertSellerMaySet(c, "create");
  const { userId, role } = c.var.auth;
  const db = c.var.db;
  // One round trip for every check: the place in DIVIPOLA and the portfolio.
  const [departments, places, portfolio] = await db.batch([
    ...placeLookups(db, body),
    livePortfolio(db, body.portfolioId ?? ""),
  ]);
  const errors = placeErrors(body, [departments, places]);
  if (body.portfolioId !== undefined && portfolio.length === 0) errors.push(unknownPortfolio);
  if (errors.length > 0) {
    const replay = await replayRecorded(c);
    if (replay) return replay;
    throw invalid(errors);
  }
  const place = places[0]!;
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
      db.insert(establishments).values({ ...row, nameKey: searchKey(row.name) }),
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
  const rows = await db
    .select(establishmentColumns)
    .from(establishments)
    .where(
      and(
        visibleEstablishments(c.var.auth),
        query.q === undefined ? undefined : contains(establishments.nameKey, searchKey(query.q)),
        query.city === undefined
          ? undefined
          : inMunicipalityNamed(db, establishments.cityCode, query.city),
        query.department === undefined
          ? undefined
          : inDepartmentNamed(db, establishments.departmentCode, query.department),
        query.status === undefined ? undefined : eq(establishments.status, query.status),
        query.portfolioId === undefined
          ? undefined
          : eq(establishments.portfolioId, query.portfolioId),
        query.sellerId === undefined
          ? undefined
          : sql`exists (select 1 from ${establishmentSellers} where ${establishmentSellers.establishmentId} = ${establishments.id} and ${establishmentSellers.sellerId} = ${query.sellerId})`,
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
  // One round trip for every check: the establishment (in scope), its new place in
  // DIVIPOLA and its new portfolio.
  const [[before], departments, places, portfolio] = await db.batch([
    findVisible(db, c.var.auth, id),
    ...placeLookups(db, patch),
    livePortfolio(db, patch.portfolioId ?? ""),
  ]);
  if (!before) throw notFound();
  const errors = placeErrors(patch, [departments, places]);
  if (patch.portfolioId && portfolio.length === 0) errors.push(unknownPortfolio);
  if (errors.length > 0) throw invalid(errors);
  const establishment = await updateVersioned(c, establishmentTarget(c.var.auth, id), {
    before,
    // Department and city come together (the schema says so) and are stored as DANE has them.
    patch: { ...patch, ...places[0] },
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
