// Stands in for zod's `../locales/index.js` and `../locales/en.js` (see [alias] in
// wrangler.toml). No zod wording ever reaches a person: the validation hook writes every
// message itself, in English or Spanish, from each issue's code and parameters
// (src/lib/validation.ts). So the Worker bundles none of zod's translations, only this
// fallback that zod's own config asks for.
const en = () => ({ localeError: () => "Invalid input" });

export { en };
export default en;
