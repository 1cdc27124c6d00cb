/**
 * CSV files as RFC 4180 writes them (commas, CRLF line ends, a field quoted when it holds
 * `,` `"` CR or LF, quotes doubled), in UTF-8, for the exports spreadsheets and BI tools
 * open. docs/api-contract.md ("CSV exports") states the format for readers of the files.
 */

/** A cell: text, a number, null (an empty cell), or a list (its items joined by a space). */
export type Cell = string | number | null | readonly string[];

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Text a spreadsheet would run as a formula (OWASP, "CSV Injection"): it starts with `=`,
 * `+`, `-`, `@`, TAB or CR. Such text gets a leading `'`, and so does text that already
 * starts with one, so a reader gets every value back exactly by dropping one leading `'`
 * (restoreText). Numbers are written as numbers and never escaped: `-75.59` is a number,
 * not a formula, and stays one.
 */
const ESCAPED_START = /^[=+\-@\t\r']/;

export function csvField(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = typeof value === "string" ? value : value.join(" ");
  const safe = ESCAPED_START.test(text) ? `'${text}` : text;
  // Empty text is quoted, so it reads back apart from null (an empty cell).
  return safe === "" || NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One record: its fields joined by commas, ended by CRLF. */
export const csvRecord = (cells: readonly Cell[]) => `${cells.map(csvField).join(",")}\r\n`;

/** A text cell's value as it was before csvField escaped it. */
export const restoreText = (field: string) => (field.startsWith("'") ? field.slice(1) : field);

/** `products-2026-11-27.csv`: the file's name and the UTC date of `at`. */
export const csvFileName = (name: string, at: Date) =>
  `${name}-${at.toISOString().slice(0, 10)}.csv`;

export const UTF8_BOM = "\uFEFF";

/** A keyset page, as the lists return them. */
interface Page<Row> {
  data: Row[];
  nextCursor: string | null;
}

export interface CsvStreamOptions<Row> {
  /** The header row, and which field of a row each column reads. */
  columns: readonly (keyof Row & string)[];
  /** Already read: the request's first read is where its errors can still be answered. */
  first: Page<Row>;
  /** The page after a cursor. */
  next: (cursor: string) => Promise<Page<Row>>;
  /** Start with a UTF-8 byte order mark (Excel reads the file as UTF-8 only with one). */
  bom: boolean;
  /** Told, with the rows already sent, when a page failed and the file was cut off. */
  failed: (error: unknown, rowsSent: number) => void;
}

/**
 * A CSV file streamed a page at a time. A page is read only when the consumer asks for
 * more (pull, with a high-water mark of 0: nothing is read ahead), so one page is in
 * memory however many rows the file has, and a client that stops reading stops the reads.
 * A page that fails errors the stream: the client sees a download cut off, never a file
 * that merely looks complete.
 */
export function csvStream<Row extends { [Field in keyof Row]: Cell }>({
  columns,
  first,
  next,
  bom,
  failed,
}: CsvStreamOptions<Row>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let head = (bom ? UTF8_BOM : "") + csvRecord(columns);
  let page: Page<Row> | undefined = first;
  let cursor = first.nextCursor;
  let rowsSent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          page ??= await next(cursor!);
        } catch (error) {
          failed(error, rowsSent);
          // The reason stays in the log: the stream's own error says nothing of the query.
          controller.error(new Error("The export was cut off: a page could not be read"));
          return;
        }
        const records = page.data.map((row) => csvRecord(columns.map((column) => row[column])));
        controller.enqueue(encoder.encode(head + records.join("")));
        head = "";
        rowsSent += page.data.length;
        cursor = page.nextCursor;
        page = undefined;
        if (cursor === null) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}
