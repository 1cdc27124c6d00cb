import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvRecord, restoreText, UTF8_BOM } from "../src/lib/csv";
import {
  type CsvRecord,
  csvRecords,
  DEFAULT_RECORD_LIMITS,
  detectDelimiter,
  ndjsonRecords,
  RecordFormatError,
  type RecordLimits,
} from "../src/lib/import-records";

const utf8 = new TextEncoder();
const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(
    parts.flatMap((part) => (typeof part === "string" ? [...utf8.encode(part)] : part)),
  );

/**
 * `content` as a request body, cut into chunks of the sizes given (repeated to the end),
 * handed out one at a time as a network body would be.
 */
function bodyOf(content: string | Uint8Array, sizes: readonly number[] = [Infinity]) {
  const all = typeof content === "string" ? utf8.encode(content) : content;
  const chunks: Uint8Array[] = [];
  for (let at = 0, i = 0; at < all.length; i++) {
    const size = Math.min(sizes[i % sizes.length]!, all.length - at);
    chunks.push(all.slice(at, at + size));
    at += size;
  }
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks.shift();
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

/** Chunk sizes that cut the body at these byte offsets. */
const cutAt = (...offsets: number[]) => [
  ...offsets.map((offset, i) => offset - (offsets[i - 1] ?? 0)),
  Infinity,
];

async function collect<T>(records: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const record of records) all.push(record);
  return all;
}

/** Whole, and cut at every byte (so inside every character, CRLF and `""`), and in between. */
const CHUNKINGS = [[Infinity], [1], [2], [3], [7, 1, 4]];

type Read<T> = (body: ReadableStream<Uint8Array>) => AsyncIterable<T>;

/** The records of `content`, the same however the body is cut. */
async function readAll<T>(read: Read<T>, content: string | Uint8Array): Promise<T[]> {
  const [first, ...others] = await Promise.all(
    CHUNKINGS.map((sizes) => collect(read(bodyOf(content, sizes)))),
  );
  for (const other of others) expect(other).toEqual(first);
  return first!;
}

/** The records read before the error, and the error: the same however the body is cut. */
async function readToError<T>(read: Read<T>, content: string | Uint8Array) {
  const outcomes = await Promise.all(
    CHUNKINGS.map(async (sizes) => {
      const records: T[] = [];
      try {
        for await (const record of read(bodyOf(content, sizes))) records.push(record);
      } catch (error) {
        if (error instanceof RecordFormatError) return { records, error };
        throw error;
      }
      throw new Error(`read ${records.length} records and no RecordFormatError`);
    }),
  );
  const [first, ...others] = outcomes;
  for (const other of others) {
    expect(other.records).toEqual(first!.records);
    expect(other.error).toMatchObject({ row: first!.error.row, detail: first!.error.detail });
  }
  return first!;
}

const csv = (content: string | Uint8Array, limits?: Partial<RecordLimits>) =>
  readAll((body) => csvRecords(body, limits), content);
const csvError = (content: string | Uint8Array, limits?: Partial<RecordLimits>) =>
  readToError((body) => csvRecords(body, limits), content);
const ndjson = (content: string | Uint8Array) => readAll(ndjsonRecords, content);
const ndjsonError = (content: string | Uint8Array, limits?: Partial<RecordLimits>) =>
  readToError((body) => ndjsonRecords(body, limits), content);

/** Records numbered from row 1, as `[row, ...cells]`, for short expectations. */
const rows = (records: CsvRecord[]) => records.map(({ row, cells }) => [row, ...cells]);

