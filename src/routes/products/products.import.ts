import { products } from "../../db/schema";
import { isLive } from "../../db/versions";
import { nameKeyOf } from "../../lib/search-key";
import {
  columnsOf,
  type ImportEntity,
  planVersioned,
  presentFields,
  type VersionedEntitySpec,
  validate,
} from "../../request/import-plan";
import { CreateProductSchema, UpdateProductSchema } from "./products.schemas";

/** What a product row may set: the create body's fields. */
const WRITABLE = [
  "sku",
  "name",
  "description",
  "category",
  "brand",
  "gtin",
  "imageUrl",
  "unit",
  "price",
  "currency",
  "status",
] as const;

const spec: VersionedEntitySpec<undefined> = {
  table: products,
  entityType: "product",
  logged: true,
  uniques: [
    { field: "sku", column: products.sku, key: (value) => String(value).trim().toUpperCase() },
    { field: "gtin", column: products.gtin, key: (value) => String(value).trim() },
  ],
  matchBy: ["sku"],
  select: () => ({
    fields: columnsOf(products, ["id", "version", ...WRITABLE]),
    live: isLive(products),
  }),
  create: (record) => {
    const checked = validate(CreateProductSchema, presentFields(record));
    if (checked.errors) return checked;
    const body = checked.data;
    return {
      columns: {
        ...body,
        description: body.description ?? null,
        brand: body.brand ?? null,
        gtin: body.gtin ?? null,
        imageUrl: body.imageUrl ?? null,
      },
      audited: { sku: body.sku, name: body.name, price: body.price },
    };
  },
  update: (record) => {
    if (Object.keys(record).length === 0) return { columns: {} };
    const checked = validate(UpdateProductSchema, record);
    return checked.errors ? checked : { columns: checked.data };
  },
  derived: nameKeyOf,
};

/** `POST /imports/products`: by `id`, else by `sku`; the export's columns import as they are. */
export const productImport: ImportEntity = {
  name: "products",
  columns: ["id", ...WRITABLE],
  ignored: ["version", "createdAt", "updatedAt"],
  numbers: ["price"],
  required: [["id", "sku"]],
  plan: (ctx, rows) => planVersioned(spec, ctx, rows),
};
