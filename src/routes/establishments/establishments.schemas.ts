import { z } from "@hono/zod-openapi";
import { getTableColumns, sql } from "drizzle-orm";
import { createSchemaFactory } from "drizzle-zod";
import {
  establishmentKinds,
  establishmentSellers,
  establishmentStatuses,
  establishments,
} from "../../db/schema";
import { nit, phone, searchText, text, timestamp, updatedSince } from "../../lib/fields";
import { listQuerySchema, pageSchema } from "../../lib/pagination";

const { createSelectSchema } = createSchemaFactory({ zodInstance: z });

const { deletedAt: _deletedAt, ...publicColumns } = getTableColumns(establishments);

/**
 * Columns of an establishment as returned, with its sellers' ids folded in by a
 * subquery — one query for a page of establishments, never one per row.
 */
export const establishmentColumns = {
  ...publicColumns,
  sellerIds:
    sql<string>`(select json_group_array(seller_id) from (select ${establishmentSellers.sellerId} as seller_id from ${establishmentSellers} where ${establishmentSellers.establishmentId} = ${establishments.id} order by seller_id))`.as(
      "seller_ids",
    ),
};

type EstablishmentRow = Omit<typeof establishments.$inferSelect, "deletedAt"> & {
  sellerIds: string;
};

export const toEstablishment = ({ sellerIds, ...row }: EstablishmentRow): Establishment => ({
  ...row,
  sellerIds: JSON.parse(sellerIds) as string[],
});

export const EstablishmentSchema = createSelectSchema(establishments, {
  createdAt: timestamp(),
  updatedAt: timestamp(),
})
  .omit({ deletedAt: true })
  .extend({
    sellerIds: z
      .array(z.string())
      .openapi({ description: "Sellers with this establishment on their route." }),
  })
  .openapi("Establishment");
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
  portfolioId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ description: "The portfolio this store carries." }),
  status: z.enum(establishmentStatuses),
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
    status: fields.status.default("active"),
  })
  .refine(coordinatesTogether, {
    message: "Send latitude and longitude together",
    path: ["longitude"],
  })
  .openapi("CreateEstablishment");

export const UpdateEstablishmentSchema = z
  .strictObject({
    ...fields,
    taxId: fields.taxId.nullable(),
    latitude: fields.latitude.nullable(),
    longitude: fields.longitude.nullable(),
    phone: fields.phone.nullable(),
    portfolioId: fields.portfolioId.nullable(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, "Send at least one field to change")
  .refine(coordinatesTogether, {
    message: "Send latitude and longitude together",
    path: ["longitude"],
  })
  .openapi("UpdateEstablishment");

export const EstablishmentListQuerySchema = listQuerySchema(
  ["name", "city", "createdAt", "updatedAt"],
  "name",
).extend({
  q: searchText("name"),
  city: z.string().min(1).max(80).optional(),
  department: z.string().min(1).max(80).optional(),
  status: z.enum(establishmentStatuses).optional(),
  portfolioId: z.string().min(1).max(64).optional(),
  sellerId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: "Only on this seller's route." }),
  updatedSince: updatedSince(),
});

/**
 * A seller as their co-workers see them: a name, nothing personal (no email, national
 * id, phone or sign-in state; admins and support read those through /users).
 */
export const SellerSummarySchema = z
  .object({ id: z.string(), firstName: z.string(), lastName: z.string() })
  .openapi("SellerSummary");

export const EstablishmentPageSchema = pageSchema(EstablishmentSchema).openapi("EstablishmentPage");
