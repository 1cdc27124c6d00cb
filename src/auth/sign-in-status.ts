import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditEvents, passwordResets, signInThrottles, users } from "../db/schema";
import type { Language, Text } from "../lib/language";
import { liveSessions } from "./sessions";
import { ATTEMPTS_PER_WINDOW, OTHER_NETWORKS, WINDOW_SECONDS } from "./throttle";

/**
 * "Why can't this seller sign in?" in one D1 round trip: the account, its temporary
 * password, its sign-in buckets, its last sign-in, its last failures (those with an email
 * no account had, when it is this account's email, included) and its live sessions, read
 * in one batch; then a diagnosis in plain words.
 */
const RECENT_FAILURES = 10;
const FAILURE_ACTIONS = ["auth.login_failed", "auth.locked_out"];

const iso = (ms: number) => new Date(ms).toISOString();

/** The statements of the one round trip, in a batch. */
function reads(db: Database, userId: string, now: number) {
  const email = sql`(select lower(${users.email}) from ${users} where ${users.id} = ${userId})`;
  const failures = (entity: ReturnType<typeof sql>) =>
    db
      .select({
        occurredAt: auditEvents.occurredAt,
        action: auditEvents.action,
        changes: auditEvents.changes,
        ip: auditEvents.ip,
        userAgent: auditEvents.userAgent,
        requestId: auditEvents.requestId,
      })
      .from(auditEvents)
      .where(
        and(sql`${auditEvents.entityId} = ${entity}`, inArray(auditEvents.action, FAILURE_ACTIONS)),
      )
      .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
      .limit(RECENT_FAILURES);
  return [
    db
      .select({
        id: users.id,
        email: users.email,
        role: users.role,
        status: users.status,
        lastLoginAt: users.lastLoginAt,
        passwordChangedAt: users.passwordChangedAt,
        reset: {
          issuedAt: passwordResets.issuedAt,
          expiresAt: passwordResets.expiresAt,
          issuedBy: passwordResets.issuedBy,
          usedAt: passwordResets.usedAt,
        },
      })
      .from(users)
      .leftJoin(passwordResets, eq(passwordResets.userId, users.id))
      .where(eq(users.id, userId)),
    db
      .select({
        bucket: signInThrottles.bucket,
        attempts: signInThrottles.attempts,
        windowStartedAt: signInThrottles.windowStartedAt,
      })
      .from(signInThrottles)
      .where(
        and(
          eq(signInThrottles.userId, userId),
          sql`${signInThrottles.windowStartedAt} > ${iso(now - WINDOW_SECONDS * 1000)}`,
        ),
      ),
    db
      .select({
        occurredAt: auditEvents.occurredAt,
        ip: auditEvents.ip,
        userAgent: auditEvents.userAgent,
      })
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, userId), eq(auditEvents.action, "auth.login")))
      .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
      .limit(1),
    failures(sql`${userId}`),
    failures(email),
    liveSessions(db, userId, now),
  ] as const;
}

export async function readSignInStatus(db: Database, userId: string, now = Date.now()) {
  const [[account], buckets, [lastSignIn], own, byEmail, sessions] = await db.batch(
    reads(db, userId, now),
  );
  if (!account) return undefined;
  const { reset, ...user } = account;
  const throttles = buckets.map((b) => {
    const windowEndsAt = iso(Date.parse(b.windowStartedAt) + WINDOW_SECONDS * 1000);
    return {
      bucket: b.bucket,
      attempts: b.attempts,
      windowStartedAt: b.windowStartedAt,
      windowEndsAt,
      lockedUntil: b.attempts >= ATTEMPTS_PER_WINDOW ? windowEndsAt : null,
    };
  });
  const recentFailures = [...own, ...byEmail]
    .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt))
    .slice(0, RECENT_FAILURES)
    .map(({ action, changes, ...failure }) => ({
      ...failure,
      reason:
        action === "auth.locked_out"
          ? "locked_out"
          : String(
              (changes as { reason?: { after?: unknown } } | null)?.reason?.after ?? "unknown",
            ),
    }));
  const lockedUntil =
    throttles
      .map((t) => t.lockedUntil)
      .filter((t): t is string => t !== null)
      .sort()
      .at(-1) ?? null;
  return {
    user,
    lockedUntil,
    failedAttemptsInWindow: throttles.reduce((sum, t) => sum + t.attempts, 0),
    throttles,
    lastSignIn:
      lastSignIn ??
      (user.lastLoginAt ? { occurredAt: user.lastLoginAt, ip: null, userAgent: null } : null),
    recentFailures,
    passwordReset: reset?.issuedAt ? reset : null,
    sessions,
  };
}

export type SignInStatus = NonNullable<Awaited<ReturnType<typeof readSignInStatus>>>;

/** Colombia's time of day (UTC−5 all year, no daylight saving since 1993), as people say it. */
const bogotaTime = (at: string) => `${iso(Date.parse(at) - 5 * 3600 * 1000).slice(11, 16)}`;

/** Each finding: a code for tools, and words for the person on the phone. */
export interface Finding {
  code: string;
  text: Text;
}

/**
 * What stands between the user and a sign-in, most decisive first, in words support can
 * read out. Times are Colombia's (UTC−5).
 */
