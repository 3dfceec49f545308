// A figure of std/plot: a plain value (a map in Noodle) with "type": "figure", its kind, its data
// and its labels, so it prints, copies, crosses to workers and into stores like any value. This
// module makes figures from plot.line's (and the others') arguments and reads them back, checked,
// wherever one is shown: the host's plot.show and the renderers take only what it returns.
// The shape is documented in docs/plot.md.

import { HostError } from "../runtime/host-calls.js";
import { STRUCT_NAME } from "../runtime/values.js";

export type FigureKind = "line" | "scatter" | "hist" | "heatmap";

interface Labels {
  title: string;
  xlabel: string;
  ylabel: string;
}

/** A figure as plain JSON: what renderers draw and what a plot display receives. */
export type Figure =
  | ({ type: "figure"; kind: "line" | "scatter"; x: number[]; y: number[] } & Labels)
  | ({ type: "figure"; kind: "hist"; values: number[]; bins: number } & Labels)
  | ({ type: "figure"; kind: "heatmap"; matrix: number[][] } & Labels);

export const FIGURE_KINDS: readonly FigureKind[] = ["line", "scatter", "hist", "heatmap"];

/** Bins of plot.hist when none are given (as numpy's histogram and matplotlib's hist). */
export const DEFAULT_BINS = 10;
export const MAX_BINS = 1000;
/** The most points (or heatmap cells) one figure draws: more take seconds to draw and tens of megabytes of SVG. */
export const MAX_POINTS = 50_000;

const OPTIONS = ["title", "xlabel", "ylabel"] as const;

/** The axis labels a figure of each kind gets unless its options name others. */
const DEFAULT_LABELS: Record<FigureKind, { xlabel: string; ylabel: string }> = {
  line: { xlabel: "x", ylabel: "y" },
  scatter: { xlabel: "x", ylabel: "y" },
  hist: { xlabel: "value", ylabel: "count" },
  heatmap: { xlabel: "column", ylabel: "row" },
};

/** A matrix as the host reads one from a VM (src/math/arrays.ts), or as plain data. */
export interface MatrixLike {
  kind: "matrix";
  shape: number[];
  data: ArrayLike<number>;
}

function isMatrix(v: unknown): v is MatrixLike {
  const m = v as Partial<MatrixLike> | null;
  return typeof m === "object" && m !== null && m.kind === "matrix" && Array.isArray(m.shape) && m.shape.length === 2 && m.data !== undefined;
}

/** The kinds of values the host reads as objects other than maps (src/runtime/values.ts). */
const VALUE_KINDS = new Set(["function", "future", "actor", "error", "tensor"]);

/** A value's type as Noodle's type() names it. */
function typeName(v: unknown): string {
  if (v === null || v === undefined) return "nil";
  if (Array.isArray(v)) return "list";
  if (isMatrix(v)) return "matrix";
  if (typeof v === "object") {
    if (STRUCT_NAME in v) return "struct";
    const kind = (v as { kind?: unknown }).kind;
    return typeof kind === "string" && VALUE_KINDS.has(kind) ? (kind === "function" ? "func" : kind) : "map";
  }
  return typeof v === "boolean" ? "bool" : typeof v;
}

const wrongType = (fn: string, what: string, v: unknown, wanted: string) =>
  HostError.of("OperandTypes", fn, `${what} is ${v === null || v === undefined ? "nil" : `a ${typeName(v)}`}; it takes ${wanted}`);

function finite(fn: string, what: string, x: unknown): number {
  if (typeof x !== "number") throw wrongType(fn, what, x, "a number");
  if (!Number.isFinite(x)) throw HostError.of("ArgumentRange", fn, what, "a finite number", String(x));
  return x;
}

/** The numbers of a list or of a one-row or one-column matrix, each finite. */
function numbers(fn: string, name: string, v: unknown): number[] {
  const wanted = "a list of numbers or a one-row or one-column matrix";
  if (isMatrix(v)) {
    const [rows, cols] = v.shape;
    if (rows > 1 && cols > 1) throw HostError.of("ShapeMismatch", `${fn}: ${name} is a ${rows}x${cols} matrix; it takes one row or one column`);
    return Array.from(v.data, (x, i) => finite(fn, `${name}[${i}]`, x));
  }
  if (!Array.isArray(v)) throw wrongType(fn, name, v, wanted);
  return v.map((x, i) => finite(fn, `${name}[${i}]`, x));
}

/** The rows of a matrix as lists of numbers. */
export function matrixRows(m: MatrixLike): number[][] {
  const [rows, cols] = m.shape;
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => m.data[i * cols + j]));
}

function entries(v: unknown): [unknown, unknown][] | undefined {
  if (v instanceof Map) return [...v.entries()];
  if (typeof v === "object" && v !== null && !Array.isArray(v) && !isMatrix(v)) return Object.entries(v);
  return undefined;
}

/** title, xlabel and ylabel from a map of options (nil: none), over the kind's defaults. */
function labels(fn: string, kind: FigureKind, opts: unknown): Labels {
  const out: Labels = { title: "", ...DEFAULT_LABELS[kind] };
  if (opts === null || opts === undefined) return out;
  const given = entries(opts);
  if (!given) throw wrongType(fn, "opts", opts, `a map of options (${OPTIONS.join(", ")})`);
  for (const [key, value] of given) {
    if (!OPTIONS.includes(key as (typeof OPTIONS)[number]))
      throw HostError.of("InvalidArgument", `${fn} (unknown option ${JSON.stringify(String(key))}; the options are ${OPTIONS.join(", ")})`);
    if (typeof value !== "string") throw wrongType(fn, `option "${key}"`, value, "a string");
    out[key as (typeof OPTIONS)[number]] = value;
  }
  return out;
}

