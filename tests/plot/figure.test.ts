// std/plot's figures: plain maps of the documented shape (docs/plot.md), made from lists or
// one-row and one-column matrices, and every wrong argument a coded error that names the
// function, with the program's call in its trace.
import { describe, expect, it } from "vitest";
import { makeFigure, readFigure } from "../../src/plot/figure.js";
import { HostError } from "../../src/runtime/host-calls.js";
import { outputOf, runSource } from "../helpers.js";

const PLOT = 'import "std/plot" as plot\n';

/** The code, message and trace of the error a program's second line raises. */
async function failure(line: string): Promise<{ code?: number; message?: string; rendered: string }> {
  const r = await runSource(PLOT + line);
  expect(r.ok, r.output).toBe(false);
  return { code: r.error?.code, message: r.error?.message, rendered: r.error?.render() ?? "" };
}

describe("figures", () => {
  it("are maps with a type, a kind, their data and their labels", async () => {
    expect(await outputOf(`${PLOT}print(plot.line([1, 2], [3, 4]))`)).toBe(
      '{"type": "figure", "kind": "line", "x": [1, 2], "y": [3, 4], "title": "", "xlabel": "x", "ylabel": "y"}\n',
    );
    expect(await outputOf(`${PLOT}print(plot.scatter([1;2], [3, 4;], {"title": "T", "ylabel": "v"}))`)).toBe(
      '{"type": "figure", "kind": "scatter", "x": [1, 2], "y": [3, 4], "title": "T", "xlabel": "x", "ylabel": "v"}\n',
    );
    expect(
      await outputOf(`${PLOT}print(plot.hist([1, 2, 2]))\nprint(plot.hist([1], 3, {"xlabel": "size"}))\nprint(plot.hist([1], {"title": "no bins"})["bins"])`),
    ).toBe(
      '{"type": "figure", "kind": "hist", "values": [1, 2, 2], "bins": 10, "title": "", "xlabel": "value", "ylabel": "count"}\n' +
        '{"type": "figure", "kind": "hist", "values": [1], "bins": 3, "title": "", "xlabel": "size", "ylabel": "count"}\n10\n',
    );
    expect(await outputOf(`${PLOT}let f = plot.heatmap([1, 2; 3, 4])\nprint(f)\nprint(type(f["matrix"]), type(f))`)).toBe(
      '{"type": "figure", "kind": "heatmap", "matrix": [1, 2; 3, 4], "title": "", "xlabel": "column", "ylabel": "row"}\nmatrix map\n',
    );
  });

  it("keep their data as it was when made, and copy and compare as values", async () => {
    const src = `${PLOT}var xs = [1, 2]\nlet M = [1, 2; 3, 4]\nlet f = plot.line(xs, [5, 6])\nlet h = plot.heatmap(M)\npush(xs, 3)\nM[0, 0] = 9
print(f["x"], h["matrix"][0, 0], copy(f) == f, f == plot.line([1, 2], [5, 6]))`;
    expect(await outputOf(src)).toBe("[1, 2] 1 true true\n");
  });

  it("wrong types are 5001 naming the function, with the program's call in the trace", async () => {
    const e = await failure('plot.line("abc", [1])');
    expect(e.code).toBe(5001);
    expect(e.message).toBe("unsupported operand types for plot.line: xs is a string; it takes a list of numbers or a one-row or one-column matrix");
    expect(e.rendered).toMatch(/at <main> \(test\.nc:2:1\)/);
    expect((await failure('plot.scatter([1], ["a"])')).message).toBe("unsupported operand types for plot.scatter: ys[0] is a string; it takes a number");
    expect((await failure("plot.heatmap([1, 2])")).message).toBe("unsupported operand types for plot.heatmap: M is a list; it takes a matrix");
    expect((await failure("struct P { x }\nplot.heatmap(P { x: 1 })")).message).toBe(
      "unsupported operand types for plot.heatmap: M is a struct; it takes a matrix",
    );
    expect((await failure("plot.line(x => x, [1])")).message).toMatch(/: xs is a func; it takes/);
    expect((await failure('plot.hist([1], "ten")')).message).toBe("unsupported operand types for plot.hist: bins is a string; it takes a number");
    expect((await failure("plot.line([1], [1], 3)")).message).toBe(
      "unsupported operand types for plot.line: opts is a number; it takes a map of options (title, xlabel, ylabel)",
    );
    expect((await failure('plot.line([1], [1], {"title": 3})')).message).toBe(
      'unsupported operand types for plot.line: option "title" is a number; it takes a string',
    );
    expect((await failure("plot.show(nil)")).message).toBe(
      "unsupported operand types for plot.show: the value is nil; it takes a figure (from plot.line, plot.scatter, plot.hist or plot.heatmap)",
    );
  });

  it("shapes that do not fit are 5002", async () => {
    const lengths = await failure("plot.line([1, 2, 3], [1, 2])");
    expect([lengths.code, lengths.message]).toEqual([5002, "shapes do not fit: plot.line: xs has 3 numbers and ys 2"]);
    expect(lengths.rendered).toMatch(/at <main> \(test\.nc:2:1\)/);
    const square = await failure("plot.scatter([1, 2; 3, 4], [1, 2, 3, 4])");
    expect([square.code, square.message]).toEqual([5002, "shapes do not fit: plot.scatter: xs is a 2x2 matrix; it takes one row or one column"]);
  });

  it("values out of range are 3017, an unknown option 3011", async () => {
    expect(await failure("plot.hist([1, 2], 0)")).toMatchObject({ code: 3017, message: "plot.hist: bins must be a whole number from 1 to 1000, got 0" });
    expect(await failure("plot.hist([1, 2], 2.5)")).toMatchObject({ code: 3017, message: "plot.hist: bins must be a whole number from 1 to 1000, got 2.5" });
    expect(await failure("plot.line([1, 2], [0, 1e308 * 10])")).toMatchObject({
      code: 3017,
      message: "plot.line: ys[1] must be a finite number, got Infinity",
    });
    expect(await failure("plot.heatmap(zeros(300, 300))")).toMatchObject({
      code: 3017,
      message: "plot.heatmap: the number of points must be at most 50000, got 90000",
    });
    expect(await failure('plot.scatter([1], [1], {"color": "red"})')).toMatchObject({
      code: 3011,
      message: 'invalid argument to plot.scatter (unknown option "color"; the options are title, xlabel, ylabel)',
    });
  });

  it("go into a store and come back equal", async () => {
    const src = `${PLOT}import "std/db" as db
let s = db.open()
let f = plot.heatmap([1, 2; 3, 4], {"title": "kept"})
s.put("fig", f)
print(s.get("fig") == f, s.get("fig")["matrix"])`;
    expect(await outputOf(src)).toBe("true [1, 2; 3, 4]\n");
  });

  it("are errors a program can catch", async () => {
    expect(await outputOf(`${PLOT}try { plot.line([1], []) } catch e { print(e.code) }`)).toBe("5002\n");
  });

  it("shown are checked again, whoever made them", async () => {
    const bad = await failure('plot.show({"type": "figure", "kind": "pie"})');
    expect([bad.code, bad.message]).toEqual([3011, 'invalid argument to plot.show (a figure\'s "kind" is one of line, scatter, hist, heatmap, not "pie")']);
    const edited = await failure('var f = plot.line([1], [2])\nf["y"] = [1, 2]\nplot.show(f)');
    expect([edited.code, edited.message]).toEqual([5002, "shapes do not fit: plot.show (a line figure): xs has 1 number and ys 2"]);
    const label = await failure('var f = plot.hist([1])\nf["title"] = nil\nplot.show(f)');
    expect([label.code, label.message]).toEqual([5001, 'unsupported operand types for plot.show (a hist figure): "title" is nil; it takes a string']);
  });
});

describe("readFigure", () => {
  it("reads a figure's plain JSON, a heatmap's matrix as rows", () => {
    const f = readFigure(JSON.parse(JSON.stringify(makeFigure("heatmap", { kind: "matrix", shape: [1, 2], data: [1, 2] }, null, null))));
    expect(f).toEqual({ type: "figure", kind: "heatmap", matrix: [[1, 2]], title: "", xlabel: "column", ylabel: "row" });
    expect(() => readFigure({ type: "figure", kind: "heatmap", matrix: [[1, 2], [3]], title: "", xlabel: "", ylabel: "" })).toThrow(HostError);
  });
});
