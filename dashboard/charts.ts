/** Bar charts as inline SVG built with DOM calls: no library, nothing inline for the CSP. */
const SVG = "http://www.w3.org/2000/svg";

function svgElement<K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

export interface Bar {
  label: string;
  value: number;
}

const ROW = 22;
const LABEL_WIDTH = 150;
const WIDTH = 480;

/** Horizontal bars, one per row, each labelled with its value (scales with its box). */
export function horizontalBars(bars: Bar[], title: string): SVGSVGElement {
  const height = bars.length * ROW;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const chart = svgElement("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`,
    role: "img",
    "aria-label": title,
    class: "chart",
  });
  bars.forEach((bar, i) => {
    const y = i * ROW;
    const width = ((WIDTH - LABEL_WIDTH - 70) * bar.value) / max;
    const label = svgElement("text", { x: LABEL_WIDTH - 6, y: y + 15, "text-anchor": "end" });
    label.textContent = bar.label.length > 22 ? `${bar.label.slice(0, 21)}…` : bar.label;
    const rect = svgElement("rect", {
      x: LABEL_WIDTH,
      y: y + 3,
      width: Math.max(width, 1),
      height: ROW - 6,
      class: "bar",
    });
    const value = svgElement("text", { x: LABEL_WIDTH + width + 6, y: y + 15, class: "value" });
    value.textContent = bar.value.toLocaleString("es-CO");
    chart.append(label, rect, value);
  });
  return chart;
}

/** Vertical bars over time (one per day), the largest labelled. */
export function columns(bars: Bar[], title: string): SVGSVGElement {
  const height = 160;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const step = WIDTH / Math.max(bars.length, 1);
  const chart = svgElement("svg", {
    viewBox: `0 0 ${WIDTH} ${height + 20}`,
    role: "img",
    "aria-label": title,
    class: "chart",
  });
  bars.forEach((bar, i) => {
    const h = ((height - 14) * bar.value) / max;
    const rect = svgElement("rect", {
      x: i * step + 1,
      y: height - h,
      width: Math.max(step - 2, 1),
      height: h,
      class: "bar",
    });
    const tip = svgElement("title", {});
    tip.textContent = `${bar.label}: ${bar.value}`;
    rect.append(tip);
    chart.append(rect);
    if (i === 0 || i === bars.length - 1) {
      const label = svgElement("text", {
        x: i === 0 ? 0 : WIDTH,
        y: height + 16,
        "text-anchor": i === 0 ? "start" : "end",
      });
      label.textContent = bar.label;
      chart.append(label);
    }
  });
  return chart;
}
