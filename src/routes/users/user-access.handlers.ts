import type { Context } from "hono";
import { issueReset } from "../../auth/password-reset";
import { endUserSessionsAudited, liveSessions } from "../../auth/sessions";
import { diagnose, diagnosisText, readSignInStatus } from "../../auth/sign-in-status";
import { clearAllBuckets } from "../../auth/throttle";
import type { UserRole } from "../../db/schema";
import * as Status from "../../lib/http-status";
import { negotiateLanguage } from "../../lib/language";
import { ApiError } from "../../lib/problem";
import type { AppRouteHandler } from "../../lib/types";
import { audit } from "../../request/audit";
import { noSuch } from "../../request/versioned-write";
import { findUser } from "../../resources/users";
import type * as routes from "./user-access.routes";

/** 404 for no such user, 403 when the caller may not act on them: only an admin acts on an admin. */
function assertMayActOn(c: Context, user: { role: UserRole } | undefined): asserts user {
  if (!user) throw noSuch("user");
  if (user.role === "admin" && c.var.auth.role !== "admin") {
    throw new ApiError("forbidden", {
      detail: {
        en: "Only an admin may act on an admin's account",
        es: "Solo un administrador puede actuar sobre la cuenta de un administrador",
      },
    });
  }
}

/** The user `id`, if the caller may act on their account. */
async function accountToActOn(c: Context, id: string) {
  const user = await findUser(c.var.db, id);
  assertMayActOn(c, user);
  return user;
}

export const listSessions: AppRouteHandler<typeof routes.listSessions> = async (c) => {
  const { id } = c.req.valid("param");
  await accountToActOn(c, id);
  return c.json({ data: await liveSessions(c.var.db, id) }, Status.OK);
};

export const revokeSessions: AppRouteHandler<typeof routes.revokeSessions> = async (c) => {
  const { id } = c.req.valid("param");
  await accountToActOn(c, id);
  await c.var.db.batch(endUserSessionsAudited(c, id, "revoked_by_staff", "user.sessions_revoked"));
  return c.body(null, Status.NO_CONTENT);
};

export const unlock: AppRouteHandler<typeof routes.unlock> = async (c) => {
  const { id } = c.req.valid("param");
  await accountToActOn(c, id);
  const db = c.var.db;
  await db.batch([
    clearAllBuckets(db, id),
    audit(c, { action: "user.sign_in_limits_cleared", entityType: "user", entityId: id }),
  ]);
  return c.body(null, Status.NO_CONTENT);
};

export const signInStatus: AppRouteHandler<typeof routes.signInStatus> = async (c) => {
  const { id } = c.req.valid("param");
  const status = await readSignInStatus(c.var.db, id);
  assertMayActOn(c, status?.user);
  const { user, ...rest } = status!;
  const language = negotiateLanguage(c.req.header("Accept-Language"));
  const findings = diagnose(status!);
  c.header("Content-Language", language);
  c.header("Vary", "Accept-Language", { append: true });
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      userId: user.id,
      email: user.email,
      role: user.role,
      status: user.status,
      ...rest,
      findings: findings.map(({ code, text }) => ({ code, text: text[language] })),
      diagnosis: diagnosisText(findings, language),
    },
    Status.OK,
  );
};

export const issuePasswordReset: AppRouteHandler<typeof routes.issuePasswordReset> = async (c) => {
  const { id } = c.req.valid("param");
  const user = await accountToActOn(c, id);
  if (user.status !== "active") {
    throw new ApiError("conflict", {
      detail: {
        en: "The account is disabled: enable it before issuing a temporary password",
        es: "La cuenta está deshabilitada: habilítela antes de emitir una contraseña temporal",
      },
    });
  }
  const db = c.var.db;
  const now = Date.now();
  const reset = await issueReset(db, id, c.var.auth.userId, now);
  await db.batch([
    reset.upsert,
    ...endUserSessionsAudited(c, id, "revoked_by_staff", "user.password_reset_issued", {
      temporaryPasswordExpiresAt: { before: null, after: reset.expiresAt },
    }),
  ]);
  c.header("Cache-Control", "no-store");
  return c.json(
    { temporaryPassword: reset.temporaryPassword, expiresAt: reset.expiresAt },
    Status.OK,
  );
};
