import { and, eq } from "drizzle-orm";
import { visibleEstablishment } from "../../auth/establishment-scope";
import type { AccessClaims } from "../../auth/tokens";
import type { Database } from "../../db/client";
import { establishmentSellers, establishments, portfolios } from "../../db/schema";
import { liveRow } from "../../db/versions";
import { nameKeyOf } from "../../lib/search-key";
import type { Target } from "../../request/versioned-write";
import { establishmentColumns } from "../../resources/establishments";

/** Seller `sellerId` has establishment `establishmentId` on their route. */
export const assignment = (establishmentId: string, sellerId: string) =>
  and(
    eq(establishmentSellers.establishmentId, establishmentId),
    eq(establishmentSellers.sellerId, sellerId),
  );

/** The establishment `id` if the caller may reach it (src/auth/establishment-scope.ts). */
export const findVisible = (db: Database, auth: AccessClaims, id: string) =>
  db.select(establishmentColumns).from(establishments).where(visibleEstablishment(auth, id));

/** The portfolio `id`, if it exists and is not deleted: what a store may carry. */
export const livePortfolio = (db: Database, id: string) =>
  db.select({ id: portfolios.id }).from(portfolios).where(liveRow(portfolios, id));

/** An establishment in the caller's scope, as the target of a write. */
export const establishmentTarget = (
  auth: AccessClaims,
  id: string,
): Target<typeof establishments> => ({
  table: establishments,
  entityType: "establishment",
  entityId: id,
  where: visibleEstablishment(auth, id),
  derived: nameKeyOf,
  uniqueFields: { "establishments.tax_id": "taxId", "establishments.code": "code" },
});
