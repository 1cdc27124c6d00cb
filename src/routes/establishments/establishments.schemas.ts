import { z } from "@hono/zod-openapi";
import { DOCS } from "../../lib/docs";
import { id, patchBody, phone, text } from "../../lib/fields";
import { nit } from "../../lib/nit";
import { listQuerySchema, pageSchema } from "../../lib/pagination";
import { message } from "../../lib/validation";
import {
  EstablishmentKindSchema,
  EstablishmentStatusSchema,
  withDefault,
} from "../../resources/enums";
import { EstablishmentFiltersSchema } from "../../resources/establishments";

/** What every establishment route says of who reaches what (src/auth/establishment-scope.ts). */
export const SCOPE_NOTE =
  "Sellers only reach establishments on their route; any other id is a 404.";

import {
  type Establishment,
  EstablishmentSchema,
  establishmentCode,
  latitude,
  longitude,
} from "../../resources/establishments";

export { type Establishment, EstablishmentSchema };

/** A kind as people write it ("Droguería", "Estación de servicio"), read as its code. */
const kind = () =>
  z.preprocess(
    (value) =>
      typeof value === "string"
        ? value
            .normalize("NFD")
            .replace(/\p{M}/gu, "")
            .trim()
            .toLowerCase()
            .replace(/[\s-]+/g, "_")
        : value,
    EstablishmentKindSchema,
  );

const fields = {
  name: text(150),
  taxId: nit(),
  code: establishmentCode().openapi({
    description: DOCS
      ? "The company's own code for the store (its ERP's): 1–50 letters, digits or `. _ / -`, starting with a letter or digit; trimmed, letter case kept. Unique among live establishments (one in use → 409). Only an admin sets it."
      : "",
  }),
  kind: kind(),
  address: text(200),
  city: text(80).openapi({
    description: DOCS
      ? "The municipality: DANE's DIVIPOLA code (`05001`) or its name written any way (`Medellín`, `medellin`, `MEDELLIN`). Must be in `department`; stored with DANE's name and code."
      : "",
    example: "Medellín",
  }),
  department: text(80).openapi({
    description: DOCS
      ? "The department: DIVIPOLA code (`05`) or its name written any way (`Antioquia`, `antioquia`)."
      : "",
    example: "Antioquia",
  }),
  latitude: latitude(),
  longitude: longitude(),
  phone: phone(),
  portfolioId: id().openapi({ description: DOCS ? "The portfolio this store carries." : "" }),
  status: EstablishmentStatusSchema,
};

const coordinatesTogether = (body: { latitude?: number | null; longitude?: number | null }) =>
  (body.latitude === undefined) === (body.longitude === undefined) &&
  (body.latitude === null) === (body.longitude === null);

export const CreateEstablishmentSchema = z
  .strictObject({
    ...fields,
    taxId: fields.taxId.optional(),
    code: fields.code.optional(),
    latitude: fields.latitude.optional(),
    longitude: fields.longitude.optional(),
    phone: fields.phone.optional(),
    portfolioId: fields.portfolioId.optional(),
    status: withDefault(EstablishmentStatusSchema, "active"),
  })
  .refine(coordinatesTogether, { message: message("coordinatesTogether"), path: ["longitude"] })
  .openapi("CreateEstablishment");
export type CreateEstablishment = z.infer<typeof CreateEstablishmentSchema>;

export const UpdateEstablishmentSchema = patchBody({
  ...fields,
  taxId: fields.taxId.nullable(),
  code: fields.code.nullable(),
  latitude: fields.latitude.nullable(),
  longitude: fields.longitude.nullable(),
  phone: fields.phone.nullable(),
  portfolioId: fields.portfolioId.nullable(),
})
  .refine(coordinatesTogether, { message: message("coordinatesTogether"), path: ["longitude"] })
  .refine((body) => (body.city === undefined) === (body.department === undefined), {
    message: message("placeTogether"),
    path: ["city"],
  })
  .openapi("UpdateEstablishment", {
    minProperties: 1,
  });

export const EstablishmentListQuerySchema = listQuerySchema(
  ["name", "city", "createdAt", "updatedAt"],
  "name",
).extend(EstablishmentFiltersSchema.shape);

/**
 * A seller as their co-workers see them: a name, nothing personal (no email, national
 * id, phone or sign-in state; admins and support read those through /users).
 */
export const SellerSummarySchema = z
  .object({ id: z.string(), firstName: z.string(), lastName: z.string() })
  .openapi("SellerSummary");

export const EstablishmentPageSchema = pageSchema(EstablishmentSchema).openapi("EstablishmentPage");