describe("csvRecords", () => {
  it("reads a comma file: the header is row 1 (with the delimiter), the first record row 2", async () => {
    expect(await csv("code,name,city\r\nP-1,Gaseosa,Medellín\r\nP-2,Arepa,Cali\r\n")).toEqual([
      { row: 1, cells: ["code", "name", "city"], delimiter: "," },
      { row: 2, cells: ["P-1", "Gaseosa", "Medellín"] },
      { row: 3, cells: ["P-2", "Arepa", "Cali"] },
    ]);
  });

  it("reads a semicolon file as Excel in Colombia saves it, BOM and accents included", async () => {
    const file = `${UTF8_BOM}Nombre;Ciudad;Saldo\r\nDroguería Doña Inés;Medellín;1.234,50\r\nÑame;"Bogotá; D.C.";\r\n`;
    expect((await csv(file))[0]!.delimiter).toBe(";");
    expect(rows(await csv(file))).toEqual([
      [1, "Nombre", "Ciudad", "Saldo"],
      [2, "Droguería Doña Inés", "Medellín", "1.234,50"],
      [3, "Ñame", "Bogotá; D.C.", null],
    ]);
  });

  it("drops a BOM only at the start of the file", async () => {
    expect(rows(await csv(`${UTF8_BOM}a,b\r\n${UTF8_BOM}x,y\r\n`))).toEqual([
      [1, "a", "b"],
      [2, `${UTF8_BOM}x`, "y"],
    ]);
  });

  it("decides the delimiter once, from the header: the other one is text in every row", async () => {
    expect(rows(await csv("a;b\r\n1,5;2,5\r\n"))).toEqual([
      [1, "a", "b"],
      [2, "1,5", "2,5"],
    ]);
    expect(rows(await csv("a,b\r\nx;y,z\r\n"))).toEqual([
      [1, "a", "b"],
      [2, "x;y", "z"],
    ]);
  });

  it("detectDelimiter: the one more frequent outside quotes, `,` on a tie", () => {
    expect(detectDelimiter("a;b;c,d")).toBe(";");
    expect(detectDelimiter("a,b,c;d")).toBe(",");
    expect(detectDelimiter("a;b,c")).toBe(",");
    expect(detectDelimiter("name")).toBe(",");
    expect(detectDelimiter('"a;b;c",d')).toBe(",");
    expect(detectDelimiter('"x"";y",z')).toBe(",");
    expect(detectDelimiter('"a,b,c";d;e')).toBe(";");
    // A quote inside an unquoted cell is text: what follows it is not quoted.
    expect(detectDelimiter('5" tubo;b;c,d')).toBe(";");
    expect(detectDelimiter("a;b\r\nc,d,e")).toBe(";");
  });

  it("keeps delimiters, quotes and line breaks inside quoted cells; a record is one row", async () => {
    const file =
      'id,nota\r\n1,"línea 1\r\nlínea 2\nlínea 3"\r\n2,"dice ""hola"", y se va"\r\n3,x\r\n';
    expect(rows(await csv(file))).toEqual([
      [1, "id", "nota"],
      [2, "1", "línea 1\r\nlínea 2\nlínea 3"],
      [3, "2", 'dice "hola", y se va'],
      [4, "3", "x"],
    ]);
  });

  it("ends a line at CRLF, LF or a lone CR, alike", async () => {
    const expected = [
      [1, "a", "b"],
      [2, "1", "2"],
      [3, "3", "4"],
    ];
    expect(rows(await csv("a,b\r\n1,2\r\n3,4\r\n"))).toEqual(expected);
    expect(rows(await csv("a,b\n1,2\n3,4\n"))).toEqual(expected);
    expect(rows(await csv("a,b\r1,2\r3,4\r"))).toEqual(expected);
    expect(rows(await csv("a,b\r1,2\n3,4\r\n"))).toEqual(expected);
  });

  it("skips a blank line but counts its row, as a spreadsheet shows it", async () => {
    expect(rows(await csv("a,b\r\n\r\n1,2\n\n\r3,4\r\n\r\n"))).toEqual([
      [1, "a", "b"],
      [3, "1", "2"],
      [6, "3", "4"],
    ]);
    // Before the header too: it is then on the row the spreadsheet shows.
    expect(rows(await csv("\r\n\na,b\r\n1,2"))).toEqual([
      [3, "a", "b"],
      [4, "1", "2"],
    ]);
  });

  it("a line with only spaces or delimiters is a record, not a blank line", async () => {
    expect(rows(await csv("a,b\r\n \r\n,\r\n"))).toEqual([
      [1, "a", "b"],
      [2, " "],
      [3, null, null],
    ]);
  });

  it('reads an empty cell as null and a quoted empty cell as "" (the writer keeps them apart)', async () => {
    expect(rows(await csv('a,b,c\r\n,"",x\r\nx,,\r\n""\r\n'))).toEqual([
      [1, "a", "b", "c"],
      [2, null, "", "x"],
      [3, "x", null, null],
      [4, ""],
    ]);
  });

  it("reads the last record without a line end, and a file that is only a header", async () => {
    expect(rows(await csv('a,b\r\n1,"2"'))).toEqual([
      [1, "a", "b"],
      [2, "1", "2"],
    ]);
    expect(rows(await csv("a;b"))).toEqual([[1, "a", "b"]]);
  });

  it("is lenient as Excel: a quote inside an unquoted cell is text, and so is text after a closing quote", async () => {
    expect(rows(await csv('a,b,c,d\r\n5" tubo,"abc"def,x"y",  "z"\r\n'))).toEqual([
      [1, "a", "b", "c", "d"],
      [2, '5" tubo', "abcdef", 'x"y"', '  "z"'],
    ]);
  });

  it("returns cells as they are in the file: a leading ' is the caller's to remove", async () => {
    expect(rows(await csv("a,b\r\n'=1+2,''x\r\n"))).toEqual([
      [1, "a", "b"],
      [2, "'=1+2", "''x"],
    ]);
  });

  it("reads the same when a chunk ends inside ñ, inside a CRLF, inside a doubled quote", async () => {
    const file = 'n,q\r\nÑame,"a""b"\r\n';
    const whole = await collect(csvRecords(bodyOf(file)));
    expect(rows(whole)).toEqual([
      [1, "n", "q"],
      [2, "Ñame", 'a"b'],
    ]);
    const ñ = 5; // Ñ is bytes 5 and 6
    const crlf = 4; // \r is byte 4
    const doubled = 15; // the "" is bytes 14 and 15
    expect(utf8.encode(file).slice(ñ, ñ + 2)).toEqual(new Uint8Array([0xc3, 0x91]));
    for (const offsets of [[ñ + 1], [crlf + 1], [doubled], [ñ + 1, crlf + 9, doubled]]) {
      expect(await collect(csvRecords(bodyOf(file, cutAt(...offsets))))).toEqual(whole);
    }
  });

  it("stops reading the body when the caller stops reading records", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(utf8.encode("a,b\r\n1,2\r\n")),
      cancel: () => {
        cancelled = true;
      },
    });
    for await (const record of csvRecords(body)) {
      expect(record.row).toBe(1);
      break;
    }
    expect(cancelled).toBe(true);
  });

  describe("a file it cannot read throws RecordFormatError, naming the row", () => {
    it("bytes that are not UTF-8 (a file saved as Windows-1252), after the rows before them", async () => {
      const file = bytes("nombre,ciudad\r\n", '"Doña\r\nInés",Cali\r\nDo', [0xf1], "a,Pasto\r\n");
      const { records, error } = await csvError(file);
      expect(rows(records)).toEqual([
        [1, "nombre", "ciudad"],
        [2, "Doña\r\nInés", "Cali"],
      ]);
      expect(error.row).toBe(3);
      expect(error.detail).toEqual({
        en: "row 3 is not valid UTF-8",
        es: "la fila 3 no es UTF-8 válido",
      });
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toBe(error.detail.en);
    });

    it("bytes that are not UTF-8 in the header, and a file cut off inside a character", async () => {
      expect((await csvError(bytes("a,b", [0xc3], ",c\r\n"))).error.row).toBe(1);
      expect((await csvError(bytes("a,b\r\n\r\nx,", [0xc3]))).error.row).toBe(3);
      expect((await csvError(bytes("a,b\r\n", [0xe2, 0x82]))).error.row).toBe(2);
    });

    it("a U+FFFD the file really holds is text, and bad bytes after it are still found", async () => {
      expect(rows(await csv("a\r\n\uFFFD\r\n"))).toEqual([
        [1, "a"],
        [2, "\uFFFD"],
      ]);
      expect((await csvError(bytes("a\r\n\uFFFD\r\n\uFFFD", [0xff]))).error.row).toBe(3);
    });

    it("a quote that never closes: the row where its record starts", async () => {
      const { records, error } = await csvError('a,b\r\n1,2\r\n3,"abc\r\n4,5\r\n');
      expect(rows(records)).toEqual([
        [1, "a", "b"],
        [2, "1", "2"],
      ]);
      expect(error.row).toBe(3);
      expect(error.detail).toEqual({
        en: "row 3 opens a quote that never closes",
        es: "la fila 3 abre una comilla que nunca se cierra",
      });
    });

    it("a record with more cells than the limit (200 unless told)", async () => {
      const { error } = await csvError("a,b\r\n1,2,3\r\n4,5,6,7\r\n", { maxCells: 3 });
      expect(error.row).toBe(3);
      expect(error.detail).toEqual({
        en: "row 3 has more than 3 cells",
        es: "la fila 3 tiene más de 3 celdas",
      });
      const wide = (cells: number) => `${Array.from({ length: cells }, (_, i) => `c${i}`)}\r\n`;
      expect(DEFAULT_RECORD_LIMITS.maxCells).toBe(200);
      expect(await csv(`a\r\n${wide(200)}`)).toHaveLength(2);
      expect((await csvError(`a\r\n${wide(201)}`)).error.row).toBe(2);
    });

    it("a cell longer than the limit (65,536 characters unless told), quoted or not", async () => {
      const limits = { maxCellChars: 5 };
      expect(rows(await csv('a,b\r\nabcde,"a""cd"\r\n', limits))).toEqual([
        [1, "a", "b"],
        [2, "abcde", 'a"cd'],
      ]);
      const { error } = await csvError('a,b\r\nx,y\r\n"abc""de",z\r\n', limits);
      expect(error.detail).toEqual({
        en: "row 3 has a cell longer than 5 characters",
        es: "la fila 3 tiene una celda de más de 5 caracteres",
      });
      expect((await csvError("a,b\r\nx,abcdef", limits)).error.row).toBe(2);
      expect(DEFAULT_RECORD_LIMITS.maxCellChars).toBe(65_536);
      const long = "x".repeat(65_537);
      expect((await collect(csvRecords(bodyOf(`a\r\n${long.slice(1)}\r\n`))))[1]!.cells).toEqual([
        long.slice(1),
      ]);
      await expect(collect(csvRecords(bodyOf(`a\r\n"${long}"\r\n`)))).rejects.toMatchObject({
        row: 2,
      });
    });

    it("a header longer than any record may be is refused, not held while it grows", async () => {
      // Limits of 2 cells of 3 characters: a record is at most 6 characters of cells.
      const limits = { maxCells: 2, maxCellChars: 3 };
      const { error } = await csvError(`${"x".repeat(20)}\r\n1\r\n`, limits);
      expect(error.row).toBe(1);
      expect(error.detail.en).toBe("row 1 has a cell longer than 3 characters");
      expect((await csvError("a;bb;ccc;dddd\r\n", limits)).error.detail.en).toBe(
        "row 1 has more than 2 cells",
      );
    });

    it("a file with no header: empty, only a BOM, or only blank lines", async () => {
      for (const file of ["", UTF8_BOM, "\r\n\r\n", "\n"]) {
        const { records, error } = await csvError(file);
        expect(records).toEqual([]);
        expect(error.row).toBe(1);
        expect(error.detail).toEqual({
          en: "the file is empty: it has no header row",
          es: "el archivo está vacío: no tiene fila de encabezado",
        });
      }
    });
  });

  describe("property: what a writer writes reads back cell for cell, however it is cut", () => {
    /** Text of any code point, and text thick with what a CSV file must escape. */
    const text = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.string({
        unit: fc.constantFrom(",", ";", '"', "\r", "\n", "=", "+", "-", "@", "'", "\t", " "),
      }),
      fc.string({ unit: fc.constantFrom("a", "ñ", "€", "𝄞", UTF8_BOM, "\uFFFD", '"', ",", "\n") }),
    );
    const cell = fc.option(text, { freq: 5 });
    const records = fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 25 });
    const sizes = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 });
    const header = ["código", "nombre", "nota"];

    /** A record as Excel writes it with `;`: a cell quoted when it holds `;` `"` CR or LF. */
    const semicolonRecord = (cells: (string | null)[]) =>
      `${cells
        .map((cell) =>
          cell === null
            ? ""
            : cell === "" || /[";\r\n]/.test(cell)
              ? `"${cell.replaceAll('"', '""')}"`
              : cell,
        )
        .join(";")}\r\n`;

    const writers = [
      { name: "csvRecord (`,`, formulas escaped)", write: csvRecord, restore: restoreText },
      { name: "a `;` writer", write: semicolonRecord, restore: (cell: string) => cell },
    ];

    for (const { name, write, restore } of writers) {
      it(name, async () => {
        await fc.assert(
          fc.asyncProperty(records, sizes, async (written, sizes) => {
            const all = [header, ...written];
            const file = all.map((cells) => write(cells)).join("");
            const read = await collect(csvRecords(bodyOf(file, sizes)));
            // A record that is one null cell is written as a blank line: no record, but its row.
            const expected = all.flatMap((cells, i) =>
              cells.length === 1 && cells[0] === null ? [] : [{ row: i + 1, cells }],
            );
            const restored = read.map(({ row, cells }) => ({
              row,
              cells: cells.map((cell) => (cell === null ? null : restore(cell))),
            }));
            expect(restored).toEqual(expected);
          }),
          { seed: 20261127, numRuns: 200 },
        );
      });
    }
  });

  it("reads 300,000 records of 15 cells in under 5 s", { timeout: 60_000 }, async () => {
    const ROWS = 300_000;
    const chunks: Uint8Array[] = [];
    let pending =
      "code,name,address,city,department,phone,price,stock,notes,status,created,category,seller,lat,lng\r\n";
    for (let i = 1; i <= ROWS; i++) {
      pending += `P-${i},Droguería Doña Inés ${i},"Calle ${i % 90} # 4-5, local ${i % 7}",Medellín,Antioquia,300555${i % 10_000},${(i * 1.5).toFixed(2)},${i % 400},${i % 3 === 0 ? '"dice ""hola"""' : ""},activo,2026-11-27,Ñame,S-${i % 50},6.2${i % 1000},-75.5${i % 1000}\r\n`;
      if (pending.length >= 65_536 || i === ROWS) {
        chunks.push(utf8.encode(pending));
        pending = "";
      }
    }
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const megabytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0) / 1e6;

    const started = performance.now();
    let [records, cells, lastRow] = [0, 0, 0];
    for await (const record of csvRecords(body)) {
      records += 1;
      cells += record.cells.length;
      lastRow = record.row;
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `csvRecords: ${ROWS} records (${megabytes.toFixed(1)} MB) in ${seconds.toFixed(2)} s`,
    );
    expect(records).toBe(ROWS + 1);
    expect(cells).toBe((ROWS + 1) * 15);
    expect(lastRow).toBe(ROWS + 1);
    expect(seconds).toBeLessThan(5);
  });
});

describe("ndjsonRecords", () => {
  it("reads one object a line, LF or CRLF, BOM or not; the row is the line number", async () => {
    const file = `${UTF8_BOM}{"name":"Droguería Doña Inés"}\r\n{"name":"Ñame","n":2}\n{"a":{"b":[1]}}`;
    expect(await ndjson(file)).toEqual([
      { row: 1, value: { name: "Droguería Doña Inés" } },
      { row: 2, value: { name: "Ñame", n: 2 } },
      { row: 3, value: { a: { b: [1] } } },
    ]);
  });

  it("skips blank and whitespace-only lines, counting them", async () => {
    expect(await ndjson('\n{"a":1}\r\n\r\n  \t \n{"a":2}\n\n')).toEqual([
      { row: 2, value: { a: 1 } },
      { row: 5, value: { a: 2 } },
    ]);
  });

  it("reports a line that is not JSON, and reads on: one bad line hides no other", async () => {
    expect(await ndjson('{"a":1}\n{"a":\n{"a":3}\nnope\n{"a":5}\n')).toEqual([
      { row: 1, value: { a: 1 } },
      { row: 2, error: { en: "row 2 is not valid JSON", es: "la fila 2 no es JSON válido" } },
      { row: 3, value: { a: 3 } },
      { row: 4, error: { en: "row 4 is not valid JSON", es: "la fila 4 no es JSON válido" } },
      { row: 5, value: { a: 5 } },
    ]);
  });

  it("reports a line that is JSON but not an object", async () => {
    const records = await ndjson('[1,2]\n7\n"texto"\nnull\ntrue\n{"ok":true}\n');
    expect(records.slice(0, 5)).toEqual(
      [1, 2, 3, 4, 5].map((row) => ({
        row,
        error: { en: `row ${row} is not a JSON object`, es: `la fila ${row} no es un objeto JSON` },
      })),
    );
    expect(records[5]).toEqual({ row: 6, value: { ok: true } });
  });

  it("throws on a line longer than the limit (1,048,576 characters unless told)", async () => {
    const limits = { maxLineChars: 12 };
    expect(await readAll((body) => ndjsonRecords(body, limits), '{"a":"1234"}\r\n')).toHaveLength(
      1,
    );
    const { records, error } = await ndjsonError('{"a":"1234"}\n{"a":"12345"}\n{}\n', limits);
    expect(records).toEqual([{ row: 1, value: { a: "1234" } }]);
    expect(error.row).toBe(2);
    expect(error.detail).toEqual({
      en: "row 2 is longer than 12 characters",
      es: "la fila 2 tiene más de 12 caracteres",
    });
    // Refused while it arrives, not once it ends.
    expect((await ndjsonError(`{}\n"${"x".repeat(40)}`, limits)).error.row).toBe(2);
    expect(DEFAULT_RECORD_LIMITS.maxLineChars).toBe(1_048_576);
  });

  it("throws on bytes that are not UTF-8, naming their line", async () => {
    const { records, error } = await ndjsonError(bytes('{"a":1}\n{"a":"Do', [0xf1], 'a"}\n'));
    expect(records).toEqual([{ row: 1, value: { a: 1 } }]);
    expect(error.row).toBe(2);
    expect(error.detail.es).toBe("la fila 2 no es UTF-8 válido");
  });
});
