import { D1ListEndpoint } from "chanfana";
import type { HandleArgs } from "../../types";
import { ProductModel } from "./base";

// The API's list options in chanfana's terms: its sort fields, its filters, search over
// name and sku; chanfana adds page/per_page (OFFSET) and a total count.
export class ProductList extends D1ListEndpoint<HandleArgs> {
  _meta = { model: ProductModel };

  filterFields = ["category", "status", "gtin"];
  searchFields = ["name", "sku"];
  orderByFields = ["name", "sku", "price", "created_at", "updated_at"];
  defaultOrderBy = "name ASC";
}
