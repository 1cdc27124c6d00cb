import { z } from "@hono/zod-openapi";
import { hmacSha256Hex } from "./encoding";
import { base64url } from "./jwt";
import { ApiError } from "./problem";

/**
 * The cursor of GET /sync: where a client stands in the change log, and which portfolios
 * it holds complete (a seller's feed decides from it what entered and what left their
 * scope: src/resources/sync.ts). Unlike a list cursor it is signed: what it says the
 * client holds decides which tombstones are sent, so a forged one could probe a portfolio
 * the caller never carried. It is also bound to the user it was issued to.
 */
export interface SyncCursor {
  /** The user it was issued to. */
  user: string;
  /** Their role then: it decides the scope, so a cursor from another role cannot go on. */
  role: string;
  /** The client holds every change up to this log seq (0: nothing yet). */
  since: number;
  /** The portfolios whose items the client holds complete as of `since`. */
  have: string[];
  /** A sync in progress (more pages to come): where it stops and where it stands. */
  page?: {
    /** The log head when the sync began: the next sync starts from it. */
    until: number;
    /** The portfolios this sync sends (the caller's when it began). */
    want: string[];
    /** The last entry sent: its section and key. */
    after: [section: number, key: string];
  };
}

const Ids = z.array(z.string().min(1).max(64)).max(1000);
const PayloadSchema = z.strictObject({
  u: z.string().min(1),
  r: z.string().min(1),
  s: z.number().int().min(0),
  h: Ids,
  t: z.number().int().min(0).optional(),
  w: Ids.optional(),
  a: z.tuple([z.number().int().min(0), z.string()]).optional(),
});

const signature = async (key: string, payload: string) =>
  (await hmacSha256Hex(key, `sync-cursor\n${payload}`)).slice(0, 32);

export async function encodeSyncCursor(key: string, cursor: SyncCursor): Promise<string> {
  const payload = base64url.encode(
    JSON.stringify({
      u: cursor.user,
      r: cursor.role,
      s: cursor.since,
      h: cursor.have,
      ...(cursor.page && { t: cursor.page.until, w: cursor.page.want, a: cursor.page.after }),
    }),
  );
  return `${payload}.${await signature(key, payload)}`;
}

const invalidCursor = () =>
  new ApiError("validation-error", {
    detail: {
      en: "The sync cursor is not valid: pass back a nextCursor this API gave you, or none to start from zero",
      es: "El cursor de sincronización no es válido: envíe un nextCursor que le dio esta API, o ninguno para empezar de cero",
    },
    errors: [
      {
        path: "query.cursor",
        message: {
          en: "cursor was not issued to this user by this API",
          es: "cursor no fue emitido a este usuario por esta API",
        },
      },
    ],
  });

const fromUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Reads a cursor back: a bad signature, shape or user is a 400. */
export async function decodeSyncCursor(
  key: string,
  text: string,
  userId: string,
): Promise<SyncCursor> {
  const [payload, mac, ...rest] = text.split(".");
  if (payload === undefined || mac === undefined || rest.length > 0) throw invalidCursor();
  const expected = await signature(key, payload);
  // Both are hex of the same length: timingSafeEqual would throw on a length mismatch.
  const utf8 = new TextEncoder();
  if (
    mac.length !== expected.length ||
    !crypto.subtle.timingSafeEqual(utf8.encode(mac), utf8.encode(expected))
  ) {
    throw invalidCursor();
  }
  let parsed: z.infer<typeof PayloadSchema>;
  try {
    parsed = PayloadSchema.parse(JSON.parse(fromUtf8.decode(base64url.decode(payload))));
  } catch {
    throw invalidCursor();
  }
  if (parsed.u !== userId) throw invalidCursor();
  const page =
    parsed.t !== undefined && parsed.w !== undefined && parsed.a !== undefined
      ? { until: parsed.t, want: parsed.w, after: parsed.a }
      : undefined;
  return {
    user: parsed.u,
    role: parsed.r,
    since: parsed.s,
    have: parsed.h,
    ...(page && { page }),
  };
}
