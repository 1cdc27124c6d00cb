/**
 * The records of an uploaded file, read from the request body as it arrives: CSV as
 * spreadsheets save it (RFC 4180, `,` or `;`) and NDJSON. Only one chunk of the body and
 * the record being built are held, however large the file.
 */
import type { Text } from "./language";
import { utf8Pieces } from "./utf8-stream";

export interface RecordLimits {
  /** Cells in one CSV record. */
  maxCells: number;
  /** Characters (UTF-16 code units) in one CSV cell. */
  maxCellChars: number;
  /** Characters in one NDJSON line, its line end not counted. */
  maxLineChars: number;
}

export const DEFAULT_RECORD_LIMITS: Readonly<RecordLimits> = {
  maxCells: 200,
  maxCellChars: 65_536,
  maxLineChars: 1_048_576,
};

/** A CSV record: `row` as a spreadsheet numbers it (the header is 1); null is an empty cell. */
export interface CsvRecord {
  row: number;
  cells: (string | null)[];
  /**
   * On the header only: the delimiter the file is read with, which also tells its number
   * culture (Excel writes `;` where a comma is the decimal separator).
   */
  delimiter?: Delimiter;
}

/** An NDJSON line: its object, or why it is not one (the lines after it are still read). */
export type NdjsonRecord =
  | { row: number; value: Record<string, unknown> }
  | { row: number; error: Text };

/** The file cannot be read on from `row`: nothing after it is a record. */
export class RecordFormatError extends Error {
  readonly row: number;
  readonly detail: Text;

  constructor(row: number, detail: Text) {
    super(detail.en);
    this.name = "RecordFormatError";
    this.row = row;
    this.detail = detail;
  }
}

const inRow = (row: number, en: string, es: string): Text => ({
  en: `row ${row} ${en}`,
  es: `la fila ${row} ${es}`,
});

/** Thrown once the records before the bad bytes are read, so `row` is theirs. */
const invalidUtf8 = (row: number) =>
  new RecordFormatError(row, inRow(row, "is not valid UTF-8", "no es UTF-8 válido"));

export type Delimiter = "," | ";";

const QUOTE = 0x22;

interface HeaderScan {
  row: number;
  commas: number;
  semicolons: number;
  state: "line start" | "after CR" | "cell start" | "unquoted" | "quoted" | "quote in quoted";
  ended: boolean;
}

const headerScan = (): HeaderScan => ({
  row: 1,
  commas: 0,
  semicolons: 0,
  state: "line start",
  ended: false,
});

/**
 * Counts the `,` and `;` outside quotes in `text`, up to the header's line end (blank lines
 * before it are skipped). A quote opens a quoted cell only where a cell starts, after
 * either delimiter, as the parser will read it. Character by character: only the header.
 */
function scanHeader(scan: HeaderScan, text: string): void {
  for (const char of text) {
    if (scan.state === "quoted") {
      if (char === '"') scan.state = "quote in quoted";
    } else if (scan.state === "quote in quoted" && char === '"') {
      scan.state = "quoted";
    } else if (char === "," || char === ";") {
      scan[char === "," ? "commas" : "semicolons"] += 1;
      scan.state = "cell start";
    } else if (char === "\n" && scan.state === "after CR") {
      scan.state = "line start";
    } else if (char === "\r" || char === "\n") {
      if (scan.state !== "line start" && scan.state !== "after CR") {
        scan.ended = true;
        return;
      }
      scan.row += 1;
      scan.state = char === "\r" ? "after CR" : "line start";
    } else {
      const atCellStart = ["line start", "after CR", "cell start"].includes(scan.state);
      scan.state = char === '"' && atCellStart ? "quoted" : "unquoted";
    }
  }
}

const delimiterOf = (scan: HeaderScan): Delimiter => (scan.semicolons > scan.commas ? ";" : ",");

