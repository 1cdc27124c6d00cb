import type { Text } from "../lib/language";
import { commonPasswords } from "./common-passwords";

/**
 * Password hashing with PBKDF2-SHA256 through WebCrypto. 100,000 iterations is the most
 * production Workers accept (local workerd allows more, so a test pins the constant).
 * Hashes describe themselves — `pbkdf2-sha256$<iterations>$<salt>$<hash>` — so the cost
 * can be raised later while old hashes still verify.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;
const SCHEME = "pbkdf2-sha256";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

const encoder = new TextEncoder();

// Hashes store salt and hash in standard base64 (the format hashes were written in).
const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
/** Throws on anything that is not base64. */
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

/** NFC so the same password typed on two keyboards hashes the same (NIST SP 800-63B). */
const normalise = (password: string) => password.normalize("NFC");

/** Length as the policy counts it: Unicode code points of the NFC form. */
export const passwordLength = (password: string) => [...normalise(password)].length;

/** How a password is looked up in the common-password list: NFC, lower-cased. */
export const commonPasswordKey = (password: string) => normalise(password).toLowerCase();

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(normalise(password)),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `${SCHEME}$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** Constant-time comparison (the platform's, which throws on unequal lengths). */
const timingSafeEqual = (a: Uint8Array, b: Uint8Array) =>
  a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);

function parseHash(stored: string) {
  const [scheme, iterations, salt, hash, ...rest] = stored.split("$");
  const rounds = Number(iterations);
  // Production Workers refuse more than PBKDF2_ITERATIONS, so such a hash cannot verify.
  if (scheme !== SCHEME || rest.length > 0 || !salt || !hash) return null;
  if (!Number.isSafeInteger(rounds) || rounds < 1 || rounds > PBKDF2_ITERATIONS) return null;
  try {
    return { rounds, salt: fromBase64(salt), hash: fromBase64(hash) };
  } catch {
    return null;
  }
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  return timingSafeEqual(await derive(password, parsed.salt, parsed.rounds), parsed.hash);
}

/** True for hashes made with fewer iterations than today's: re-hash at the next login. */
export function needsRehash(stored: string): boolean {
  return (parseHash(stored)?.rounds ?? 0) < PBKDF2_ITERATIONS;
}

/**
 * A real hash of a random password, verified when the email is unknown so that a login
 * for a missing account costs the same time as one with a wrong password.
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}

/**
 * NIST SP 800-63B / OWASP ASVS 5 policy: 12–256 characters of anything, no composition
 * rules, no truncation; not one of the most common passwords, not the email. Returns
 * the broken rule, or null.
 */
export function passwordPolicyViolation(password: string, email: string): Text | null {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH) {
    return {
      en: `Use at least ${PASSWORD_MIN_LENGTH} characters (a passphrase of a few words works well)`,
      es: `Use al menos ${PASSWORD_MIN_LENGTH} caracteres (una frase de unas pocas palabras sirve)`,
    };
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return {
      en: `Use at most ${PASSWORD_MAX_LENGTH} characters`,
      es: `Use como máximo ${PASSWORD_MAX_LENGTH} caracteres`,
    };
  }
  const lower = commonPasswordKey(password);
  if (commonPasswords.has(lower)) {
    return {
      en: "This password is among the most common ones; choose another",
      es: "Esta contraseña está entre las más comunes; elija otra",
    };
  }
  if (lower === email.trim().toLowerCase()) {
    return {
      en: "The password must not be your email address",
      es: "La contraseña no puede ser su correo electrónico",
    };
  }
  return null;
}
