import { z } from "@hono/zod-openapi";
import { message } from "./validation";

const PRIVATE_HOST =
  /^(localhost|.*\.localhost|.*\.local|.*\.internal|.*\.lan|0\.0\.0\.0|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|\[.*\])$/i;

/**
 * An https URL on a public host name. The API never fetches it (clients do), but it is
 * still refused when it points at loopback, private, link-local or IPv6-literal hosts, so
 * the catalogue cannot be used to aim apps at internal services (OWASP API7, SSRF).
 */
export const publicHttpsUrl = () =>
  z
    .string()
    .max(2048)
    .refine((value) => {
      if (!URL.canParse(value)) return false;
      const url = new URL(value);
      return (
        url.protocol === "https:" &&
        url.username === "" &&
        url.password === "" &&
        url.hostname.includes(".") &&
        !PRIVATE_HOST.test(url.hostname)
      );
    }, message("publicUrl"))
    .openapi({ format: "uri", example: "https://cdn.example.co/products/7702004003508.jpg" });