function pointCount(fn: string, n: number): void {
  if (n > MAX_POINTS) throw HostError.of("ArgumentRange", fn, "the number of points", `at most ${MAX_POINTS}`, String(n));
}

/**
 * The figure `plot.<kind>(a, b, opts)` makes: (xs, ys) for line and scatter, (xs, bins) for hist,
 * (M, nil) for heatmap. Wrong arguments are coded errors that name the function.
 */
export function makeFigure(kind: unknown, a: unknown, b: unknown, opts: unknown, fn = `plot.${String(kind)}`): Figure {
  if (typeof kind !== "string" || !FIGURE_KINDS.includes(kind as FigureKind)) throw HostError.of("InvalidArgument", `plot (no figure kind ${String(kind)})`);
  switch (kind as FigureKind) {
    case "line":
    case "scatter": {
      const x = numbers(fn, "xs", a);
      const y = numbers(fn, "ys", b);
      if (x.length !== y.length) throw HostError.of("ShapeMismatch", `${fn}: xs has ${x.length} number${x.length === 1 ? "" : "s"} and ys ${y.length}`);
      pointCount(fn, x.length);
      return { type: "figure", kind: kind as "line" | "scatter", x, y, ...labels(fn, kind as FigureKind, opts) };
    }
    case "hist": {
      // plot.hist(xs, {"title": ...}) leaves out the bins
      if (opts === null && entries(b) !== undefined) [b, opts] = [null, b];
      const values = numbers(fn, "xs", a);
      const bins = b === null || b === undefined ? DEFAULT_BINS : finite(fn, "bins", b);
      if (!Number.isInteger(bins) || bins < 1 || bins > MAX_BINS)
        throw HostError.of("ArgumentRange", fn, "bins", `a whole number from 1 to ${MAX_BINS}`, String(bins));
      return { type: "figure", kind: "hist", values, bins, ...labels(fn, "hist", opts) };
    }
    case "heatmap": {
      if (!isMatrix(a)) throw wrongType(fn, "M", a, "a matrix");
      pointCount(fn, a.shape[0] * a.shape[1]);
      const matrix = matrixRows(a).map((row, i) => row.map((x, j) => finite(fn, `M[${i}, ${j}]`, x)));
      return { type: "figure", kind: "heatmap", matrix, ...labels(fn, "heatmap", opts) };
    }
  }
}

function field(v: [unknown, unknown][], key: string): unknown {
  return v.find(([k]) => k === key)?.[1];
}

/**
 * The figure `v` is, checked as plot.line and the others check their arguments: a figure map
 * from a program (matrices as the host reads them) or its plain JSON (matrices as lists of rows).
 * Anything else is a coded error naming `fn`.
 */
export function readFigure(v: unknown, fn = "plot.show"): Figure {
  const fields = entries(v);
  const wanted = "a figure (from plot.line, plot.scatter, plot.hist or plot.heatmap)";
  if (!fields || field(fields, "type") !== "figure") throw wrongType(fn, "the value", v, wanted);
  const kind = field(fields, "kind");
  if (typeof kind !== "string" || !FIGURE_KINDS.includes(kind as FigureKind))
    throw HostError.of("InvalidArgument", `${fn} (a figure's "kind" is one of ${FIGURE_KINDS.join(", ")}, not ${JSON.stringify(kind ?? null)})`);
  const opts = new Map(OPTIONS.map((k) => [k, field(fields, k)]));
  const figureFn = `${fn} (a ${kind} figure)`;
  switch (kind as FigureKind) {
    case "line":
    case "scatter":
      return readLabels(makeFigure(kind, field(fields, "x"), field(fields, "y"), null, figureFn), opts, figureFn);
    case "hist":
      return readLabels(makeFigure(kind, field(fields, "values"), field(fields, "bins") ?? null, null, figureFn), opts, figureFn);
    case "heatmap": {
      const m = field(fields, "matrix");
      return readLabels(makeFigure(kind, Array.isArray(m) ? readMatrix(m, figureFn) : m, null, null, figureFn), opts, figureFn);
    }
  }
}

/** A figure's labels as it has them: strings, all three. */
function readLabels(f: Figure, labels: Map<string, unknown>, fn: string): Figure {
  for (const [k, v] of labels) {
    if (typeof v !== "string") throw wrongType(fn, `"${k}"`, v, "a string");
    f[k as (typeof OPTIONS)[number]] = v;
  }
  return f;
}

/** A matrix, or rows of numbers all of one length as one; anything else is a coded error naming `fn`. */
export function readMatrix(v: unknown, fn: string): MatrixLike {
  if (isMatrix(v)) return v;
  if (!Array.isArray(v)) throw wrongType(fn, "the value", v, "a matrix or a list of rows");
  const cols = Array.isArray(v[0]) ? v[0].length : 0;
  const data: number[] = [];
  for (const row of v) {
    if (!Array.isArray(row) || row.length !== cols) throw HostError.of("ShapeMismatch", `${fn}: the matrix's rows are not lists of one length`);
    for (const x of row) {
      if (typeof x !== "number") throw wrongType(fn, "an element", x, "a number");
      data.push(x);
    }
  }
  return { kind: "matrix", shape: [v.length, cols], data };
}
