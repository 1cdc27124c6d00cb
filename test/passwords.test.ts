import { describe, expect, it } from "vitest";
import {
  hashPassword,
  needsRehash,
  PBKDF2_ITERATIONS,
  passwordPolicyViolation,
  verifyPassword,
} from "../src/auth/passwords";

describe("password hashing", () => {
  it("never uses more PBKDF2 iterations than production Workers accept (100,000)", () => {
    expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(100_000);
    expect(PBKDF2_ITERATIONS).toBe(100_000);
  });

  it("stores a self-describing pbkdf2-sha256 string with a 16-byte salt", async () => {
    const hash = await hashPassword("una clave muy larga");
    const [scheme, iterations, salt, digest] = hash.split("$");
    expect(scheme).toBe("pbkdf2-sha256");
    expect(iterations).toBe("100000");
    expect(atob(salt!)).toHaveLength(16);
    expect(atob(digest!)).toHaveLength(32);
    expect(await hashPassword("una clave muy larga")).not.toBe(hash);
  });

  it("verifies the right password and rejects a wrong one", async () => {
    const hash = await hashPassword("una clave muy larga");
    expect(await verifyPassword("una clave muy larga", hash)).toBe(true);
    expect(await verifyPassword("una clave muy largA", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("treats composed and decomposed Unicode as the same password (NFC)", async () => {
    const hash = await hashPassword("contrase\u00f1a de Bogot\u00e1");
    expect(await verifyPassword("contrasen\u0303a de Bogota\u0301", hash)).toBe(true);
  });

  it("still verifies a hash made at a lower cost, and asks to re-hash it", async () => {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode("old password 1"),
      "PBKDF2",
      false,
      ["deriveBits"],
    );
    const bits = await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt, iterations: 10_000 },
      key,
      256,
    );
    const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
    const old = `pbkdf2-sha256$10000$${b64(salt)}$${b64(new Uint8Array(bits))}`;
    expect(await verifyPassword("old password 1", old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword("x"))).toBe(false);
  });

  it.each([
    ["an unknown scheme", "bcrypt$10$abc$def"],
    ["too many iterations for production", "pbkdf2-sha256$200000$AAAA$AAAA"],
    ["garbage base64", "pbkdf2-sha256$1000$%%%$%%%"],
    ["an empty string", ""],
  ])("rejects %s without throwing", async (_, stored) => {
    expect(await verifyPassword("whatever password", stored)).toBe(false);
  });
});

describe("password policy (NIST SP 800-63B)", () => {
  const email = "ana.gomez@example.co";

  it("needs 12 to 256 characters, counted as Unicode code points", () => {
    expect(passwordPolicyViolation("a".repeat(11), email)?.en).toMatch(/at least 12/);
    expect(passwordPolicyViolation("kx7-vq2-mz9p", email)).toBeNull();
    expect(passwordPolicyViolation("ñ".repeat(12), email)).toBeNull();
    expect(passwordPolicyViolation("🔑".repeat(11), email)?.en).toMatch(/at least 12/);
    expect(passwordPolicyViolation("x".repeat(256), email)).toBeNull();
    expect(passwordPolicyViolation("x".repeat(257), email)?.en).toMatch(/at most 256/);
  });

  it("has no composition rules: a long lower-case passphrase is fine", () => {
    expect(passwordPolicyViolation("mi perro se llama tobias", email)).toBeNull();
  });

  it("rejects common passwords, in any letter case", () => {
    expect(passwordPolicyViolation("1qaz2wsx3edc", email)?.en).toMatch(/most common/);
    expect(passwordPolicyViolation("1QAZ2WSX3EDC", email)?.en).toMatch(/most common/);
  });

  it("rejects the user's own email", () => {
    expect(passwordPolicyViolation("Ana.Gomez@Example.co", email)?.en).toMatch(/email/);
  });
});
