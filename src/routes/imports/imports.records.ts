import { restoreText } from "../../lib/csv";
import {
  type CsvRecord,
  csvRecords,
  type Delimiter,
  ndjsonRecords,
  RecordFormatError,
} from "../../lib/import-records";
import type { FieldError } from "../../lib/problem";
import { invalidFields } from "../../lib/validation";
import {
  type ColumnError,
  columnError,
  type ImportEntity,
  type ImportRow,
} from "../../request/import-plan";

/*
 * An uploaded file as rows an import plans: each record keyed by the entity's columns,
 * CSV cells turned into what the single-row API takes (numbers where the field is one,
 * an empty cell as null, our export's formula escape undone), and what cannot be a row
 * at all said once for the whole file (an unknown or missing column: a 400 before any
 * row is read).
 */

export type ImportFormat = "csv" | "ndjson";

/**
 * What one row of an import may hold: more cells than any entity has columns, each longer
 * than any field takes, yet small enough that a row is always far under D1's 2,000,000-byte
 * limit on a value (a staged chunk, a row of a set-based write), even in 3-byte UTF-8.
 */
export const IMPORT_RECORD_LIMITS = {
  maxCells: 40,
  maxCellChars: 8_192,
  maxLineChars: 262_144,
};

/** A file-level 400: the errors point into the header (`/1/<column>`) or name the row. */
const badFile = (errors: FieldError[]) => invalidFields(errors);

/** The header's columns, checked against what the entity takes. */
function columnsOf(entity: ImportEntity, header: CsvRecord): string[] {
  const columns = header.cells.map((cell) => (cell ?? "").trim());
  const known = new Set([...entity.columns, ...entity.ignored]);
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  columns.forEach((column, i) => {
    const at = `/1/${column || i + 1}`;
    if (column === "") {
      errors.push({
        path: at,
        message: { en: `column ${i + 1} has no name`, es: `la columna ${i + 1} no tiene nombre` },
      });
    } else if (!known.has(column)) {
      errors.push({
        path: at,
        message: {
          en: `${column} is not a column of ${entity.name} (columns: ${entity.columns.join(", ")})`,
          es: `${column} no es una columna de ${entity.name} (columnas: ${entity.columns.join(", ")})`,
        },
      });
    } else if (seen.has(column)) {
      errors.push({
        path: at,
        message: { en: `${column} appears twice`, es: `${column} aparece dos veces` },
      });
    }
    seen.add(column);
  });
  for (const group of entity.required) {
    if (!group.some((column) => seen.has(column))) {
      errors.push({
        path: `/1/${group[0]}`,
        message: {
          en: `the file needs a column ${group.join(" or ")}`,
          es: `el archivo necesita una columna ${group.join(" o ")}`,
        },
      });
    }
  }
  if (errors.length > 0) throw badFile(errors);
  return columns;
}

/**
 * A number as a spreadsheet writes it: `1234`, `-75.5906`, and with `;` files (Excel in
 * Colombia) a decimal comma and `.` between thousands (`12.500`, `6,2447`); with `,`
 * files the other way round. Anything else stays text, for the schema to refuse.
 */
function numberOf(text: string, delimiter: Delimiter): number | string {
  const trimmed = text.trim();
  const [group, decimal] = delimiter === ";" ? [".", ","] : [",", "."];
  const pattern =
    group === "." ? /^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/ : /^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/;
  if (!pattern.test(trimmed)) return text;
  return Number(trimmed.replaceAll(group, "").replace(decimal, "."));
}

/** A CSV record as a row: its cells by column, or why it is not one. */
function csvRow(
  entity: ImportEntity,
  columns: readonly string[],
  { row, cells }: CsvRecord,
  delimiter: Delimiter,
): ImportRow {
  // Excel may end a row early (trailing empty cells) or late (a stray delimiter).
  const extra = cells.slice(columns.length).filter((cell) => cell !== null && cell !== "");
  if (extra.length > 0) {
    return {
      row,
      record: {},
      errors: [
        columnError(
          null,
          `has ${cells.length} cells; the header has ${columns.length}`,
          `tiene ${cells.length} celdas; el encabezado tiene ${columns.length}`,
        ),
      ],
    };
  }
  const record: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    if (entity.ignored.includes(column)) return;
    const cell = cells[i] ?? null;
    if (cell === null) record[column] = null;
    else {
      const text = restoreText(cell);
      record[column] = entity.numbers.includes(column) ? numberOf(text, delimiter) : text;
    }
  });
  return { row, record };
}

/** An NDJSON object as a row: the entity's columns, an unknown key an error of the row. */
function ndjsonRow(entity: ImportEntity, row: number, value: Record<string, unknown>): ImportRow {
  const record: Record<string, unknown> = {};
  const errors: ColumnError[] = [];
  for (const [key, field] of Object.entries(value)) {
    if (entity.columns.includes(key)) record[key] = field;
    else if (!entity.ignored.includes(key)) {
      errors.push(
        columnError(key, `${key} is not a known field`, `${key} no es un campo conocido`),
      );
    }
  }
  return errors.length > 0 ? { row, record, errors } : { row, record };
}

/** A file that cannot be read on: a 400 naming the row. */
const unreadable = (error: RecordFormatError) =>
  badFile([{ path: `/${error.row}`, message: error.detail }]);

/** The rows of an uploaded file, one at a time, as they arrive. */
export async function* fileRows(
  body: ReadableStream<Uint8Array>,
  format: ImportFormat,
  entity: ImportEntity,
): AsyncGenerator<ImportRow> {
  try {
    if (format === "ndjson") {
      for await (const line of ndjsonRecords(body, IMPORT_RECORD_LIMITS)) {
        yield "error" in line
          ? { row: line.row, record: {}, errors: [{ column: null, message: line.error }] }
          : ndjsonRow(entity, line.row, line.value);
      }
      return;
    }
    let columns: string[] | undefined;
    let delimiter: Delimiter = ",";
    for await (const record of csvRecords(body, IMPORT_RECORD_LIMITS)) {
      if (columns === undefined) {
        columns = columnsOf(entity, record);
        delimiter = record.delimiter ?? ",";
        continue;
      }
      yield csvRow(entity, columns, record, delimiter);
    }
    if (columns === undefined) {
      throw badFile([
        { path: "/1", message: { en: "the file is empty", es: "el archivo está vacío" } },
      ]);
    }
  } catch (error) {
    throw error instanceof RecordFormatError ? unreadable(error) : error;
  }
}
