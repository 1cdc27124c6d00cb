import { fromHono } from "chanfana";
import { Hono } from "hono";
import type { Env } from "../../types";
import { ProductCreate } from "./productCreate";
import { ProductList } from "./productList";
import { ProductRead } from "./productRead";

export const productsRouter = fromHono(new Hono<{ Bindings: Env }>());

productsRouter.get("/", ProductList);
productsRouter.post("/", ProductCreate);
productsRouter.get("/:id", ProductRead);