/** `;` when the header has more `;` than `,` outside quotes (Excel in Colombia writes `;`). */
export function detectDelimiter(headerLine: string): Delimiter {
  const scan = headerScan();
  scanHeader(scan, headerLine);
  return delimiterOf(scan);
}

/** Reads CSV text a piece at a time; `row` is the spreadsheet row of the record being read. */
function csvParser(delimiter: Delimiter, { maxCells, maxCellChars }: RecordLimits) {
  let row = 1;
  let cells: (string | null)[] = [];
  let cell = "";
  let quoted = false;
  let inQuotes = false;
  // A `"` ending the text inside quotes closes them or starts a `""`: the next text tells.
  let heldQuote = "";
  // A CR ended the last text: an LF starting the next one is the rest of its line end.
  let afterCR = false;

  const endCell = () => {
    if (cell.length > maxCellChars) throw cellTooLong(row, maxCellChars);
    cells.push(quoted || cell !== "" ? cell : null);
    if (cells.length > maxCells) {
      throw new RecordFormatError(
        row,
        inRow(row, `has more than ${maxCells} cells`, `tiene más de ${maxCells} celdas`),
      );
    }
    cell = "";
    quoted = false;
  };
  /** The record a line end completes; none for a line with no character at all. */
  const endRecord = (): CsvRecord | undefined => {
    let record: CsvRecord | undefined;
    if (cells.length > 0 || quoted || cell !== "") {
      endCell();
      record = { row, cells };
      cells = [];
    }
    // A blank line still has its row in a spreadsheet.
    row += 1;
    return record;
  };

  /**
   * The records `input` completes (`final`: the file has ended). A generator, so the records
   * before a row that throws are read whether or not they came in the same chunk.
   */
  function* read(input: string, final: boolean): Generator<CsvRecord> {
    const text = heldQuote + input;
    const end = text.length;
    let at = afterCR && text.startsWith("\n") ? 1 : 0;
    [heldQuote, afterCR] = ["", false];
    // Where the next delimiter, CR and LF are (`end`: none), each searched once per text, not per cell.
    let delimiterAt = -1;
    let crAt = -1;
    let lfAt = -1;
    const next = (char: string, known: number) => {
      if (known >= at) return known;
      const found = text.indexOf(char, at);
      return found < 0 ? end : found;
    };
    while (at < end) {
      if (inQuotes) {
        const quote = text.indexOf('"', at);
        if (quote < 0 || (quote === end - 1 && !final)) {
          cell += text.slice(at, quote < 0 ? end : quote);
          heldQuote = quote < 0 ? "" : '"';
          break;
        }
        cell += text.slice(at, quote);
        inQuotes = text[quote + 1] === '"';
        if (inQuotes) cell += '"';
        at = quote + (inQuotes ? 2 : 1);
        continue;
      }
      // Only a quote that starts a cell opens quotes; anywhere else it is text, as in Excel.
      if (text.charCodeAt(at) === QUOTE && !quoted && cell === "") {
        quoted = true;
        inQuotes = true;
        at += 1;
        continue;
      }
      delimiterAt = next(delimiter, delimiterAt);
      crAt = next("\r", crAt);
      lfAt = next("\n", lfAt);
      const stop = Math.min(delimiterAt, crAt, lfAt);
      cell += text.slice(at, stop);
      at = stop + 1;
      if (stop === end) break;
      if (stop === delimiterAt) {
        endCell();
        continue;
      }
      if (stop === crAt) {
        if (text[at] === "\n") at += 1;
        else afterCR = at === end;
      }
      const record = endRecord();
      if (record) yield record;
    }
    if (cell.length > maxCellChars) throw cellTooLong(row, maxCellChars);
    if (final) {
      if (inQuotes) {
        throw new RecordFormatError(
          row,
          inRow(row, "opens a quote that never closes", "abre una comilla que nunca se cierra"),
        );
      }
      const record = endRecord();
      if (record) yield record;
    }
  }

  return {
    read,
    get row() {
      return row;
    },
  };
}

