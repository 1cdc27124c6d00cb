import { ApiException, fromHono } from "chanfana";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { productsRouter } from "./endpoints/products/router";
import type { Env } from "./types";

const app = new Hono<{ Bindings: Env }>();

app.onError((err, c) => {
  if (err instanceof ApiException) {
    return c.json(
      { success: false, errors: err.buildResponse() },
      err.status as ContentfulStatusCode,
    );
  }
  console.error("Unhandled error:", err);
  return c.json(
    { success: false, errors: [{ code: 7000, message: "Internal Server Error" }] },
    500,
  );
});

const openapi = fromHono(app, {
  docs_url: "/",
  schema: {
    info: {
      title: "Portafolio peer",
      version: "1.0.0",
      description: "The benchmark's peer: products on D1 with chanfana's D1 endpoints.",
    },
  },
});

openapi.route("/products", productsRouter);

export default app;
