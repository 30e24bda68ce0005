import { h, svg, uniqueId } from "./dom";

/** One count drawn as a bar: `tone` picks the colour class (ok, failed, other). */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly tone: "ok" | "failed" | "other";
}

/** One time slot of a period, its counts by outcome. */
export interface Column {
  readonly label: string;
  readonly bars: readonly Bar[];
}

const WIDTH = 360;
const ROW = 26;
const LABEL = 130;

/**
 * Horizontal bars, one per outcome, with the number written beside each bar: the picture is for
 * the eye, the text says the same for everyone else (the SVG is named by the figure's caption).
 */
export function outcomeBars(caption: string, bars: readonly Bar[]): HTMLElement {
  const captionId = uniqueId("chart");
  const largest = Math.max(1, ...bars.map((bar) => bar.value));
  const span = WIDTH - LABEL - 50;
  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${Math.max(1, bars.length) * ROW}`,
      role: "img",
      "aria-labelledby": captionId,
      class: "bars",
    },
    ...bars.map((bar, index) => {
      const y = index * ROW;
      const length = bar.value === 0 ? 0 : Math.max(2, (bar.value / largest) * span);
      return svg(
        "g",
        { class: `bar ${bar.tone}` },
        svg("text", { x: 0, y: y + 17, class: "bar-label" }, bar.label),
        svg("rect", { x: LABEL, y: y + 5, width: length.toFixed(1), height: ROW - 10, rx: 2 }),
        svg("text", { x: LABEL + length + 6, y: y + 17, class: "bar-value" }, bar.value),
      );
    }),
  );
  const summary = bars.map((bar) => `${bar.label}: ${bar.value}`).join(", ");
  return h(
    "figure",
    { class: "chart" },
    chart,
    h("figcaption", { id: captionId }, `${caption} — ${summary || "no requests"}`),
  );
}

const HEIGHT = 80;

/** Stacked columns over time (one per slot), each slot's counts in its tooltip. */
export function timeline(caption: string, columns: readonly Column[]): HTMLElement | null {
  if (columns.length === 0) return null;
  const captionId = uniqueId("timeline");
  const largest = Math.max(
    1,
    ...columns.map((column) => column.bars.reduce((sum, bar) => sum + bar.value, 0)),
  );
  const slot = WIDTH / columns.length;
  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: "img",
      "aria-labelledby": captionId,
      class: "timeline",
      preserveAspectRatio: "none",
    },
    svg("line", { x1: 0, y1: HEIGHT - 0.5, x2: WIDTH, y2: HEIGHT - 0.5, class: "axis" }),
    ...columns.map((column, index) => {
      let top = HEIGHT;
      const parts = column.bars
        .filter((bar) => bar.value > 0)
        .map((bar) => {
          const height = (bar.value / largest) * (HEIGHT - 4);
          top -= height;
          return svg("rect", {
            x: (index * slot + 1).toFixed(1),
            y: top.toFixed(1),
            width: Math.max(1, slot - 2).toFixed(1),
            height: height.toFixed(1),
            class: `bar ${bar.tone}`,
          });
        });
      const tip = `${column.label}: ${column.bars.map((bar) => `${bar.label} ${bar.value}`).join(", ") || "no requests"}`;
      return svg("g", {}, svg("title", {}, tip), ...parts);
    }),
  );
  return h("figure", { class: "chart" }, chart, h("figcaption", { id: captionId }, caption));
}
