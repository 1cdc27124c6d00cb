/** The DOM the tiles are built of: elements, tables, and figures as Colombia writes them. */

export const number = (value: number) => value.toLocaleString("es-CO");

/** An instant as the dashboard shows every time: Colombia's clock, whatever the browser's. */
export const dateTime = (iso: string) =>
  new Date(iso).toLocaleString("es-CO", { timeZone: "America/Bogota" });

export function element<K extends keyof HTMLElementTagNameMap>(
  name: K,
  text?: string,
  attributes: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const node = document.createElement(name);
  if (text !== undefined) node.textContent = text;
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

/** A `<time>` showing `iso` in Colombia's time, the instant itself in its datetime. */
export const time = (iso: string) => element("time", dateTime(iso), { datetime: iso });

/**
 * A cell: numbers are shown es-CO formatted and carry their raw value in data-value;
 * a node (a `<time>`) goes in as it is.
 */
export type Cell = string | number | Node;

export function table(name: string, headings: string[], rows: Cell[][]): HTMLTableElement {
  const result = element("table", undefined, { "data-table": name });
  const head = result.createTHead().insertRow();
  for (const heading of headings) head.append(element("th", heading, { scope: "col" }));
  const body = result.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) {
      if (typeof cell === "number") {
        tr.append(element("td", number(cell), { "data-value": String(cell), class: "number" }));
      } else if (typeof cell === "string") {
        tr.append(element("td", cell));
      } else {
        tr.insertCell().append(cell);
      }
    }
  }
  return result;
}