const cellTooLong = (row: number, maxCellChars: number) =>
  new RecordFormatError(
    row,
    inRow(
      row,
      `has a cell longer than ${maxCellChars} characters`,
      `tiene una celda de más de ${maxCellChars} caracteres`,
    ),
  );

/**
 * The records of a CSV file, the header first. The delimiter is decided once, from the
 * header: its text is held until its line end (or until it is longer than any record may
 * be, and the parser refuses it), then read with the rest.
 */
export async function* csvRecords(
  body: ReadableStream<Uint8Array>,
  limits: Partial<RecordLimits> = {},
): AsyncGenerator<CsvRecord> {
  const all = { ...DEFAULT_RECORD_LIMITS, ...limits };
  const header = headerScan();
  const head: string[] = [];
  let headChars = 0;
  let parser: ReturnType<typeof csvParser> | undefined;
  function* read(text: string, final: boolean): Generator<CsvRecord> {
    if (parser) return yield* parser.read(text, final);
    head.push(text);
    headChars += text.length;
    scanHeader(header, text);
    if (!header.ended && headChars <= all.maxCells * all.maxCellChars && !final) return;
    parser = csvParser(delimiterOf(header), all);
    const held = head.splice(0);
    for (const [i, piece] of held.entries()) {
      yield* parser.read(piece, final && i === held.length - 1);
    }
  }
  let records = 0;
  const numbered = (record: CsvRecord) =>
    ++records === 1 ? { ...record, delimiter: delimiterOf(header) } : record;
  for await (const text of utf8Pieces(body, () => invalidUtf8(parser?.row ?? header.row))) {
    for (const record of read(text, false)) yield numbered(record);
  }
  for (const record of read("", true)) yield numbered(record);
  if (records === 0) {
    throw new RecordFormatError(1, {
      en: "the file is empty: it has no header row",
      es: "el archivo está vacío: no tiene fila de encabezado",
    });
  }
}

function ndjsonRecord(line: string, row: number): NdjsonRecord | undefined {
  if (line.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { row, error: inRow(row, "is not valid JSON", "no es JSON válido") };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { row, error: inRow(row, "is not a JSON object", "no es un objeto JSON") };
  }
  return { row, value: value as Record<string, unknown> };
}

/** The lines of an NDJSON file, each an object or the reason it is not one; blank lines skipped. */
export async function* ndjsonRecords(
  body: ReadableStream<Uint8Array>,
  limits: Partial<RecordLimits> = {},
): AsyncGenerator<NdjsonRecord> {
  const { maxLineChars } = { ...DEFAULT_RECORD_LIMITS, ...limits };
  let row = 1;
  // The line being read, in the pieces it arrived in: joined once, when it ends.
  let pieces: string[] = [];
  let pieceChars = 0;
  const tooLong = () =>
    new RecordFormatError(
      row,
      inRow(
        row,
        `is longer than ${maxLineChars} characters`,
        `tiene más de ${maxLineChars} caracteres`,
      ),
    );
  const endLine = (last: string) => {
    const line = pieces.join("") + last;
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.length > maxLineChars) throw tooLong();
    [pieces, pieceChars] = [[], 0];
    return ndjsonRecord(text, row++);
  };
  for await (const text of utf8Pieces(body, () => invalidUtf8(row))) {
    let at = 0;
    for (let lf = text.indexOf("\n"); lf >= 0; lf = text.indexOf("\n", at)) {
      const record = endLine(text.slice(at, lf));
      if (record) yield record;
      at = lf + 1;
    }
    pieces.push(text.slice(at));
    pieceChars += text.length - at;
    // One over the limit: the CR of a CRLF may still end the line.
    if (pieceChars > maxLineChars + 1) throw tooLong();
  }
  const record = endLine("");
  if (record) yield record;
}
