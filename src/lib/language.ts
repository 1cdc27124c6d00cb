/**
 * The languages people read the API's messages in: Spanish for the sellers and staff of
 * a Colombian company, English by default. Codes (`type`, enum values, field names) never
 * change with the language; only titles, details and validation messages do.
 */
export const languages = ["en", "es"] as const;
export type Language = (typeof languages)[number];
export const DEFAULT_LANGUAGE: Language = "en";

/** A message a person reads, written in every language the API speaks. */
export type Text = Readonly<Record<Language, string>>;

const isLanguage = (tag: string): tag is Language => (languages as readonly string[]).includes(tag);

/**
 * The language to answer in, from an `Accept-Language` header (RFC 9110 §12.5.4): the
 * highest-weighted range whose primary subtag we speak (`es-CO`, `es-419` and `es` are
 * Spanish), ties in the order sent; anything else, or nothing, is English.
 */
export function negotiateLanguage(header: string | undefined): Language {
  if (!header) return DEFAULT_LANGUAGE;
  let best: { language: Language; weight: number } | undefined;
  for (const range of header.slice(0, 512).split(",")) {
    const [tag = "", ...parameters] = range.split(";").map((part) => part.trim());
    const primary = tag.split("-")[0]!.toLowerCase();
    if (!isLanguage(primary)) continue;
    const q = parameters.find((p) => /^q=/i.test(p));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!(weight > 0) || weight > 1) continue;
    if (best === undefined || weight > best.weight) best = { language: primary, weight };
  }
  return best?.language ?? DEFAULT_LANGUAGE;
}
