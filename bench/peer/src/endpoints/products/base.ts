import { z } from "zod";

// The API's `products` table (migrations/), column for column.
export const product = z.object({
  id: z.string().uuid(),
  sku: z.string().min(1).max(64),
  name: z.string().min(1).max(150),
  name_key: z.string(),
  description: z.string().max(2000).nullable(),
  category: z.string().min(1).max(80),
  brand: z.string().max(80).nullable(),
  gtin: z.string().max(14).nullable(),
  image_url: z.string().url().nullable(),
  unit: z.enum(["unit", "pack", "box", "kg", "l"]),
  price: z.number().int().min(0),
  currency: z.string().length(3).default("COP"),
  status: z.enum(["active", "inactive"]).default("active"),
  version: z.number().int().min(1),
  created_at: z.string().datetime(),
  updated_at: z.string().datetime(),
  deleted_at: z.string().datetime().nullable(),
});

/** What a client sees of a product: the row without the search key and the deletion mark. */
export const publicProduct = product.omit({ name_key: true, deleted_at: true });

export const ProductModel = {
  tableName: "products",
  primaryKeys: ["id"],
  schema: product,
  serializer: ({ name_key, deleted_at, ...row }: Partial<Record<string, unknown>>) => row,
  serializerSchema: publicProduct,
};

/** `name` as the API's search compares it: no accents, no case, no punctuation or spaces. */
export const nameKey = (name: string) =>
  name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
