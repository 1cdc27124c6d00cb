import { and, max, or, sql } from "drizzle-orm";
import { insertRows, jsonChunks, jsonField } from "../../db/bulk";
import { portfolioItems, portfolios, products } from "../../db/schema";
import { isLive } from "../../db/versions";
import type { Changes } from "../../request/audit";
import {
  Bumps,
  cellText,
  changedFields,
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
  validate,
} from "../../request/import-plan";
import { PutItemSchema } from "./portfolios.schemas";

const PORTFOLIO_COLUMNS = ["portfolioId", "portfolioName"] as const;
const PRODUCT_COLUMNS = ["productId", "sku"] as const;
const asWritten = (_column: string, value: string) => value;
/** A sku is stored upper-cased. */
const skuUpperCased = (column: string, value: string) =>
  column === "sku" ? value.toUpperCase() : value;

/**
 * One round trip for a chunk of item rows: the portfolios and products they name (by id,
 * name or sku), the items those pairs already have, and each portfolio's last position.
 */
async function readItems(ctx: ImportContext, rows: readonly ImportRow[]) {
  const { db } = ctx;
  const portfolioIds = distinctCells(rows, "portfolioId");
  const portfolioNames = distinctCells(rows, "portfolioName");
  const productIds = distinctCells(rows, "productId");
  const skus = distinctCells(rows, "sku", (v) => cellText(v).toUpperCase());
  const namedPortfolios = and(
    isLive(portfolios),
    or(inJson(portfolios.id, portfolioIds), inJson(portfolios.name, portfolioNames)),
  );
  const namedProducts = and(
    isLive(products),
    or(inJson(products.id, productIds), inJson(products.sku, skus)),
  );
  const [portfolioRows, productRows, itemRows, lastPositions] = await db.batch([
    db
      .select({ id: portfolios.id, name: portfolios.name, version: portfolios.version })
      .from(portfolios)
      .where(namedPortfolios),
    db
      .select({ id: products.id, sku: products.sku, status: products.status })
      .from(products)
      .where(namedProducts),
    db
      .select({
        portfolioId: portfolioItems.portfolioId,
        productId: portfolioItems.productId,
        price: portfolioItems.price,
        position: portfolioItems.position,
      })
      .from(portfolioItems)
      .where(
        and(
          sql`${portfolioItems.portfolioId} in (select ${portfolios.id} from ${portfolios} where ${namedPortfolios})`,
          sql`${portfolioItems.productId} in (select ${products.id} from ${products} where ${namedProducts})`,
        ),
      ),
    db
      .select({ portfolioId: portfolioItems.portfolioId, last: max(portfolioItems.position) })
      .from(portfolioItems)
      .where(
        sql`${portfolioItems.portfolioId} in (select ${portfolios.id} from ${portfolios} where ${namedPortfolios})`,
      )
      .groupBy(portfolioItems.portfolioId),
  ]);
  return {
    portfolios: {
      portfolioId: new Map(portfolioRows.map((p) => [p.id, p])),
      portfolioName: new Map(portfolioRows.map((p) => [p.name, p])),
    },
    products: {
      productId: new Map(productRows.map((p) => [p.id, p])),
      sku: new Map(productRows.map((p) => [p.sku, p])),
    },
    items: new Map(itemRows.map((i) => [`${i.portfolioId} ${i.productId}`, i])),
    nextPosition: new Map(lastPositions.map((p) => [p.portfolioId, (p.last ?? -1) + 1])),
  };
}

/**
 * Items of portfolios, matched by portfolio and product: a new pair is added (its product
 * must be active; at the end of the portfolio unless `position` says where), a known one
 * updated when its price or position differ. Each portfolio touched gets one new version,
 * and every item change its audit row and change-log row, as `PUT /portfolios/{id}/items/
 * {productId}` writes them.
 */
