import { routerFor } from "../../lib/create-router";
import type { ImportEntity, ImportEntityName } from "../../request/import-plan";
import { importHandlers } from "./imports.handlers";
import * as routes from "./imports.routes";

/** The imports, loading each kind of row with its entity (src/import-entities.ts). */
export const createImportRouter = (entities: Readonly<Record<ImportEntityName, ImportEntity>>) =>
  routerFor(routes, importHandlers(entities));
