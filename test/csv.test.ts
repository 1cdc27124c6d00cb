import { describe, expect, it } from "vitest";
import {
  type Cell,
  csvField,
  csvFileName,
  csvRecord,
  csvStream,
  restoreText,
} from "../src/lib/csv";
import { parseCsv } from "./support/csv";

const bytesOf = (text: string) => [...new TextEncoder().encode(text)];

async function readAll(stream: ReadableStream<Uint8Array>) {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return chunks;
}

describe("csvField (RFC 4180)", () => {
  it("writes plain text as it is, and quotes a field holding a comma, a quote, CR or LF", () => {
    expect(csvField("Tienda Doña Rosa")).toBe("Tienda Doña Rosa");
    expect(csvField("Calle 10, local 2")).toBe('"Calle 10, local 2"');
    expect(csvField('Gaseosa "cola"')).toBe('"Gaseosa ""cola"""');
    expect(csvField("línea 1\nlínea 2")).toBe('"línea 1\nlínea 2"');
    expect(csvField("línea 1\r\nlínea 2")).toBe('"línea 1\r\nlínea 2"');
  });

  it("writes null as an empty field and empty text as a quoted empty field", () => {
    expect(csvField(null)).toBe("");
    expect(csvField("")).toBe('""');
  });

  it("writes numbers as numbers: a negative one is not a formula", () => {
    expect(csvField(2500)).toBe("2500");
    expect(csvField(-75.5906)).toBe("-75.5906");
    expect(csvField(0)).toBe("0");
  });

  it("writes a list as its items separated by spaces", () => {
    expect(csvField(["a", "b"])).toBe("a b");
    expect(csvField([])).toBe('""');
  });

  it("puts a ' before text a spreadsheet would run as a formula (OWASP CSV injection)", () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField("+57 300 555 0100")).toBe("'+57 300 555 0100");
    expect(csvField("-5")).toBe("'-5");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\tcmd")).toBe("'\tcmd");
    expect(csvField("\rcmd")).toBe('"\'\rcmd"');
    expect(csvField("a=b")).toBe("a=b");
  });

  it("escapes a leading ' too, so dropping one leading ' restores every text exactly", () => {
    expect(csvField("'quoted")).toBe("''quoted");
    for (const text of ["'quoted", "''", "=1+2", "-", "plain", "'=x", "@", "+"]) {
      const [[field]] = parseCsv(`${csvField(text)}\r\n`) as [[string]];
      expect(restoreText(field)).toBe(text);
    }
  });
});

describe("csvRecord", () => {
  it("joins fields with commas and ends with CRLF; a parser reads the same cells back", () => {
    const cells: Cell[] = ['Ñandú, "el bueno"', 3, null, "", "x\ny", ["id1", "id2"]];
    const record = csvRecord(cells);
    expect(record).toBe('"Ñandú, ""el bueno""",3,,"","x\ny",id1 id2\r\n');
    expect(parseCsv(record)).toEqual([['Ñandú, "el bueno"', "3", null, "", "x\ny", "id1 id2"]]);
  });

  it("is UTF-8 once encoded: ñ is C3 B1, no byte order mark", () => {
    expect(bytesOf(csvRecord(["ñ"]))).toEqual([0xc3, 0xb1, 0x0d, 0x0a]);
  });
});

describe("csvFileName", () => {
  it("names the file by the UTC date of the instant given", () => {
    expect(csvFileName("products", new Date("2026-03-05T23:59:59.999Z"))).toBe(
      "products-2026-03-05.csv",
    );
    // 19:00 in Bogotá on 5 March is already 6 March in UTC.
    expect(csvFileName("users", new Date("2026-03-05T19:00:00-05:00"))).toBe(
      "users-2026-03-06.csv",
    );
  });
});

describe("csvStream", () => {
  type Row = { id: string; n: number | null };
  const pages: Record<string, { data: Row[]; nextCursor: string | null }> = {
    "": { data: [{ id: "a", n: 1 }], nextCursor: "1" },
    "1": { data: [{ id: "b", n: null }], nextCursor: "2" },
    "2": { data: [{ id: "c", n: 3 }], nextCursor: null },
  };

  it("writes the header and one chunk per page, reading a page only when asked for more", async () => {
    const asked: string[] = [];
    const stream = csvStream<Row>({
      columns: ["id", "n"],
      first: pages[""]!,
      next: async (cursor) => {
        asked.push(cursor);
        return pages[cursor]!;
      },
      bom: false,
      failed: () => {},
    });
    await Promise.resolve();
    expect(asked).toEqual([]);
    const reader = stream.getReader();
    const decode = (chunk: Uint8Array | undefined) => new TextDecoder().decode(chunk);
    expect(decode((await reader.read()).value)).toBe("id,n\r\na,1\r\n");
    expect(asked).toEqual([]);
    expect(decode((await reader.read()).value)).toBe("b,\r\n");
    expect(asked).toEqual(["1"]);
    expect(decode((await reader.read()).value)).toBe("c,3\r\n");
    expect((await reader.read()).done).toBe(true);
    expect(asked).toEqual(["1", "2"]);
  });

  it("starts with the UTF-8 byte order mark only when asked", async () => {
    const one = (bom: boolean) =>
      csvStream<Row>({
        columns: ["id"],
        first: { data: [], nextCursor: null },
        next: () => Promise.reject(new Error("no next page")),
        bom,
        failed: () => {},
      });
    expect([...(await readAll(one(true)))[0]!]).toEqual([0xef, 0xbb, 0xbf, ...bytesOf("id\r\n")]);
    expect([...(await readAll(one(false)))[0]!]).toEqual(bytesOf("id\r\n"));
  });

  it("errors the stream when a page fails, after telling how many rows went out", async () => {
    const failures: [unknown, number][] = [];
    const cause = new Error("D1_ERROR: Network connection lost");
    const stream = csvStream<Row>({
      columns: ["id", "n"],
      first: pages[""]!,
      next: () => Promise.reject(cause),
      bom: false,
      failed: (error, rowsSent) => failures.push([error, rowsSent]),
    });
    const reader = stream.getReader();
    await reader.read();
    await expect(reader.read()).rejects.toThrow(/cut off/);
    expect(failures).toEqual([[cause, 1]]);
  });
});
