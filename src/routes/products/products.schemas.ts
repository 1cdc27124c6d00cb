import { z } from "@hono/zod-openapi";
import { DOCS } from "../../lib/docs";
import { currency, patchBody, text } from "../../lib/fields";
import { gtin } from "../../lib/gtin";
import { listQuerySchema, pageSchema } from "../../lib/pagination";
import { publicHttpsUrl } from "../../lib/public-url";
import { message } from "../../lib/validation";
import { ProductStatusSchema, ProductUnitSchema, withDefault } from "../../resources/enums";
import { price } from "../../resources/money";
import { type Product, ProductFiltersSchema, ProductSchema } from "../../resources/products";

export { type Product, ProductSchema };

const sku = () =>
  z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, message("sku"))
    .toUpperCase()
    .openapi({
      description: DOCS ? "Stock-keeping unit, stored upper-cased." : "",
      example: "BEB-COLA-350",
    });

const fields = {
  sku: sku(),
  name: text(150),
  description: text(2000),
  category: text(80),
  brand: text(80),
  gtin: gtin(),
  imageUrl: publicHttpsUrl(),
  unit: ProductUnitSchema,
  price: price(),
  currency: currency(),
  status: ProductStatusSchema,
};

export const CreateProductSchema = z
  .strictObject({
    ...fields,
    description: fields.description.optional(),
    brand: fields.brand.optional(),
    gtin: fields.gtin.optional(),
    imageUrl: fields.imageUrl.optional(),
    currency: fields.currency.default("COP"),
    status: withDefault(ProductStatusSchema, "active"),
  })
  .openapi("CreateProduct");
export type CreateProduct = z.infer<typeof CreateProductSchema>;

export const UpdateProductSchema = patchBody({
  ...fields,
  description: fields.description.nullable(),
  brand: fields.brand.nullable(),
  gtin: fields.gtin.nullable(),
  imageUrl: fields.imageUrl.nullable(),
}).openapi("UpdateProduct", {
  minProperties: 1,
});

export const ProductListQuerySchema = listQuerySchema(
  ["name", "sku", "price", "createdAt", "updatedAt"],
  "name",
).extend(ProductFiltersSchema.shape);

export const ProductPageSchema = pageSchema(ProductSchema).openapi("ProductPage");
