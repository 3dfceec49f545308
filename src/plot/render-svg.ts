// A figure as a standalone SVG document, drawn by Vega without a DOM or a canvas (Node, workers).
// Vega and Vega-Lite are loaded on the first figure, so programs that never plot never load them.

import { chartSpec } from "./chart-spec.js";
import type { Figure } from "./figure.js";

/** Figures drawn so far: each waits for the one before, so its ids start afresh (see draw). */
let drawn: Promise<unknown> = Promise.resolve();

async function draw(figure: Figure): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(vegaLite.compile(chartSpec(figure)).spec), { renderer: "none" });
  try {
    // clip paths and gradients are numbered process-wide: from 1 in each file, the same figure
    // gives the same file
    vega.resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The SVG of `figure` (a figure from readFigure). */
export function figureSvg(figure: Figure): Promise<string> {
  const svg = drawn.then(() => draw(figure));
  drawn = svg.catch(() => undefined);
  return svg;
}
