// One figure, one chart: the Vega-Lite specification both renderers draw, the SVG files of
// `noodle run` (render-svg.ts) and the interactive chart of a page (render-browser.ts), so a
// figure looks the same in both. Continuous axes zoom and pan (a scale-bound interval) and
// every mark shows its values on hover (tooltips); in an SVG file those simply do nothing.

import type { TopLevelSpec } from "vega-lite";
import type { Figure } from "./figure.js";

export const CHART_WIDTH = 480;
export const CHART_HEIGHT = 320;

/** Scroll to zoom, drag to pan: the x and y scales follow an interval bound to them. */
const ZOOM = [{ name: "zoom", select: "interval", bind: "scales" }] as const;

/** The most vertices of a line that carry tooltips: each is a mark, which doubles a long line's cost. */
export const LINE_TOOLTIPS_UP_TO = 5_000;

/** A histogram's bars: `bins` of equal width from the smallest value to the largest, the last closed on the right (as numpy's). */
export function histogramBins(values: number[], bins: number): { start: number; end: number; count: number }[] {
  if (values.length === 0) return [];
  // a loop, not Math.min(...values): a spread of a million values overflows the stack
  let lo = values[0];
  let hi = values[0];
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  return counts.map((count, i) => ({ start: lo + i * width, end: i === bins - 1 ? hi : lo + (i + 1) * width, count }));
}

/** The Vega-Lite specification of `figure` (a figure from readFigure). */
export function chartSpec(figure: Figure): TopLevelSpec {
  const { xlabel, ylabel } = figure;
  const frame = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(figure.title ? { title: figure.title } : {}),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    background: "white",
    padding: 8,
  };
  // as matplotlib: the axes span the data, with room so that no point sits on a border
  const x = { field: "x", type: "quantitative", title: xlabel, scale: { zero: false, padding: 12 } } as const;
  const y = { field: "y", type: "quantitative", title: ylabel, scale: { zero: false, padding: 12 } } as const;
  const tooltip = [
    { field: "x", type: "quantitative", title: xlabel },
    { field: "y", type: "quantitative", title: ylabel },
  ] as const;
  switch (figure.kind) {
    case "scatter":
      return {
        ...frame,
        data: { values: figure.x.map((x, i) => ({ x, y: figure.y[i] })) },
        params: [...ZOOM],
        mark: { type: "point", filled: true, size: 40 },
        encoding: { x, y, tooltip: [...tooltip] },
      };
    case "line": {
      // joined in the order given, as the program lists them, not sorted by x; an invisible point
      // on each vertex carries its tooltip, up to LINE_TOOLTIPS_UP_TO vertices
      const order = { order: { field: "i", type: "quantitative" } } as const;
      return {
        ...frame,
        data: { values: figure.x.map((x, i) => ({ i, x, y: figure.y[i] })) },
        encoding: { x, y },
        layer:
          figure.x.length <= LINE_TOOLTIPS_UP_TO
            ? [
                { mark: { type: "line", strokeWidth: 2 }, encoding: order },
                { params: [...ZOOM], mark: { type: "point", opacity: 0, size: 80 }, encoding: { tooltip: [...tooltip] } },
              ]
            : [{ params: [...ZOOM], mark: { type: "line", strokeWidth: 2 }, encoding: order }],
      };
    }
    case "hist":
      return {
        ...frame,
        data: { values: histogramBins(figure.values, figure.bins) },
        params: [...ZOOM],
        mark: { type: "rect", stroke: "white", strokeWidth: 0.5 },
        encoding: {
          x: { field: "start", type: "quantitative", title: xlabel, scale: { zero: false } },
          x2: { field: "end" },
          y: { field: "count", type: "quantitative", title: ylabel },
          y2: { datum: 0 },
          tooltip: [
            { field: "start", type: "quantitative", title: "from" },
            { field: "end", type: "quantitative", title: "to" },
            { field: "count", type: "quantitative", title: ylabel },
          ],
        },
      };
    case "heatmap":
      // cells by row and column index, row 0 at the top as the matrix prints
      return {
        ...frame,
        data: { values: figure.matrix.flatMap((row, r) => row.map((value, c) => ({ row: r, col: c, value }))) },
        mark: { type: "rect" },
        encoding: {
          x: { field: "col", type: "ordinal", title: xlabel, axis: { labelAngle: 0 } },
          y: { field: "row", type: "ordinal", title: ylabel },
          color: { field: "value", type: "quantitative", title: "value", scale: { scheme: "viridis" } },
          tooltip: [
            { field: "row", type: "ordinal", title: ylabel },
            { field: "col", type: "ordinal", title: xlabel },
            { field: "value", type: "quantitative", title: "value" },
          ],
        },
      };
  }
}
