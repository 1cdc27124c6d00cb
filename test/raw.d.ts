/** A file's text, imported with Vite's `?raw` (test/load-model.test.ts reads a document so). */
declare module "*.md?raw" {
  const text: string;
  export default text;
}
