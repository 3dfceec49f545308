// The host side of std/plot: `__plot_figure` makes a figure from plot.line's (and the others')
// arguments, `__plot_show` hands a figure to the VM's plot display. A display is given by the
// VM's user (`onPlot`: a page draws the chart, the CLI writes an SVG file); without one, the
// platform's default is used (Node's entry writes SVG files into the working directory), and a
// platform with none (a browser) makes plot.show fail with 3018.

import { HostError } from "../runtime/host-calls.js";
import type { VM } from "../runtime/vm.js";
import { type Figure, makeFigure, readFigure } from "./figure.js";

/**
 * Shows a figure; answers with where it went when that is a file (its path, which plot.show
 * prints as a line of the program's output), else with nothing. May answer with a promise: the
 * calling task waits for it. A HostError it throws is the program's error.
 */
export type PlotDisplay = (figure: Figure) => string | undefined | Promise<string | undefined>;

let platformDisplay: ((vm: VM) => PlotDisplay) | undefined;

/** The display every VM without its own gets: `make` is called once per VM, at its first figure. */
export function setDefaultPlotDisplay(make: (vm: VM) => PlotDisplay): void {
  platformDisplay = make;
}

const displays = new WeakMap<VM, PlotDisplay | undefined>();

/** A figure in Noodle: a heatmap's matrix a matrix again. */
function figureValue(f: Figure): unknown {
  if (f.kind !== "heatmap") return f;
  const rows = f.matrix.length;
  const cols = rows > 0 ? f.matrix[0].length : 0;
  return { ...f, matrix: { kind: "matrix", shape: [rows, cols], dtype: "f64", data: Float64Array.from(f.matrix.flat()) } };
}

/** Shows figure value `v` on `vm`'s display: what `plot.show(v)` answers there (a path or nil). */
export function showPlot(vm: VM, v: unknown): unknown {
  const figure = readFigure(v);
  if (!displays.has(vm)) displays.set(vm, platformDisplay?.(vm));
  const display = displays.get(vm);
  if (!display) throw HostError.of("NoPlotDisplay", "this platform has no plot display (give the run an onPlot option)");
  const where = display(figure);
  return where instanceof Promise ? where.then((w) => w ?? null) : (where ?? null);
}

/** Registers std/plot's host builtins in `vm`, showing figures on `display` when given. */
export function installPlots(vm: VM, display: PlotDisplay | undefined): void {
  if (display) displays.set(vm, display);
  vm.registerHost("__plot_figure", ([kind, a, b, opts]) => figureValue(makeFigure(kind, a, b, opts)));
  vm.registerHost("__plot_show", ([figure]) => showPlot(vm, figure));
}

/** A display for VMs that cannot reach their program's (pmap's replicas on workers). */
export function noPlotDisplay(why: string): PlotDisplay {
  return () => {
    throw HostError.of("NoPlotDisplay", why);
  };
}
