import type { ImportEntity, ImportEntityName } from "./request/import-plan";
import { sellerAssignmentImport } from "./routes/establishments/establishment-sellers.import";
import { establishmentImport } from "./routes/establishments/establishments.import";
import { portfolioItemImport } from "./routes/portfolios/portfolio-items.import";
import { productImport } from "./routes/products/products.import";
import { userImport } from "./routes/users/users.import";

/**
 * What `POST /imports/{entity}` loads: one entry per kind of row, each defined by its
 * resource beside its single-row schemas (so a row is checked by the same rules), and
 * gathered here, above the routes, for the import route and the job.
 */
export const IMPORT_ENTITIES: Readonly<Record<ImportEntityName, ImportEntity>> = {
  products: productImport,
  establishments: establishmentImport,
  "portfolio-items": portfolioItemImport,
  "seller-assignments": sellerAssignmentImport,
  users: userImport,
};
