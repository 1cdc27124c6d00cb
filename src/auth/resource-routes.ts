import type { RouteConfig, z } from "@hono/zod-openapi";
import type { UserRole } from "../db/schema";
import { DOCS } from "../lib/docs";
import { clientIdParam, idParam } from "../lib/fields";
import * as Status from "../lib/http-status";
import {
  createOperation,
  deleteOperation,
  listOperation,
  putOperation,
  readOperation,
  updateOperation,
} from "../lib/operations";
import { problemResponses } from "../lib/problem";
import { protectedRoute } from "./route";

type Roles = readonly UserRole[];

const capitalised = (word: string) => `${word[0]!.toUpperCase()}${word.slice(1)}`;

/** What a route adds to its operation: a summary of its own, and what is particular to it. */
interface Particulars {
  summary?: string;
  description?: string;
  /** The current state can refuse it (409): a delete while other rows depend on the row. */
  conflicts?: boolean;
}

/**
 * The standard routes of a resource — create, list, get, update, delete, and create or
 * replace at an id the client chose (PUT) — each with its operation
 * (src/lib/operations.ts), its path, tag and a summary in the resource's words.
 * A resource's `*.routes.ts` says only who may call each and what is particular to it.
 */
export function resourceRoutes<const Path extends string, Resource extends z.ZodType>(resource: {
  /** The collection: `/products`; one item is `/products/{id}`. */
  path: Path;
  tag: string;
  noun: string;
  plural: string;
  schema: Resource;
}) {
  const { path, noun, plural, schema } = resource;
  const tags = [resource.tag];
  const params = idParam(noun);
  const item = `${path}/{id}` as const;
  const one = `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`;
  // operationIds read as the client's function names: createProduct, listProducts, …
  const [Noun, Plural] = [capitalised(noun), capitalised(plural)];
  const route = <Operation extends Omit<RouteConfig, "path" | "security" | "middleware">>(
    roles: Roles,
    operation: Operation,
    at: string,
    operationId: string,
    summary: string,
    { conflicts, ...particulars }: Particulars,
  ) =>
    protectedRoute(roles, {
      ...operation,
      path: at,
      operationId,
      tags,
      summary,
      ...particulars,
      responses: {
        ...operation.responses,
        ...(conflicts && problemResponses(Status.CONFLICT)),
      },
    });
  return {
    create: <Body extends z.ZodType>(roles: Roles, body: Body, particulars: Particulars = {}) =>
      route(
        roles,
        createOperation(body, schema),
        path,
        `create${Noun}`,
        `Create ${one}`,
        particulars,
      ),
    list: <Query extends z.ZodObject, Page extends z.ZodType>(
      roles: Roles,
      query: Query,
      page: Page,
      particulars: Particulars = {},
    ) =>
      route(
        roles,
        listOperation(plural, query, page),
        path,
        `list${Plural}`,
        `List ${plural}`,
        particulars,
      ),
    get: (roles: Roles, particulars: Particulars = {}) =>
      route(
        roles,
        readOperation(noun, params, schema),
        item,
        `get${Noun}`,
        `Get ${one}`,
        particulars,
      ),
    update: <Body extends z.ZodType>(roles: Roles, body: Body, particulars: Particulars = {}) =>
      route(
        roles,
        updateOperation(params, body, schema),
        item,
        `update${Noun}`,
        `Update ${one}`,
        particulars,
      ),
    put: <Body extends z.ZodType>(roles: Roles, body: Body, particulars: Particulars = {}) =>
      route(
        roles,
        putOperation(clientIdParam(noun), body, schema),
        item,
        `createOrReplace${Noun}`,
        `Create or replace ${one} at an id of yours`,
        {
          ...particulars,
          description: DOCS
            ? [
                `For a client that makes its own ids (UUIDv7): a free id creates the ${noun} ` +
                  `(201, as POST); the id of ${one} the caller reaches replaces it whole (200), a ` +
                  "field left out taking its default; nothing is written when nothing differs. " +
                  "`If-Match`: replace only; `If-None-Match: *`: create only (else 412). The id " +
                  `of a deleted ${noun} → 409: ids are never reused.`,
                particulars.description,
              ].join(" ")
            : "",
        },
      ),
    remove: (roles: Roles, particulars: Particulars = {}) =>
      route(roles, deleteOperation(params), item, `delete${Noun}`, `Delete ${one}`, particulars),
  };
}
