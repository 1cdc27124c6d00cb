import { D1CreateEndpoint, InputValidationException } from "chanfana";
import type { HandleArgs } from "../../types";
import { nameKey, ProductModel } from "./base";

export class ProductCreate extends D1CreateEndpoint<HandleArgs> {
  _meta = {
    model: ProductModel,
    // No id, search key, version or timestamps: the server sets those.
    fields: ProductModel.schema
      .pick({
        sku: true,
        name: true,
        description: true,
        category: true,
        brand: true,
        gtin: true,
        image_url: true,
        unit: true,
        price: true,
        currency: true,
        status: true,
      })
      .partial({ description: true, brand: true, gtin: true, image_url: true }),
  };

  constraintsMessages = {
    "products.sku": new InputValidationException("A product with this sku exists", ["body", "sku"]),
    "products.gtin": new InputValidationException("A product with this gtin exists", [
      "body",
      "gtin",
    ]),
  };

  // version, created_at and updated_at come from the table's defaults.
  async before(data: Record<string, unknown>) {
    return { ...data, id: crypto.randomUUID(), name_key: nameKey(String(data.name)) };
  }
}
