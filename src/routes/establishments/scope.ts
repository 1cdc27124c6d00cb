import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { AccessClaims } from "../../auth/tokens";
import { establishmentSellers, establishments } from "../../db/schema";

/**
 * The one place that decides which establishments a caller may see or touch: admin,
 * support and analyst see every live establishment; a seller only those on their route.
 * Every establishment read, write and nested route filters by it, so an establishment
 * outside the caller's scope is indistinguishable from one that does not exist (404).
 */
export function visibleEstablishments(auth: AccessClaims): SQL {
  const live = isNull(establishments.deletedAt);
  if (auth.role !== "seller") return live;
  return and(
    live,
    sql`exists (select 1 from ${establishmentSellers} where ${establishmentSellers.establishmentId} = ${establishments.id} and ${establishmentSellers.sellerId} = ${auth.userId})`,
  )!;
}

export const visibleEstablishment = (auth: AccessClaims, id: string) =>
  and(eq(establishments.id, id), visibleEstablishments(auth))!;
