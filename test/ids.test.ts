import { describe, expect, it } from "vitest";
import { uuidv7 } from "../src/lib/ids";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuidv7", () => {
  it("has the version 7 and RFC 9562 variant bits", () => {
    for (let i = 0; i < 100; i++) expect(uuidv7()).toMatch(UUID_V7);
  });

  it("encodes the creation time in the first 48 bits", () => {
    const at = Date.UTC(2026, 10, 26, 21, 5, 42, 123);
    const id = uuidv7(at + 10_000_000); // ahead of any id made so far
    expect(Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16)).toBe(at + 10_000_000);
  });

  it("sorts in creation order, also within one millisecond", () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7(Date.now()));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
