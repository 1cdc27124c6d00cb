import { notModified, weakEtagOf } from "../../lib/etag";
import * as Status from "../../lib/http-status";
import { ApiError } from "../../lib/problem";
import { decodeSyncCursor, encodeSyncCursor, type SyncCursor } from "../../lib/sync-cursor";
import type { AppRouteHandler } from "../../lib/types";
import { carriedBy, type FeedWindow, feedPage, logHead } from "../../resources/sync";
import type * as routes from "./sync.routes";

const expired = () =>
  new ApiError("sync-cursor-expired", {
    detail: {
      en: "This cursor can no longer be caught up (the change log keeps 30 days, and a new role is a new scope): call GET /api/v1/sync without a cursor and replace the local copy",
      es: "Este cursor ya no se puede poner al día (el registro de cambios guarda 30 días, y un rol nuevo es otro alcance): llame GET /api/v1/sync sin cursor y reemplace la copia local",
    },
  });

/** Where a page starts: a sync in progress goes on; otherwise a new one begins now. */
function windowOf(
  cursor: SyncCursor | undefined,
  auth: { role: string; userId: string },
  limit: number,
): FeedWindow {
  if (cursor?.page) {
    const { until, want, after } = cursor.page;
    return { since: cursor.since, until, have: cursor.have, want, after, limit };
  }
  return {
    since: cursor?.since ?? 0,
    until: logHead,
    have: cursor?.have ?? [],
    want: auth.role === "seller" ? carriedBy(auth.userId) : [],
    limit,
  };
}

export const sync: AppRouteHandler<typeof routes.sync> = async (c) => {
  const { cursor: sent, limit } = c.req.valid("query");
  const { auth } = c.var;
  const key = c.env.IDEMPOTENCY_HMAC_KEY;
  const cursor = sent === undefined ? undefined : await decodeSyncCursor(key, sent, auth.userId);
  // A role change changes the scope (a seller made admin sees everything): start again.
  if (cursor && cursor.role !== auth.role) throw expired();
  const window = windowOf(cursor, auth, limit);
  const page = await feedPage(c.var.db, auth, window);
  // A cursor the log no longer reaches back to (compacted), or from ahead of it (another
  // database: a reset), cannot be caught up: the client starts again from zero.
  const until = cursor?.page?.until ?? page.head;
  if (
    window.since > 0 &&
    (window.since < page.compactedThrough || Math.max(window.since, until) > page.head)
  ) {
    throw expired();
  }
  let next: string;
  if (page.hasMore) {
    next = await encodeSyncCursor(key, {
      user: auth.userId,
      role: auth.role,
      since: window.since,
      have: window.have,
      page: { until, want: page.want, after: page.last! },
    });
  } else if (sent !== undefined && !cursor?.page && page.entries.length === 0) {
    // Nothing changed: the same cursor, so the same answer, which If-None-Match turns into a 304.
    next = sent;
  } else {
    next = await encodeSyncCursor(key, {
      user: auth.userId,
      role: auth.role,
      since: until,
      have: page.want,
    });
  }
  const text = JSON.stringify({ data: page.entries, nextCursor: next, hasMore: page.hasMore });
  // The ETag of a whole sync names where it leaves the client (its nextCursor): every
  // change moves the log head, so the answer to that cursor is empty — and tagged the
  // same — until something changes. The app sends the last ETag it got with its next
  // sync and gets a 304. A page of a sync in progress is tagged by its content.
  const etag = await weakEtagOf(page.hasMore || cursor?.page ? text : `sync:${next}`);
  if (notModified(c, etag)) return c.body(null, Status.NOT_MODIFIED);
  c.header("Content-Type", "application/json");
  return c.body(text, Status.OK);
};
