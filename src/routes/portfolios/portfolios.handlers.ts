import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { keyset } from "../../db/keyset";
import { establishments, portfolioItems, portfolios } from "../../db/schema";
import { contains } from "../../db/search";
import { isLive } from "../../db/versions";
import { assertIfMatch, etagFor, notModified } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { API_BASE } from "../../lib/openapi";
import { ApiError } from "../../lib/problem";
import type { AppRouteContext, AppRouteHandler } from "../../lib/types";
import { diff } from "../../request/audit";
import { createOrReplace, putState, recordedOr } from "../../request/create-or-replace";
import { replaceWithHeld } from "../../request/held-replace";
import { commitCreate } from "../../request/idempotent-create";
import { noSuch, softDeleteVersioned, updateVersioned } from "../../request/versioned-write";
import { type Portfolio, portfolioColumns } from "../../resources/portfolios";
import {
  auditedItems,
  type ItemValues,
  itemProblems,
  itemSetChange,
  itemSetStatements,
  itemValues,
  newItems,
  productIdsOf,
  storedItems,
} from "./portfolio-item-set";
import {
  findPortfolio,
  liveProductReads,
  liveProducts,
  portfolioTarget,
  statusById,
} from "./portfolios.queries";
import type * as routes from "./portfolios.routes";
import type { CreatePortfolio } from "./portfolios.schemas";

const notFound = () => noSuch("portfolio");

/** A portfolio's fields as a create or a replace writes them: a field left out takes its default. */
const portfolioValues = (body: Omit<CreatePortfolio, "items">) => ({
  name: body.name,
  description: body.description ?? null,
  status: body.status,
});

/** The portfolio created at `id` with its items (by POST, or by a PUT at a free id). */
function newPortfolio(
  db: Database,
  id: string,
  values: ReturnType<typeof portfolioValues>,
  items: ItemValues[],
) {
  const now = new Date().toISOString();
  const portfolio: Portfolio = {
    id,
    ...values,
    version: 1,
    createdAt: now,
    updatedAt: now,
    itemCount: items.length,
  };
  const { itemCount: _count, ...row } = portfolio;
  return {
    body: portfolio,
    location: `${API_BASE}/portfolios/${id}`,
    inserts: [db.insert(portfolios).values(row), ...newItems(db, id, items, now)],
    audited: { name: portfolio.name, itemCount: items.length },
  };
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const { items, ...body } = c.req.valid("json");
  const db = c.var.db;
  const wanted = itemValues(items);
  const invalid = itemProblems(wanted, await liveProducts(db, productIdsOf(wanted)));
  if (invalid) return recordedOr(c, invalid);
  const id = uuidv7();
  return commitCreate(c, {
    target: portfolioTarget(id),
    ...newPortfolio(db, id, portfolioValues(body), wanted),
  });
};

export const replace: AppRouteHandler<typeof routes.replace> = (c) => putPortfolio(c, 1);

/**
 * How many times a PUT that changes the item set tries: it applies only to the version it
 * read (src/request/held-replace.ts), and reads again when another write to the portfolio
 * landed in between. Each try lost is another write won, so up to this many concurrent
 * writers all go through; beyond, one may get 412.
 */
const PUT_TRIES = 5;

async function putPortfolio(
  c: AppRouteContext<typeof routes.replace>,
  attempt: number,
): Promise<Response> {
  const { id } = c.req.valid("param");
  const { items, ...body } = c.req.valid("json");
  // A replace sets the item set only when the body lists one: a schema default is not.
  const itemsSent = Object.hasOwn(await c.req.json(), "items");
  const wanted = itemValues(items);
  const values = portfolioValues(body);
  const db = c.var.db;
  const target = portfolioTarget(id);
  // One round trip for every check: what is at the id, its items, the products listed.
  const [[found], stored, ...listed] = await db.batch([
    putState(c, target, {
      name: portfolios.name,
      description: portfolios.description,
      status: portfolios.status,
    }),
    storedItems(db, id),
    ...liveProductReads(db, productIdsOf(wanted)),
  ]);
  return createOrReplace(c, target, found, {
    tellDeleted: true,
    invalid: itemProblems(wanted, statusById(listed)),
    create: () => newPortfolio(db, id, values, wanted),
    replace: async (before) => {
      const change = itemsSent ? itemSetChange(stored, wanted) : undefined;
      if (!change) {
        const portfolio = await updateVersioned(c, target, {
          patch: values,
          returning: portfolioColumns,
        });
        return c.json(portfolio, Status.OK);
      }
      assertIfMatch(c, before.version);
      const portfolio = await replaceWithHeld(c, target, {
        version: before.version,
        patch: values,
        changes: { ...diff(before, values), ...auditedItems(change) },
        held: (guard, at) =>
          itemSetStatements(db, id, change, { version: before.version + 1, at, guard }),
        returning: portfolioColumns,
        lastTry: attempt === PUT_TRIES,
      });
      return portfolio ? c.json(portfolio, Status.OK) : putPortfolio(c, attempt + 1);
    },
    again: () => putPortfolio(c, attempt),
  });
}

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const { limit, q, status, productId } = query;
  const page = keyset(query, portfolios.id, {
    name: portfolios.name,
    createdAt: portfolios.createdAt,
    updatedAt: portfolios.updatedAt,
  });
  const rows = await c.var.db
    .select(portfolioColumns)
    .from(portfolios)
    .where(
      and(
        isLive(portfolios),
        q === undefined ? undefined : contains(portfolios.name, q),
        status === undefined ? undefined : eq(portfolios.status, status),
        productId === undefined
          ? undefined
          : sql`exists (select 1 from ${portfolioItems} where ${portfolioItems.portfolioId} = ${portfolios.id} and ${portfolioItems.productId} = ${productId})`,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(limit + 1);
  return c.json(page.toPage(rows, limit), Status.OK);
};

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const [portfolio] = await findPortfolio(c.var.db, c.req.valid("param").id);
  if (!portfolio) throw notFound();
  if (notModified(c, etagFor(portfolio.version))) return c.body(null, Status.NOT_MODIFIED);
  return c.json(portfolio, Status.OK);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const portfolio = await updateVersioned(c, portfolioTarget(c.req.valid("param").id), {
    patch: c.req.valid("json"),
    returning: portfolioColumns,
  });
  return c.json(portfolio, Status.OK);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  // Stores carrying it would be left without prices: detach them first.
  await softDeleteVersioned(c, portfolioTarget(id), {
    count: sql<number>`(select count(*) from ${establishments} where ${establishments.portfolioId} = ${id} and ${establishments.deletedAt} is null)`,
    refusal: (count) =>
      new ApiError("conflict", {
        detail: {
          en: `${count} establishment${count === 1 ? " carries" : "s carry"} this portfolio; give ${count === 1 ? "it" : "them"} another portfolio or none first (GET /api/v1/establishments?portfolioId=${id}, then PATCH each with portfolioId)`,
          es: `${count} establecimiento${count === 1 ? " tiene" : "s tienen"} este portafolio; asígne${count === 1 ? "le" : "les"} otro o ninguno primero (GET /api/v1/establishments?portfolioId=${id}, luego PATCH a cada uno con portfolioId)`,
        },
        extensions: { dependents: count },
      }),
  });
  return c.body(null, Status.NO_CONTENT);
};
