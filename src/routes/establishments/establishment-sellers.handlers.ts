import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import { visibleEstablishment } from "../../auth/establishment-scope";
import { establishmentSellers, establishments, users } from "../../db/schema";
import * as Status from "../../lib/http-status";
import { ApiError } from "../../lib/problem";
import type { AppRouteHandler } from "../../lib/types";
import { changeHeld, noSuch } from "../../request/versioned-write";
import type * as routes from "./establishment-sellers.routes";
import { assignment, establishmentTarget } from "./establishments.queries";

const notFound = () => noSuch("establishment");

export const listSellers: AppRouteHandler<typeof routes.listSellers> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  const [[establishment], sellers] = await db.batch([
    db
      .select({ id: establishments.id })
      .from(establishments)
      .where(visibleEstablishment(c.var.auth, id)),
    db
      .select({ id: users.id, firstName: users.firstName, lastName: users.lastName })
      .from(establishmentSellers)
      .innerJoin(users, eq(users.id, establishmentSellers.sellerId))
      .where(eq(establishmentSellers.establishmentId, id))
      .orderBy(asc(users.lastName), asc(users.id)),
  ]);
  if (!establishment) throw notFound();
  return c.json({ data: sellers }, Status.OK);
};

/**
 * Puts an establishment on a seller's route or takes it off. Its `sellerIds` change, so
 * its version goes up with the membership (src/request/versioned-write.ts `changeHeld`).
 * Idempotent: a change that changes nothing bumps nothing.
 */
async function changeRoute(
  c: Context,
  id: string,
  sellerId: string,
  before: { version: number },
  assign: boolean,
) {
  const db = c.var.db;
  const now = new Date().toISOString();
  await changeHeld(c, establishmentTarget(c.var.auth, id), {
    before,
    change: (establishmentAsChecked: SQL) =>
      assign
        ? db
            .insert(establishmentSellers)
            .select(sql`select ${id}, ${sellerId}, ${now} where ${establishmentAsChecked}`)
            .onConflictDoNothing()
        : db
            .delete(establishmentSellers)
            .where(and(assignment(id, sellerId), establishmentAsChecked)),
    action: assign ? "establishment.seller_assigned" : "establishment.seller_unassigned",
    routeOf: sellerId,
    changes: {
      sellerId: assign ? { before: null, after: sellerId } : { before: sellerId, after: null },
    },
  });
}

const establishmentVersion = (c: Context, id: string) =>
  c.var.db
    .select({ version: establishments.version })
    .from(establishments)
    .where(visibleEstablishment(c.var.auth, id));

export const assignSeller: AppRouteHandler<typeof routes.assignSeller> = async (c) => {
  const { id, userId } = c.req.valid("param");
  const db = c.var.db;
  const [[establishment], [seller]] = await db.batch([
    establishmentVersion(c, id),
    db.select({ role: users.role }).from(users).where(eq(users.id, userId)),
  ]);
  if (!establishment) throw notFound();
  if (!seller) throw noSuch("user");
  if (seller.role !== "seller") {
    throw new ApiError("conflict", {
      detail: {
        en: "Only users with role seller can have a route",
        es: "Solo los usuarios con rol seller pueden tener una ruta",
      },
    });
  }
  await changeRoute(c, id, userId, establishment, true);
  return c.body(null, Status.NO_CONTENT);
};

export const unassignSeller: AppRouteHandler<typeof routes.unassignSeller> = async (c) => {
  const { id, userId } = c.req.valid("param");
  const [establishment] = await establishmentVersion(c, id);
  if (!establishment) throw notFound();
  await changeRoute(c, id, userId, establishment, false);
  return c.body(null, Status.NO_CONTENT);
};
