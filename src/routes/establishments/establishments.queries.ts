import { and, eq } from "drizzle-orm";
import { visibleEstablishment } from "../../auth/establishment-scope";
import type { AccessClaims } from "../../auth/tokens";
import type { Database } from "../../db/client";
import type { Place } from "../../db/places";
import { establishmentSellers, establishments, portfolios } from "../../db/schema";
import { liveRow } from "../../db/versions";
import { nameKeyOf } from "../../lib/search-key";
import type { Target } from "../../request/versioned-write";
import { establishmentColumns } from "../../resources/establishments";
import type { CreateEstablishment } from "./establishments.schemas";

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

/** A store's fields as a create or a replace writes them: a field left out takes its default. */
export const establishmentValues = (body: CreateEstablishment, place: Place) => ({
  name: body.name,
  taxId: body.taxId ?? null,
  code: body.code ?? null,
  kind: body.kind,
  address: body.address,
  ...place,
  latitude: body.latitude ?? null,
  longitude: body.longitude ?? null,
  phone: body.phone ?? null,
  portfolioId: body.portfolioId ?? null,
  status: body.status,
});
