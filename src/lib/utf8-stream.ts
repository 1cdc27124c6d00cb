/**
 * UTF-8 text from a byte stream. A chunk's unfinished last character waits for the next
 * chunk, so each piece decodes whole on its own (no decoder state spans chunks) and bytes
 * that are not UTF-8 are found at the exact place they are, wherever the chunks were cut.
 */
import { UTF8_BOM } from "./csv";

/** How many of `bytes` end on a character's last byte; the rest start one a later chunk ends. */
function wholeCharacters(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if (byte < 0x80) break;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length > back ? bytes.length - back : bytes.length;
    }
  }
  // Anything else (ASCII, stray continuation bytes) is for the decoder to accept or refuse.
  return bytes.length;
}

/** The text of `bytes` before their first invalid sequence (a U+FFFD the file really holds is kept). */
function textBeforeInvalid(bytes: Uint8Array): string {
  const lossy = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes);
  const encoder = new TextEncoder();
  let [from, offset] = [0, 0];
  for (let at = lossy.indexOf("\uFFFD"); at >= 0; at = lossy.indexOf("\uFFFD", from)) {
    offset += encoder.encode(lossy.slice(from, at)).length;
    const written =
      bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd;
    if (!written) return lossy.slice(0, at);
    [from, offset] = [at + 1, offset + 3];
  }
  return lossy;
}

/**
 * The text of a UTF-8 body, a piece at a time, without a leading BOM. On bytes that are not
 * UTF-8, the text before them is yielded first and `invalid()` is thrown after it, so the
 * reader can tell where they were (its row) however the body was cut into chunks.
 */
export async function* utf8Pieces(
  body: ReadableStream<Uint8Array>,
  invalid: () => Error,
): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let started = false;
  const withoutBom = (text: string) => {
    if (started || text === "") return text;
    started = true;
    return text.startsWith(UTF8_BOM) ? text.slice(1) : text;
  };
  let carry = new Uint8Array(0);
  for await (const chunk of body) {
    let bytes = chunk;
    if (carry.length > 0) {
      bytes = new Uint8Array(carry.length + chunk.length);
      bytes.set(carry);
      bytes.set(chunk, carry.length);
    }
    const whole = wholeCharacters(bytes);
    carry = bytes.slice(whole);
    let text: string;
    try {
      text = withoutBom(decoder.decode(bytes.subarray(0, whole)));
    } catch {
      yield withoutBom(textBeforeInvalid(bytes.subarray(0, whole)));
      throw invalid();
    }
    if (text !== "") yield text;
  }
  // The file ends inside a character.
  if (carry.length > 0) throw invalid();
}
