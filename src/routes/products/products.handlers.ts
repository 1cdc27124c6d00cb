import { and, eq, gte, inArray, isNull, or, sql } from "drizzle-orm";
import { audit, diff } from "../../db/audit";
import type { Database } from "../../db/client";
import { conflictOnUnique } from "../../db/errors";
import { commitCreate } from "../../db/idempotency";
import { portfolioItems, portfolios, products } from "../../db/schema";
import { softDeleteVersioned, updateVersioned } from "../../db/versioned-update";
import { etagFor, notModified } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { API_BASE } from "../../lib/openapi";
import { keyset } from "../../lib/pagination";
import { ApiError } from "../../lib/problem";
import { contains } from "../../lib/search";
import type { AppRouteHandler } from "../../lib/types";
import type * as routes from "./products.routes";
import { type Product, productColumns } from "./products.schemas";

// D1 names a partial unique index by its column: `products.sku`.
const UNIQUE_FIELDS = { "products.sku": "sku", "products.gtin": "gtin" };

const notFound = () => new ApiError("not-found", { detail: "No such product" });

const live = (id: string) => and(eq(products.id, id), isNull(products.deletedAt));

async function findProduct(db: Database, id: string): Promise<Product | undefined> {
  const [product] = await db.select(productColumns).from(products).where(live(id));
  return product;
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const body = c.req.valid("json");
  const now = new Date().toISOString();
  const product: Product = {
    id: uuidv7(),
    sku: body.sku,
    name: body.name,
    description: body.description ?? null,
    category: body.category,
    brand: body.brand ?? null,
    gtin: body.gtin ?? null,
    imageUrl: body.imageUrl ?? null,
    unit: body.unit,
    price: body.price,
    currency: body.currency,
    status: body.status,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  return commitCreate(c, { body: product, location: `${API_BASE}/products/${product.id}` }, [
    c.var.db.insert(products).values(product),
    audit(c, {
      action: "product.created",
      entityType: "product",
      entityId: product.id,
      changes: diff({}, { sku: product.sku, name: product.name, price: product.price }),
    }),
  ]).catch((error) => conflictOnUnique(error, UNIQUE_FIELDS));
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor, sort, q, category, status, gtin, updatedSince } = c.req.valid("query");
  const page = keyset({
    sort,
    cursor,
    id: products.id,
    columns: {
      name: products.name,
      sku: products.sku,
      price: products.price,
      createdAt: products.createdAt,
      updatedAt: products.updatedAt,
    },
  });
  const rows = await c.var.db
    .select(productColumns)
    .from(products)
    .where(
      and(
        isNull(products.deletedAt),
        q === undefined ? undefined : or(contains(products.name, q), contains(products.sku, q)),
        category === undefined ? undefined : eq(products.category, category),
        status === undefined ? undefined : eq(products.status, status),
        gtin === undefined ? undefined : eq(products.gtin, gtin),
        updatedSince === undefined ? undefined : gte(products.updatedAt, updatedSince),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(limit + 1);
  return c.json(page.toPage(rows, limit), Status.OK);
};

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const product = await findProduct(c.var.db, c.req.valid("param").id);
  if (!product) throw notFound();
  if (notModified(c, etagFor(product.version))) return c.body(null, Status.NOT_MODIFIED);
  return c.json(product, Status.OK);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  const before = await findProduct(db, id);
  if (!before) throw notFound();
  const { row } = await updateVersioned(c, {
    before,
    patch: c.req.valid("json"),
    entityType: "product",
    entityId: id,
    version: products.version,
    uniqueFields: UNIQUE_FIELDS,
    update: (values, guard) =>
      db
        .update(products)
        .set(values)
        .where(and(live(id), guard))
        .returning(productColumns),
    currentVersion: async () => (await findProduct(db, id))?.version,
  });
  c.header("ETag", etagFor(row.version));
  return c.json(row, Status.OK);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.var.db;
  const before = await findProduct(db, id);
  if (!before) throw notFound();
  await softDeleteVersioned(c, {
    before,
    entityType: "product",
    entityId: id,
    version: products.version,
    deletedAt: products.deletedAt,
    markDeleted: (values, guard) =>
      db
        .update(products)
        .set(values)
        .where(and(live(id), guard))
        .returning({ id: products.id }),
    // Portfolios that held it change: bump their version, then drop the item.
    consequences: (now, applied) => [
      db
        .update(portfolios)
        .set({ version: sql`${portfolios.version} + 1`, updatedAt: now })
        .where(
          and(
            inArray(
              portfolios.id,
              db
                .select({ id: portfolioItems.portfolioId })
                .from(portfolioItems)
                .where(eq(portfolioItems.productId, id)),
            ),
            applied,
          ),
        ),
      db.delete(portfolioItems).where(and(eq(portfolioItems.productId, id), applied)),
    ],
    currentVersion: async () => (await findProduct(db, id))?.version,
  });
  return c.body(null, Status.NO_CONTENT);
};