async function planItems(ctx: ImportContext, rows: readonly ImportRow[]): Promise<Plan> {
  const { db } = ctx;
  const found = await readItems(ctx, rows);
  const results: RowResult[] = [];
  const bumps = new Bumps();
  const added: Record<string, unknown>[] = [];
  const changed = new Map<string, Record<string, unknown>[]>();
  const audits: Record<string, unknown>[] = [];
  const itemLogs: Record<string, unknown>[] = [];
  const seen = new SeenKeys();

  for (const { row, record } of rows) {
    const portfolio = namedRecord(record, PORTFOLIO_COLUMNS, found.portfolios, asWritten, {
      en: "live portfolio",
      es: "un portafolio vigente",
    });
    const product = namedRecord(record, PRODUCT_COLUMNS, found.products, skuUpperCased, {
      en: "live product",
      es: "un producto vigente",
    });
    const { portfolioId: _p, portfolioName: _n, productId: _i, sku: _s, ...rest } = record;
    const fields = Object.fromEntries(
      Object.entries(rest).filter(([field, value]) => !(field === "position" && value === null)),
    );
    const checked = validate(PutItemSchema, fields);
    const errors = [portfolio, product].filter(isColumnError);
    if (errors.length > 0 || isColumnError(portfolio) || isColumnError(product) || checked.errors) {
      errors.push(...(checked.errors ?? []));
      results.push(rejected(row, errors));
      continue;
    }
    const pair = `${portfolio.id} ${product.id}`;
    const first = seen.claim(pair, row);
    if (first !== undefined) {
      results.push(rejected(row, [repeats(firstFilled(record, PRODUCT_COLUMNS)!.column, first)]));
      continue;
    }
    const existing = found.items.get(pair);
    const values = checked.data;
    let changes: Changes;
    if (existing) {
      changes = changedFields({ price: existing.price, position: existing.position }, values);
      if (Object.keys(changes).length === 0) {
        results.push({ row, outcome: "unchanged", id: product.id });
        continue;
      }
    } else {
      if (product.status !== "active") {
        results.push(
          rejected(row, [
            columnError(
              firstFilled(record, PRODUCT_COLUMNS)!.column,
              "an inactive product cannot be added to a portfolio",
              "un producto inactivo no se puede agregar a un portafolio",
            ),
          ]),
        );
        continue;
      }
      changes = { productId: { before: null, after: product.id } };
    }
    const version = bumps.next(portfolio);
    if (existing) {
      const set = Object.keys(values).sort().join(",");
      changed.set(set, [
        ...(changed.get(set) ?? []),
        { portfolioId: portfolio.id, productId: product.id, ...values },
      ]);
    } else {
      const position = values.position ?? found.nextPosition.get(portfolio.id) ?? 0;
      found.nextPosition.set(
        portfolio.id,
        Math.max(position + 1, found.nextPosition.get(portfolio.id) ?? 0),
      );
      added.push({
        portfolioId: portfolio.id,
        productId: product.id,
        price: values.price ?? null,
        position,
        addedAt: ctx.at,
      });
    }
    audits.push(
      importAudit(ctx, {
        action: existing ? "portfolio.item_updated" : "portfolio.item_added",
        entityType: "portfolio",
        entityId: portfolio.id,
        changes,
      }),
    );
    itemLogs.push(
      logRow(ctx, {
        entityType: "portfolio_item",
        entityId: product.id,
        portfolioId: portfolio.id,
        version,
      }),
    );
    results.push({ row, outcome: existing ? "updated" : "created", id: product.id });
  }

  const writes = [
    ...bumps.statements(db, portfolios, ctx.at),
    ...insertRows(db, portfolioItems, added),
    ...[...changed].flatMap(([set, group]) =>
      jsonChunks(group).map((json) =>
        db
          .update(portfolioItems)
          .set(Object.fromEntries(set.split(",").map((column) => [column, jsonField(column)])))
          .from(sql`json_each(${json}) as j`)
          .where(
            sql`${portfolioItems.portfolioId} = ${jsonField("portfolioId")} and ${portfolioItems.productId} = ${jsonField("productId")}`,
          ),
      ),
    ),
    ...recordStatements(db, audits, [...bumps.logs(ctx, "portfolio"), ...itemLogs]),
  ];
  return { results, writes };
}

/**
 * `POST /imports/portfolio-items`: by portfolio (`portfolioId` or `portfolioName`) and
 * product (`productId` or `sku`); the items export's columns import as they are.
 */
export const portfolioItemImport: ImportEntity = {
  name: "portfolio-items",
  columns: ["portfolioId", "portfolioName", "productId", "sku", "price", "position"],
  ignored: ["addedAt", "name", "unit", "currency", "listPrice", "effectivePrice"],
  numbers: ["price", "position"],
  required: [
    ["portfolioId", "portfolioName"],
    ["productId", "sku"],
  ],
  plan: planItems,
};
