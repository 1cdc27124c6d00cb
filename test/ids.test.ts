import { describe, expect, it } from "vitest";
import { createUuidv7, type RandomFill, uuidv7 } from "../src/lib/ids";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A fixed instant: every generator below starts from its own state at this clock. */
const AT = Date.UTC(2026, 10, 26, 21, 5, 42, 123);

/** mulberry32: a seeded stand-in for crypto.getRandomValues, so each run is the same. */
function seededFill(seed: number): RandomFill {
  let state = seed >>> 0;
  return (bytes) => {
    for (let i = 0; i < bytes.length; i++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      bytes[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
    }
  };
}
const constantFill =
  (byte: number): RandomFill =>
  (bytes) =>
    void bytes.fill(byte);

const hexOf = (id: string) => id.replaceAll("-", "");
const msOf = (id: string) => Number.parseInt(hexOf(id).slice(0, 12), 16);
/** The 12-bit rand_a field that counts within one millisecond. */
const sequenceOf = (id: string) => Number.parseInt(hexOf(id).slice(13, 16), 16);

describe("uuidv7", () => {
  it("has the version 7 and RFC 9562 variant bits, whatever the random bytes", () => {
    for (const fill of [seededFill(1), constantFill(0x00), constantFill(0xff)]) {
      const next = createUuidv7(fill);
      for (let i = 0; i < 100; i++) expect(next(AT + i)).toMatch(UUID_V7);
    }
  });

  it("encodes the creation time in the first 48 bits", () => {
    const next = createUuidv7(seededFill(2));
    expect(msOf(next(AT))).toBe(AT);
    // The top of the 48-bit range (year 10889) keeps every bit.
    expect(msOf(createUuidv7(seededFill(3))(2 ** 48 - 1))).toBe(2 ** 48 - 1);
    expect(msOf(createUuidv7(seededFill(4))(0))).toBe(0);
  });

  it("counts up within one millisecond, so ids sort in the order they were made", () => {
    const next = createUuidv7(seededFill(5));
    const ids = Array.from({ length: 1000 }, () => next(AT));
    expect(ids.every((id) => msOf(id) === AT)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) {
      expect(sequenceOf(ids[i]!)).toBe(sequenceOf(ids[i - 1]!) + 1);
    }
  });

  it("starts each millisecond low in the 12-bit sequence, leaving at least 2048 to count", () => {
    expect(sequenceOf(createUuidv7(constantFill(0xff))(AT))).toBe(0x7ff);
    expect(sequenceOf(createUuidv7(constantFill(0x00))(AT))).toBe(0);
  });

  it("borrows the next millisecond when the 12-bit sequence runs out (4096+ ids in one ms)", () => {
    const next = createUuidv7(constantFill(0x00)); // sequence starts at 0
    const ids = Array.from({ length: 4096 + 10 }, () => next(AT));
    expect(msOf(ids[4095]!)).toBe(AT);
    expect(sequenceOf(ids[4095]!)).toBe(0xfff);
    expect(msOf(ids[4096]!)).toBe(AT + 1);
    expect(sequenceOf(ids[4096]!)).toBe(0);
    expect(msOf(ids.at(-1)!)).toBe(AT + 1);
    // When the real clock reaches the borrowed millisecond, the count carries on from there.
    const caughtUp = next(AT + 1);
    expect(msOf(caughtUp)).toBe(AT + 1);
    expect(sequenceOf(caughtUp)).toBe(10);
    const all = [...ids, caughtUp];
    expect([...all].sort()).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
  });

  it("borrows as often as needed from a high starting sequence", () => {
    const next = createUuidv7(constantFill(0xff)); // sequence starts at 2047
    const ids = Array.from({ length: 3 * 4096 }, () => next(AT));
    expect(msOf(ids[2048]!)).toBe(AT);
    expect(msOf(ids[2049]!)).toBe(AT + 1);
    expect(msOf(ids.at(-1)!)).toBe(AT + 3);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("never goes backwards when the clock steps back", () => {
    const next = createUuidv7(seededFill(6));
    const first = next(AT);
    const stepped = [next(AT - 1), next(AT - 60_000), next(0)];
    for (const id of stepped) expect(msOf(id)).toBe(AT);
    const later = next(AT + 5);
    expect(msOf(later)).toBe(AT + 5);
    const all = [first, ...stepped, later];
    expect([...all].sort()).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
  });

  it("keeps each generator's clock to itself", () => {
    const ahead = createUuidv7(seededFill(7));
    ahead(AT + 10_000_000);
    expect(msOf(createUuidv7(seededFill(8))(AT))).toBe(AT);
  });

  it("the app's generator reads the real clock by default", () => {
    const before = Date.now();
    const ids = Array.from({ length: 100 }, () => uuidv7());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(msOf(ids[0]!)).toBeGreaterThanOrEqual(before);
    expect([...ids].sort()).toEqual(ids);
  });
});
