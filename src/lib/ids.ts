import { toHex } from "./encoding";

/** Fills a buffer with random bytes; `crypto.getRandomValues` unless a test says otherwise. */
export type RandomFill = (bytes: Uint8Array) => void;

const cryptoFill: RandomFill = (bytes) => void crypto.getRandomValues(bytes);

/**
 * A UUIDv7 (RFC 9562) generator with its own clock state: 48-bit Unix milliseconds, then
 * random bits, so ids sort by creation. Within one millisecond the 12-bit `rand_a` field
 * counts up (RFC 9562 §6.2, method 1), so ids made in the same request still sort in the
 * order they were made; the state is per generator so a test can start from a known clock.
 */
export function createUuidv7(fillRandom: RandomFill = cryptoFill) {
  let lastMs = -1;
  let sequence = 0;

  return function uuidv7(now: number = Date.now()): string {
    const bytes = new Uint8Array(16);
    fillRandom(bytes);
    if (now > lastMs) {
      lastMs = now;
      sequence = (bytes[6]! & 0x07) * 256 + bytes[7]!; // start low in the 12 bits, room to count
    } else {
      sequence += 1;
      if (sequence > 0xfff) {
        lastMs += 1; // borrow the next millisecond rather than repeat or go backwards
        sequence = 0;
      }
    }
    const ms = lastMs;
    bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
    bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
    bytes[2] = (ms >>> 24) & 0xff;
    bytes[3] = (ms >>> 16) & 0xff;
    bytes[4] = (ms >>> 8) & 0xff;
    bytes[5] = ms & 0xff;
    bytes[6] = 0x70 | (sequence >>> 8);
    bytes[7] = sequence & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    const hex = toHex(bytes);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

/** The app's one generator: every id the Worker mints comes from this clock state. */
export const uuidv7 = createUuidv7();
