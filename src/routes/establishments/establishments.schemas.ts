import { z } from "@hono/zod-openapi";
import { establishmentKinds, establishmentStatuses, establishments } from "../../db/schema";
import { resourceVersion } from "../../lib/etag";
import { id, patchBody, phone, searchText, text, timestamps, updatedSince } from "../../lib/fields";
import { nit } from "../../lib/nit";
import { listQuerySchema, pageSchema } from "../../lib/pagination";
import { createSelectSchema } from "../../lib/table-schema";
import { EstablishmentStatusSchema, withDefault } from "../../resources/enums";
import * as examples from "../../resources/examples";

/** What every establishment route says of who reaches what (src/auth/establishment-scope.ts). */
export const SCOPE_NOTE =
  "Sellers only reach establishments on their route; any other id is a 404.";

export const EstablishmentSchema = createSelectSchema(establishments, {
  ...timestamps(),
  // REAL columns: without these, the document would state a double's whole range.
  latitude: () => z.number().min(-90).max(90).openapi({ example: 6.2447 }),
  longitude: () => z.number().min(-180).max(180).openapi({ example: -75.5906 }),
  status: EstablishmentStatusSchema,
  version: resourceVersion(),
})
  .omit({ deletedAt: true })
  .extend({
    sellerIds: z
      .array(z.string())
      .openapi({ description: "Sellers with this establishment on their route." }),
  })
  .openapi("Establishment", { example: examples.establishment });
export type Establishment = z.infer<typeof EstablishmentSchema>;

const latitude = () => z.number().min(-90).max(90);
const longitude = () => z.number().min(-180).max(180);

const fields = {
  name: text(150),
  taxId: nit(),
  kind: z.enum(establishmentKinds),
  address: text(200),
  city: text(80),
  department: text(80),
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
  .refine(coordinatesTogether, {
    message: "Send latitude and longitude together",
    path: ["longitude"],
  })
  .openapi("CreateEstablishment", { example: examples.createEstablishment });

export const UpdateEstablishmentSchema = patchBody({
  ...fields,
  taxId: fields.taxId.nullable(),
  latitude: fields.latitude.nullable(),
  longitude: fields.longitude.nullable(),
  phone: fields.phone.nullable(),
  portfolioId: fields.portfolioId.nullable(),
})
  .refine(coordinatesTogether, {
    message: "Send latitude and longitude together",
    path: ["longitude"],
  })
  .openapi("UpdateEstablishment", { example: examples.updateEstablishment, minProperties: 1 });

export const EstablishmentListQuerySchema = listQuerySchema(
  ["name", "city", "createdAt", "updatedAt"],
  "name",
).extend({
  q: searchText("name"),
  city: z.string().min(1).max(80).optional(),
  department: z.string().min(1).max(80).optional(),
  status: z.enum(establishmentStatuses).optional(),
  portfolioId: id().optional(),
  sellerId: id().optional().openapi({ description: "Only on this seller's route." }),
  updatedSince: updatedSince(),
});

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
