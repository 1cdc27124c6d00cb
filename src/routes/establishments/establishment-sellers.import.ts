import { and, or, sql } from "drizzle-orm";
import { insertRows } from "../../db/bulk";
import { establishmentSellers, establishments, users } from "../../db/schema";
import { isLive } from "../../db/versions";
import { nit } from "../../lib/nit";
import {
  Bumps,
  cellText,
  columnError,
  distinctCells,
  firstFilled,
  type ImportContext,
  type ImportEntity,
  type ImportRow,
  importAudit,
  inJson,
  isColumnError,
  logRow,
  namedRecord,
  type Plan,
  type RowResult,
  recordStatements,
  rejected,
  repeats,
  SeenKeys,
} from "../../request/import-plan";

/** A NIT as stored (`800197268-4`) however it was written; as written when it is none. */
export const nitKey = (value: unknown) => {
  const parsed = nit().safeParse(cellText(value));
  return parsed.success ? parsed.data : cellText(value);
};

const STORE_COLUMNS = ["establishmentId", "establishmentCode", "establishmentTaxId"] as const;
const SELLER_COLUMNS = ["sellerId", "sellerEmail"] as const;

/**
 * One round trip for a chunk of route rows: the live stores and the users they name, and
 * the assignments those already have.
 */
async function readRoutes(ctx: ImportContext, rows: readonly ImportRow[]) {
  const { db } = ctx;
  const namedStores = and(
    isLive(establishments),
    or(
      inJson(establishments.id, distinctCells(rows, "establishmentId")),
      inJson(establishments.code, distinctCells(rows, "establishmentCode")),
      inJson(establishments.taxId, distinctCells(rows, "establishmentTaxId", nitKey)),
    ),
  );
  const email = sql<string>`lower(${users.email})`;
  const namedUsers = or(
    inJson(users.id, distinctCells(rows, "sellerId")),
    inJson(
      email,
      distinctCells(rows, "sellerEmail", (v) => cellText(v).toLowerCase()),
    ),
  );
  const [storeRows, userRows, assigned] = await db.batch([
    db
      .select({
        id: establishments.id,
        code: establishments.code,
        taxId: establishments.taxId,
        version: establishments.version,
      })
      .from(establishments)
      .where(namedStores),
    db.select({ id: users.id, email, role: users.role }).from(users).where(namedUsers),
    db
      .select({
        establishmentId: establishmentSellers.establishmentId,
        sellerId: establishmentSellers.sellerId,
      })
      .from(establishmentSellers)
      .where(
        and(
          sql`${establishmentSellers.establishmentId} in (select ${establishments.id} from ${establishments} where ${namedStores})`,
          sql`${establishmentSellers.sellerId} in (select ${users.id} from ${users} where ${namedUsers})`,
        ),
      ),
  ]);
  const index = <T, K extends keyof T>(list: T[], key: K) =>
    new Map(list.filter((x) => x[key] !== null).map((x) => [String(x[key]), x]));
  return {
    stores: {
      establishmentId: index(storeRows, "id"),
      establishmentCode: index(storeRows, "code"),
      establishmentTaxId: index(storeRows, "taxId"),
    },
    sellers: { sellerId: index(userRows, "id"), sellerEmail: index(userRows, "email") },
    assigned: new Set(assigned.map((a) => `${a.establishmentId} ${a.sellerId}`)),
  };
}

/**
 * Sellers put on stores' routes, matched by store and seller: a pair already on the route
 * is unchanged, a new one assigned. Each store whose route changes gets one new version,
 * and each assignment the audit and change-log rows `PUT /establishments/{id}/sellers/
 * {userId}` writes. An import adds to routes; taking a store off one is that DELETE.
 */
async function planRoutes(ctx: ImportContext, rows: readonly ImportRow[]): Promise<Plan> {
  const { db } = ctx;
  const found = await readRoutes(ctx, rows);
  const results: RowResult[] = [];
  const bumps = new Bumps();
  const assignments: Record<string, unknown>[] = [];
  const audits: Record<string, unknown>[] = [];
  const logs: Record<string, unknown>[] = [];
  const seen = new SeenKeys();

  for (const { row, record } of rows) {
    const store = namedRecord(
      record,
      STORE_COLUMNS,
      found.stores,
      (column, value) => (column === "establishmentTaxId" ? nitKey(value) : value),
      { en: "live establishment", es: "un establecimiento vigente" },
    );
    const seller = namedRecord(
      record,
      SELLER_COLUMNS,
      found.sellers,
      (column, value) => (column === "sellerEmail" ? value.toLowerCase() : value),
      { en: "user", es: "un usuario" },
    );
    const errors = [store, seller].filter(isColumnError);
    if (!isColumnError(seller) && seller.role !== "seller") {
      errors.push(
        columnError(
          firstFilled(record, SELLER_COLUMNS)!.column,
          "only users with role seller can have a route",
          "solo los usuarios con rol seller pueden tener una ruta",
        ),
      );
    }
    if (errors.length > 0 || isColumnError(store) || isColumnError(seller)) {
      results.push(rejected(row, errors));
      continue;
    }
    const pair = `${store.id} ${seller.id}`;
    const first = seen.claim(pair, row);
    if (first !== undefined) {
      results.push(rejected(row, [repeats(firstFilled(record, SELLER_COLUMNS)!.column, first)]));
      continue;
    }
    if (found.assigned.has(pair)) {
      results.push({ row, outcome: "unchanged", id: store.id });
      continue;
    }
    const version = bumps.next(store);
    assignments.push({ establishmentId: store.id, sellerId: seller.id, assignedAt: ctx.at });
    audits.push(
      importAudit(ctx, {
        action: "establishment.seller_assigned",
        entityType: "establishment",
        entityId: store.id,
        changes: { sellerId: { before: null, after: seller.id } },
      }),
    );
    logs.push(
      logRow(ctx, {
        entityType: "establishment",
        entityId: store.id,
        version,
        sellerId: seller.id,
      }),
    );
    results.push({ row, outcome: "created", id: store.id });
  }

  const writes = [
    ...bumps.statements(db, establishments, ctx.at),
    ...insertRows(db, establishmentSellers, assignments),
    ...recordStatements(db, audits, logs),
  ];
  return { results, writes };
}

/** `POST /imports/seller-assignments`: by store and seller. */
export const sellerAssignmentImport: ImportEntity = {
  name: "seller-assignments",
  columns: [...STORE_COLUMNS, ...SELLER_COLUMNS],
  ignored: [],
  numbers: [],
  required: [STORE_COLUMNS, SELLER_COLUMNS],
  plan: planRoutes,
};
