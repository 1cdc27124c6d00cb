/**
 * A text as search compares it: no accents (á → a, ñ → n), no case, no punctuation or
 * spaces. "Maracuyá", "MARACUYA" and "maracuya" share one key, as do "Coca-Cola" and
 * "coca cola", so `q` finds what people type on a phone keyboard. Stored beside the
 * text it indexes (`name_key`) and applied to the query the same way.
 */
export const searchKey = (text: string): string =>
  text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");

/** The `nameKey` column of a row or patch with a `name`: nothing when it has none. */
export const nameKeyOf = (row: Record<string, unknown>) =>
  typeof row.name === "string" ? { nameKey: searchKey(row.name) } : {};
