import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import { establishmentSellers, establishments } from "../db/schema";
import { isLive } from "../db/versions";
import { ApiError } from "../lib/problem";
import type { AccessClaims } from "./tokens";

/**
 * The one place that decides which establishments a caller may see or touch: admin,
 * support and analyst see every live establishment; a seller only those on their route.
 * Every establishment read, write and nested route filters by it, so an establishment
 * outside the caller's scope is indistinguishable from one that does not exist (404).
 */
export function visibleEstablishments(auth: AccessClaims): SQL {
  const live = isLive(establishments);
  if (auth.role !== "seller") return live;
  return and(live, onRouteOf(auth.userId))!;
}

/**
 * The establishments on seller `sellerId`'s route, as a set a query starts from: SQLite
 * reads the route's rows of establishment_sellers by seller and fetches each store by id,
 * so a seller's page costs the size of their route, not of the table. (A correlated
 * `EXISTS` here had SQLite walk every establishment in sort order and probe the route at
 * each: 0.4 s a page at 300,000 stores; test/query-plans.test.ts holds the plan.)
 */
export const onRouteOf = (sellerId: string): SQL =>
  sql`${establishments.id} in (select ${establishmentSellers.establishmentId} from ${establishmentSellers} where ${establishmentSellers.sellerId} = ${sellerId})`;

export const visibleEstablishment = (auth: AccessClaims, id: string) =>
  and(eq(establishments.id, id), visibleEstablishments(auth))!;

/**
 * What a seller may write on a store of their route: where it is and how to reach it.
 * Its identity for tax (taxId: a 409 would tell a seller whether a NIT is registered
 * anywhere), its code in the company's ERP (code: the same, and the bulk import matches
 * stores by it), the portfolio it buys from (it sets the seller's prices) and whether it
 * is active are an admin's, so a store a seller creates carries no portfolio until an
 * admin assigns one. docs/security.md holds this as the field matrix.
 */
export const SELLER_WRITABLE_FIELDS = {
  create: ["name", "kind", "address", "city", "department", "latitude", "longitude", "phone"],
  update: ["address", "city", "department", "latitude", "longitude", "phone"],
} as const;

/**
 * 403 naming every field of the request body a seller may not set (checked before the
 * store is looked up, so it reveals nothing about which stores exist). The keys come from
 * the body as sent: a schema default is not something the seller asked for.
 */
export async function assertSellerMaySet(
  c: Context,
  operation: keyof typeof SELLER_WRITABLE_FIELDS,
) {
  if (c.var.auth.role !== "seller") return;
  const allowed: readonly string[] = SELLER_WRITABLE_FIELDS[operation];
  const refused = Object.keys(await c.req.json()).filter((field) => !allowed.includes(field));
  if (refused.length > 0) throw sellerMayNot("set", refused);
}

/** The columns a store's department and city are stored as, besides their names. */
const PLACE_CODES = ["departmentCode", "cityCode"];

/**
 * What the caller's PUT replaces on a store of their route, of the `values` it would write.
 * An admin replaces them all. A seller only the fields they may change: those only an
 * admin sets (taxId, code, portfolioId, status) cannot be in their body (assertSellerMaySet,
 * "create") and stay as stored; those they set only on create (name, kind) must be sent as
 * `stored` has them (403 naming them otherwise).
 */
export function replacementBy<Values extends Record<string, unknown>>(
  auth: AccessClaims,
  stored: Record<string, unknown>,
  values: Values,
): Partial<Values> {
  if (auth.role !== "seller") return values;
  const { create, update }: Record<string, readonly string[]> = SELLER_WRITABLE_FIELDS;
  const changed = create!.filter(
    (field) => !update!.includes(field) && values[field] !== stored[field],
  );
  if (changed.length > 0) throw sellerMayNot("change", changed);
  return Object.fromEntries(
    Object.entries(values).filter(([field]) => [...update!, ...PLACE_CODES].includes(field)),
  ) as Partial<Values>;
}

/** 403 naming each field a seller may not set or change. */
function sellerMayNot(verb: "set" | "change", fields: string[]) {
  return new ApiError("forbidden", {
    detail: {
      en: `A seller may not ${verb} ${fields.join(", ")}; ask an admin`,
      es: `Un vendedor no puede cambiar ${fields.join(", ")}; pídaselo a un administrador`,
    },
    errors: fields.map((field) => ({
      path: `/${field}`,
      message: {
        en: `Only an admin may ${verb} ${field}`,
        es: `Solo un administrador puede cambiar ${field}`,
      },
    })),
  });
}
