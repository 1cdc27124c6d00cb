/**
 * A strict RFC 4180 reader for the tests, so a file the API writes is read back as a
 * spreadsheet or a BI tool would: fields separated by commas, every record ended by CRLF,
 * a quoted field with its quotes doubled. An unquoted empty field reads as null and a
 * quoted one as "", as src/lib/csv.ts writes them. Anything else throws.
 */
export function parseCsv(text: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let at = 0;
  while (at < text.length) {
    let field: string | null;
    if (text[at] === '"') {
      field = "";
      at += 1;
      for (;;) {
        const quote = text.indexOf('"', at);
        if (quote < 0) throw new Error(`unterminated quoted field from ${at}`);
        field += text.slice(at, quote);
        if (text[quote + 1] !== '"') {
          at = quote + 1;
          break;
        }
        field += '"';
        at = quote + 2;
      }
    } else {
      const end = text.slice(at).search(/[,\r\n]/);
      const raw = end < 0 ? text.slice(at) : text.slice(at, at + end);
      if (raw.includes('"')) throw new Error(`a quote inside an unquoted field at ${at}`);
      field = raw === "" ? null : raw;
      at += raw.length;
    }
    record.push(field);
    if (text[at] === ",") {
      at += 1;
      continue;
    }
    if (!text.startsWith("\r\n", at)) throw new Error(`expected "," or CRLF at ${at}`);
    at += 2;
    records.push(record);
    record = [];
  }
  if (record.length > 0) throw new Error("the last record has no CRLF");
  return records;
}

/** The records after the header, each as header name → field. */
export function csvObjects(text: string): Record<string, string | null>[] {
  const [header, ...records] = parseCsv(text);
  if (header === undefined) throw new Error("no header row");
  return records.map((record) => {
    if (record.length !== header.length)
      throw new Error(`${record.length} fields, not ${header.length}`);
    return Object.fromEntries(header.map((name, i) => [name!, record[i]!]));
  });
}
