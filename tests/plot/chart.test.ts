// One figure, one chart: the Vega-Lite specification built from each kind of figure (its data
// and labels), and the SVG that Vega draws from it in Node, parsed: its title, axis labels and
// marks, one per point.
import { describe, expect, it } from "vitest";
import { CHART_HEIGHT, CHART_WIDTH, chartSpec, histogramBins, LINE_TOOLTIPS_UP_TO } from "../../src/plot/chart-spec.js";
import { type Figure, makeFigure } from "../../src/plot/figure.js";
import { figureSvg } from "../../src/plot/render-svg.js";

const labels = { title: "T", xlabel: "X axis", ylabel: "Y axis" };
const scatter = makeFigure("scatter", [1, 2, 3, 4, 5], [5, 3, 4, 1, 2], labels);
const line = makeFigure("line", [3, 1, 2], [9, 1, 4], labels);
const hist = makeFigure("hist", [0, 1, 1, 2, 9, 10], 2, labels);
const heatmap = makeFigure("heatmap", { kind: "matrix", shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }, null, labels);

/** Every string in a specification, anywhere in it. */
function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (typeof v === "object" && v !== null) return Object.values(v).flatMap(strings);
  return [];
}

function data(f: Figure): unknown {
  return (chartSpec(f) as { data: { values: unknown } }).data.values;
}

/** The marks of the program's data in an SVG (not axes, grid or legend): paths of `kind`. */
function marks(svg: string, kind: string): number {
  const group = new RegExp(`<g class="mark-${kind} role-mark[^"]*"[^>]*>(.*?)</g>`, "s").exec(svg);
  return group ? (group[1].match(/<path /g) ?? []).length : 0;
}

describe("the chart of a figure", () => {
  it("has the figure's size, title and axis labels", () => {
    for (const f of [scatter, line, hist, heatmap]) {
      const spec = chartSpec(f) as { title?: string; width: number; height: number };
      expect([spec.title, spec.width, spec.height]).toEqual(["T", CHART_WIDTH, CHART_HEIGHT]);
      expect(strings(spec)).toEqual(expect.arrayContaining(["X axis", "Y axis"]));
    }
    expect(chartSpec(makeFigure("line", [1], [2], null))).not.toHaveProperty("title");
  });

  it("holds the data of each kind", () => {
    expect(data(scatter)).toEqual([1, 2, 3, 4, 5].map((x, i) => ({ x, y: [5, 3, 4, 1, 2][i] })));
    // a line keeps the order it was given in
    expect(data(line)).toEqual([
      { i: 0, x: 3, y: 9 },
      { i: 1, x: 1, y: 1 },
      { i: 2, x: 2, y: 4 },
    ]);
    expect(data(hist)).toEqual([
      { start: 0, end: 5, count: 4 },
      { start: 5, end: 10, count: 2 },
    ]);
    expect(data(heatmap)).toEqual([
      { row: 0, col: 0, value: 1 },
      { row: 0, col: 1, value: 2 },
      { row: 0, col: 2, value: 3 },
      { row: 1, col: 0, value: 4 },
      { row: 1, col: 1, value: 5 },
      { row: 1, col: 2, value: 6 },
    ]);
  });

  it("of a line has a tooltip on each vertex up to LINE_TOOLTIPS_UP_TO of them", () => {
    const layers = (n: number) =>
      (chartSpec(makeFigure("line", [...Array(n).keys()], [...Array(n).keys()], null)) as { layer: { mark: { type: string } }[] }).layer;
    expect(layers(LINE_TOOLTIPS_UP_TO).map((l) => l.mark.type)).toEqual(["line", "point"]);
    expect(layers(LINE_TOOLTIPS_UP_TO + 1).map((l) => l.mark.type)).toEqual(["line"]);
    expect(JSON.stringify(layers(LINE_TOOLTIPS_UP_TO + 1))).toContain('"bind":"scales"');
  });

  it("zooms and pans on its continuous axes", () => {
    expect(JSON.stringify(chartSpec(scatter))).toContain('"bind":"scales"');
    expect(JSON.stringify(chartSpec(line))).toContain('"bind":"scales"');
  });
});

describe("histogram bins", () => {
  it("are of equal width from the least value to the greatest, the last closed", () => {
    expect(histogramBins([1, 2, 3, 4], 3).map((b) => b.count)).toEqual([1, 1, 2]);
    expect(histogramBins([1, 2, 3, 4], 3).at(-1)?.end).toBe(4);
  });

  it("count a million values", () => {
    const values = Array.from({ length: 1_000_000 }, (_, i) => i % 10);
    expect(histogramBins(values, 10).map((b) => b.count)).toEqual(new Array(10).fill(100_000));
  });

  it("of one repeated value are one wide around it; of no values there are none", () => {
    expect(histogramBins([2, 2], 1)).toEqual([{ start: 1.5, end: 2.5, count: 2 }]);
    expect(histogramBins([], 10)).toEqual([]);
  });
});

describe("SVG from Node", () => {
  it("a scatter of 5 points has its title, axis labels and 5 points", async () => {
    const svg = await figureSvg(scatter);
    expect(svg.startsWith("<svg")).toBe(true);
    for (const text of [">T<", ">X axis<", ">Y axis<"]) expect(svg).toContain(text);
    expect(marks(svg, "symbol")).toBe(5);
  });

  it("a line is one path, a histogram one bar a bin, a heatmap one cell an element", async () => {
    expect(marks(await figureSvg(line), "line")).toBe(1);
    expect(marks(await figureSvg(makeFigure("hist", [1, 2, 3, 4, 5, 6, 7], 4, null)), "rect")).toBe(4);
    expect(marks(await figureSvg(heatmap), "rect")).toBe(6);
  });

  it("is the same for the same figure", async () => {
    expect(await figureSvg(scatter)).toBe(await figureSvg(scatter));
  });
});
