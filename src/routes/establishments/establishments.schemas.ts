import { z } from "@hono/zod-openapi";
import { establishments } from "../../db/schema";
import { resourceVersion } from "../../lib/etag";
import { id, patchBody, phone, text, timestamps } from "../../lib/fields";
import { nit } from "../../lib/nit";
import { listQuerySchema, pageSchema } from "../../lib/pagination";
import { createSelectSchema } from "../../lib/table-schema";
import { message } from "../../lib/validation";
import {
  EstablishmentKindSchema,
  EstablishmentStatusSchema,
  withDefault,
} from "../../resources/enums";
import { EstablishmentFiltersSchema } from "../../resources/establishments";
import * as examples from "../../resources/examples";

/** What every establishment route says of who reaches what (src/auth/establishment-scope.ts). */
export const SCOPE_NOTE =
  "Sellers only reach establishments on their route; any other id is a 404.";

// REAL columns: without bounds, the document would state a double's whole range.
const latitude = () => z.number().min(-90).max(90).openapi({ example: 6.2447 });
const longitude = () => z.number().min(-180).max(180).openapi({ example: -75.5906 });

export const EstablishmentSchema = createSelectSchema(establishments, {
  ...timestamps(),
  latitude,
  longitude,
  kind: EstablishmentKindSchema,
  status: EstablishmentStatusSchema,
  version: resourceVersion(),
})
  .omit({ deletedAt: true, nameKey: true })
  .extend({
    department: z
      .string()
      .openapi({ description: "DANE's name of the department.", example: "Antioquia" }),
    departmentCode: z.string().nullable().openapi({
      description:
        "DIVIPOLA code of the department (2 digits). Null only on a store recorded before places were validated whose place matched none.",
      example: "05",
    }),
    city: z
      .string()
      .openapi({ description: "DANE's name of the municipality.", example: "Medellín" }),
    cityCode: z.string().nullable().openapi({
      description: "DIVIPOLA code of the municipality (5 digits); null as for departmentCode.",
      example: "05001",
    }),
    sellerIds: z
      .array(z.string())
      .openapi({ description: "Sellers with this establishment on their route." }),
  })
  .openapi("Establishment", { example: examples.establishment });
export type Establishment = z.infer<typeof EstablishmentSchema>;

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
  kind: kind(),
  address: text(200),
  city: text(80).openapi({
    description:
      "The municipality: DANE's DIVIPOLA code (`05001`) or its name written any way (`Medellín`, `medellin`, `MEDELLIN`). Must be in `department`; stored with DANE's name and code.",
    example: "Medellín",
  }),
  department: text(80).openapi({
    description:
      "The department: DIVIPOLA code (`05`) or its name written any way (`Antioquia`, `antioquia`).",
    example: "Antioquia",
  }),
  latitude: latitude(),
  longitude: longitude(),
  phone: phone(),
  portfolioId: id().openapi({ description: "The portfolio this store carries." }),
  status: EstablishmentStatusSchema,
};

const coordinatesTogether = (body: { latitude?: number | null; longitude?: number | null }) =>
  (body.latitude === undefined) === (body.longitude === undefined) &&
  (body.latitude === null) === (body.longitude === null);

export const CreateEstablishmentSchema = z
  .strictObject({
    ...fields,
    taxId: fields.taxId.optional(),
    latitude: fields.latitude.optional(),
    longitude: fields.longitude.optional(),
    phone: fields.phone.optional(),
    portfolioId: fields.portfolioId.optional(),
    status: withDefault(EstablishmentStatusSchema, "active"),
  })
  .refine(coordinatesTogether, { message: message("coordinatesTogether"), path: ["longitude"] })
  .openapi("CreateEstablishment", { example: examples.createEstablishment });
export type CreateEstablishment = z.infer<typeof CreateEstablishmentSchema>;

export const UpdateEstablishmentSchema = patchBody({
  ...fields,
  taxId: fields.taxId.nullable(),
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
  .openapi("UpdateEstablishment", { example: examples.updateEstablishment, minProperties: 1 });

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
  .openapi("SellerSummary", { example: examples.sellerSummary });

export const EstablishmentPageSchema = pageSchema(EstablishmentSchema).openapi(
  "EstablishmentPage",
  { example: examples.establishmentPage },
);
