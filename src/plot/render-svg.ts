// A figure as a standalone SVG document, drawn by Vega without a DOM or a canvas (Node, workers).
// Vega and Vega-Lite are loaded on the first figure, so programs that never plot never load them.

import { chartSpec } from "./chart-spec.js";
import type { Figure } from "./figure.js";

/** The SVG of `figure` (a figure from readFigure). */
export async function figureSvg(figure: Figure): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(vegaLite.compile(chartSpec(figure)).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