export function diagnose(status: SignInStatus, now = Date.now()): Finding[] {
  const findings: Finding[] = [];
  const { user, throttles, passwordReset, recentFailures, lastSignIn, sessions } = status;
  if (user.status !== "active") {
    findings.push({
      code: "disabled",
      text: {
        en: "The account is disabled: no password works until an admin enables it (PATCH /users/{id} status=active).",
        es: "La cuenta está deshabilitada: ninguna contraseña sirve hasta que un administrador la habilite (PATCH /users/{id} status=active).",
      },
    });
  }
  if (passwordReset) {
    const expired = Date.parse(passwordReset.expiresAt) <= now;
    if (passwordReset.usedAt !== null) {
      findings.push({
        code: "password_change_pending",
        text: {
          en: `Signed in with the temporary password at ${bogotaTime(passwordReset.usedAt)} but has not set a new password yet; if the 10 minutes passed, issue a new temporary password.`,
          es: `Inició sesión con la contraseña temporal a las ${bogotaTime(passwordReset.usedAt)} pero aún no definió una contraseña nueva; si pasaron los 10 minutos, emita otra contraseña temporal.`,
        },
      });
    } else if (!expired) {
      findings.push({
        code: "temporary_password_pending",
        text: {
          en: `A temporary password issued at ${bogotaTime(passwordReset.issuedAt)} is waiting to be used; it works until ${bogotaTime(passwordReset.expiresAt)}.`,
          es: `Hay una contraseña temporal emitida a las ${bogotaTime(passwordReset.issuedAt)} sin usar; sirve hasta las ${bogotaTime(passwordReset.expiresAt)}.`,
        },
      });
    } else {
      findings.push({
        code: "temporary_password_expired",
        text: {
          en: `The temporary password issued at ${bogotaTime(passwordReset.issuedAt)} expired at ${bogotaTime(passwordReset.expiresAt)}: issue a new one.`,
          es: `La contraseña temporal emitida a las ${bogotaTime(passwordReset.issuedAt)} venció a las ${bogotaTime(passwordReset.expiresAt)}: emita una nueva.`,
        },
      });
    }
  }
  for (const t of throttles) {
    const where =
      t.bucket === OTHER_NETWORKS
        ? {
            en: "from networks the account has not used before",
            es: "desde redes que la cuenta no ha usado antes",
          }
        : { en: `from network ${t.bucket}`, es: `desde la red ${t.bucket}` };
    if (t.lockedUntil !== null) {
      findings.push({
        code: "locked",
        text: {
          en: `Sign-in ${where.en} is locked after ${t.attempts} wrong passwords since ${bogotaTime(t.windowStartedAt)}; it unlocks at ${bogotaTime(t.lockedUntil)}, or support can unlock it now (POST /users/{id}/unlock).`,
          es: `El inicio de sesión ${where.es} está bloqueado tras ${t.attempts} contraseñas erradas desde las ${bogotaTime(t.windowStartedAt)}; se desbloquea a las ${bogotaTime(t.lockedUntil)}, o soporte puede desbloquearlo ya (POST /users/{id}/unlock).`,
        },
      });
    } else {
      const left = ATTEMPTS_PER_WINDOW - t.attempts;
      findings.push({
        code: "wrong_passwords",
        text: {
          en: `${t.attempts} wrong password(s) ${where.en} since ${bogotaTime(t.windowStartedAt)}: ${left} more before a lock until ${bogotaTime(t.windowEndsAt)}.`,
          es: `${t.attempts} contraseña(s) errada(s) ${where.es} desde las ${bogotaTime(t.windowStartedAt)}: ${left} intento(s) más antes de un bloqueo hasta las ${bogotaTime(t.windowEndsAt)}.`,
        },
      });
    }
  }
  const unknownEmail = recentFailures.filter((f) => f.reason === "unknown_email");
  if (unknownEmail.length > 0) {
    findings.push({
      code: "unknown_email_attempts",
      text: {
        en: `${unknownEmail.length} recent sign-in(s) with this email found no account (the last at ${bogotaTime(unknownEmail[0]!.occurredAt)}): they happened before the account existed, or while it was deleted.`,
        es: `${unknownEmail.length} intento(s) reciente(s) con este correo no encontraron cuenta (el último a las ${bogotaTime(unknownEmail[0]!.occurredAt)}): ocurrieron antes de que la cuenta existiera, o mientras estuvo eliminada.`,
      },
    });
  }
  if (findings.length === 0) {
    findings.push(
      lastSignIn === null
        ? {
            code: "never_signed_in",
            text: {
              en: "Nothing blocks sign-in, and the account has never signed in: check the email they type letter by letter (failures with an unknown email are at GET /audit-events?entityType=email&entityId=<email>).",
              es: "Nada impide el inicio de sesión, y la cuenta nunca ha iniciado sesión: revise letra por letra el correo que escribe (los intentos con un correo desconocido están en GET /audit-events?entityType=email&entityId=<correo>).",
            },
          }
        : {
            code: "ok",
            text: {
              en: `Nothing blocks sign-in. Last sign-in at ${bogotaTime(lastSignIn.occurredAt)} (${lastSignIn.occurredAt.slice(0, 10)})${lastSignIn.ip ? ` from ${lastSignIn.ip}` : ""}; ${sessions.length} live session(s). If the app still says the email or password is wrong, check the email they type, or issue a temporary password.`,
              es: `Nada impide el inicio de sesión. Último inicio a las ${bogotaTime(lastSignIn.occurredAt)} (${lastSignIn.occurredAt.slice(0, 10)})${lastSignIn.ip ? ` desde ${lastSignIn.ip}` : ""}; ${sessions.length} sesión(es) activa(s). Si la aplicación sigue diciendo que el correo o la contraseña no son correctos, revise el correo que escribe, o emita una contraseña temporal.`,
            },
          },
    );
  }
  return findings;
}

/** The findings as one paragraph in `language`. */
export const diagnosisText = (findings: Finding[], language: Language) =>
  findings.map((f) => f.text[language]).join(" ");
