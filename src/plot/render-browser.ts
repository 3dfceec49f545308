// Figures in a page: the chart of chart-spec.ts drawn as live SVG, the same chart the SVG files of
// `noodle run` hold, with zoom and pan (scroll and drag) and each mark's values on hover. A page
// imports this module with import() when it first shows a figure; Vega and Vega-Lite come with it.
// Matrices can also be shown as a table or a heatmap (renderMatrix).

import { chartSpec } from "./chart-spec.js";
import { type Figure, makeFigure, matrixRows, readFigure, readMatrix } from "./figure.js";

type View = import("vega").View;

/** The view drawn in each container, finalized when another figure replaces it. */
const views = new WeakMap<HTMLElement, View>();

/** The tooltip of a page's charts: one box following the pointer, with a line per field. */
function tooltip(doc: Document): (handler: unknown, event: MouseEvent, item: unknown, value: unknown) => void {
  return (_handler, event, _item, value) => {
    let box = doc.querySelector<HTMLElement>(".noodle-plot-tooltip");
    if (value === undefined || value === null || value === "") {
      if (box) box.style.display = "none";
      return;
    }
    if (!box) {
      box = doc.createElement("div");
      box.className = "noodle-plot-tooltip";
      Object.assign(box.style, {
        position: "fixed",
        pointerEvents: "none",
        background: "rgba(255, 255, 255, 0.95)",
        border: "1px solid #aaa",
        borderRadius: "3px",
        padding: "4px 6px",
        font: "12px sans-serif",
        whiteSpace: "pre",
        zIndex: "1000",
      });
      doc.body.appendChild(box);
    }
    box.textContent =
      typeof value === "object"
        ? Object.entries(value)
            .map(([k, v]) => `${k}: ${v}`)
            .join("\n")
        : String(value);
    box.style.left = `${event.clientX + 12}px`;
    box.style.top = `${event.clientY + 12}px`;
    box.style.display = "block";
  };
}

async function draw(container: HTMLElement, figure: Figure): Promise<void> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  // text widths estimated, not measured on a canvas, as Node does: the chart is laid out as in
  // the SVG file to the pixel
  (vega as unknown as { textMetrics: { canvas(use: boolean): void } }).textMetrics.canvas(false);
  views.get(container)?.finalize();
  container.replaceChildren();
  const view = new vega.View(vega.parse(vegaLite.compile(chartSpec(figure)).spec), {
    renderer: "svg",
    container,
    hover: true,
    tooltip: tooltip(container.ownerDocument),
  });
  views.set(container, view);
  await view.runAsync();
}

/**
 * Draws `figure` (a figure value of std/plot, as a run's onPlot receives it) in `container`,
 * replacing what was there. A value that is not a figure is a HostError (5001, 5002, 3011, 3017).
 */
export async function renderFigure(container: HTMLElement, figure: unknown): Promise<void> {
  await draw(container, readFigure(figure, "renderFigure"));
}

/** A number as Noodle prints it (-0 as 0). */
const shown = (x: number): string => (Object.is(x, -0) ? "0" : String(x));

/** The most rows and columns a table shows; the rest are counted in its last row and column. */
export const TABLE_ROWS = 200;
export const TABLE_COLS = 50;

function table(container: HTMLElement, rows: number[][]): void {
  const doc = container.ownerDocument;
  const el = doc.createElement("table");
  el.className = "noodle-matrix";
  const cols = rows[0]?.length ?? 0;
  for (const row of rows.slice(0, TABLE_ROWS)) {
    const tr = el.insertRow();
    for (const x of row.slice(0, TABLE_COLS)) tr.insertCell().textContent = shown(x);
    if (cols > TABLE_COLS) tr.insertCell().textContent = `… ${cols - TABLE_COLS} more`;
  }
  if (rows.length > TABLE_ROWS) el.insertRow().insertCell().textContent = `… ${rows.length - TABLE_ROWS} more rows`;
  container.replaceChildren(el);
}

/**
 * Shows a matrix (a Matrix, plain {kind: "matrix", shape, data}, or a list of rows) in
 * `container` as a table of its numbers or as a heatmap, replacing what was there.
 */
export async function renderMatrix(container: HTMLElement, matrix: unknown, as: "table" | "heatmap" = "table"): Promise<void> {
  if (as === "heatmap") return draw(container, makeFigure("heatmap", readMatrix(matrix, "renderMatrix"), null, null));
  views.get(container)?.finalize();
  views.delete(container);
  table(container, matrixRows(readMatrix(matrix, "renderMatrix")));
}
