import { z } from "@hono/zod-openapi";
import {
  establishmentKinds,
  establishmentStatuses,
  portfolioStatuses,
  productStatuses,
  productUnits,
  userRoles,
  userStatuses,
} from "../db/schema";
import { DOCS } from "../lib/docs";

/**
 * The enumerations the API uses in more than one place, each a named component of the
 * document (a generated client gets one type for each, not one per field).
 */
export const UserRoleSchema = z.enum(userRoles).openapi("UserRole", {
  description: DOCS ? "What a user may do (docs/security.md has the role matrix)." : "",
  example: "seller",
});

export const UserStatusSchema = z.enum(userStatuses).openapi("UserStatus", {
  description: DOCS ? "A disabled user cannot sign in; disabling ends their sessions." : "",
  example: "active",
});

export const ProductUnitSchema = z.enum(productUnits).openapi("ProductUnit", {
  description: DOCS ? "How the product is sold: by the unit, pack, box, kilogram or litre." : "",
  example: "unit",
});

export const ProductStatusSchema = z.enum(productStatuses).openapi("ProductStatus", {
  description: DOCS
    ? "An inactive product stays in the catalogue but cannot be added to a portfolio."
    : "",
  example: "active",
});

export const EstablishmentKindSchema = z.enum(establishmentKinds).openapi("EstablishmentKind", {
  description: DOCS
    ? "The sales channel, as the codes Colombian consumer-goods companies use (Spanish, without accents; `Droguería` is read as `drogueria`)."
    : "",
});

export const EstablishmentStatusSchema = z
  .enum(establishmentStatuses)
  .openapi("EstablishmentStatus", { example: "active" });

export const PortfolioStatusSchema = z
  .enum(portfolioStatuses)
  .openapi("PortfolioStatus", { example: "active" });

/**
 * An enum field a create may leave out. zod-to-openapi drops a default that sits beside a
 * `$ref` (or moves it onto the shared component), so it is stated next to the reference.
 */
export const withDefault = <const V extends string>(schema: z.ZodType<V>, value: V) =>
  schema
    .default(value)
    .openapi({ description: DOCS ? `Defaults to \`${value}\`.` : "", default: value });
