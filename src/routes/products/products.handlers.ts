import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { portfolioItems, portfolios, products } from "../../db/schema";
import { etagFor, notModified } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { uuidv7 } from "../../lib/ids";
import { API_BASE } from "../../lib/openapi";
import { ApiError } from "../../lib/problem";
import { nameKeyOf } from "../../lib/search-key";
import type { AppRouteContext, AppRouteHandler } from "../../lib/types";
import { createOrReplace, putState } from "../../request/create-or-replace";
import { commitCreate } from "../../request/idempotent-create";
import { noSuch, softDeleteVersioned, updateVersioned } from "../../request/versioned-write";
import { productColumns, productPage } from "../../resources/products";
import { findProduct, productTarget } from "./products.queries";
import type * as routes from "./products.routes";
import type { CreateProduct, Product } from "./products.schemas";

const notFound = () => noSuch("product");

/** A product's fields as a create or a replace writes them: a field left out takes its default. */
const productValues = (body: CreateProduct) => ({
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
});

/** The product created at `id` (by POST, or by a PUT at a free id). */
function newProduct(db: Database, id: string, values: ReturnType<typeof productValues>) {
  const now = new Date().toISOString();
  const product: Product = { id, ...values, version: 1, createdAt: now, updatedAt: now };
  return {
    body: product,
    location: `${API_BASE}/products/${id}`,
    inserts: [db.insert(products).values({ ...product, ...nameKeyOf(product) })],
    audited: { sku: product.sku, name: product.name, price: product.price },
  };
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const id = uuidv7();
  return commitCreate(c, {
    target: productTarget(id),
    ...newProduct(c.var.db, id, productValues(c.req.valid("json"))),
  });
};

export const replace: AppRouteHandler<typeof routes.replace> = (c) => putProduct(c);

async function putProduct(c: AppRouteContext<typeof routes.replace>): Promise<Response> {
  const { id } = c.req.valid("param");
  const values = productValues(c.req.valid("json"));
  const target = productTarget(id);
  const [found] = await putState(c, target);
  return createOrReplace(c, target, found, {
    tellDeleted: true,
    create: () => newProduct(c.var.db, id, values),
    replace: async () =>
      c.json(
        await updateVersioned(c, target, { patch: values, returning: productColumns }),
        Status.OK,
      ),
    again: () => putProduct(c),
  });
}

export const list: AppRouteHandler<typeof routes.list> = async (c) =>
  c.json(await productPage(c.var.db, c.req.valid("query")), Status.OK);

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const product = await findProduct(c.var.db, c.req.valid("param").id);
  if (!product) throw notFound();
  if (notModified(c, etagFor(product.version))) return c.body(null, Status.NOT_MODIFIED);
  return c.json(product, Status.OK);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const product = await updateVersioned(c, productTarget(c.req.valid("param").id), {
    patch: c.req.valid("json"),
    returning: productColumns,
  });
  return c.json(product, Status.OK);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { id } = c.req.valid("param");
  // A listed product stays: its portfolios' sellers would lose it without a word.
  await softDeleteVersioned(c, productTarget(id), {
    count: sql<number>`(select count(*) from ${portfolioItems} join ${portfolios} on ${portfolios.id} = ${portfolioItems.portfolioId} where ${portfolioItems.productId} = ${id} and ${portfolios.deletedAt} is null)`,
    refusal: (count) =>
      new ApiError("conflict", {
        detail: {
          en: `${count} portfolio${count === 1 ? " lists" : "s list"} this product; remove it from them first (GET /api/v1/portfolios?productId=${id}, then DELETE /api/v1/portfolios/{id}/items/${id})`,
          es: `${count} portafolio${count === 1 ? " incluye" : "s incluyen"} este producto; retírelo primero de ellos (GET /api/v1/portfolios?productId=${id}, luego DELETE /api/v1/portfolios/{id}/items/${id})`,
        },
        extensions: { dependents: count },
      }),
  });
  return c.body(null, Status.NO_CONTENT);
};
