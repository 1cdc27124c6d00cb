import { routerFor } from "../../lib/create-router";
import { batchHandlers, type Dispatch } from "./batch.handlers";
import * as routes from "./batch.routes";

/** `POST /batch`, sending each operation through `dispatch`: the app itself (src/app.ts). */
export const createBatchRouter = (dispatch: Dispatch) => routerFor(routes, batchHandlers(dispatch));
