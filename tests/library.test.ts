// The library API: compile, run and sessions, and values exchanged with JavaScript.
import { describe, expect, it } from "vitest";
import { compile, decodeModule, encodeModule, Matrix, Noodle, renderDiagnostic, run, STRUCT_NAME, type Tensor } from "../src/index.js";

describe("compile and run", () => {
  it("compiles to a module that runs, also after a trip through .nbc bytes", async () => {
    const c = compile("func sq(x) { return x * x }\nprint(sq(7))", { file: "sq.nc" });
    expect(c.ok).toBe(true);
    let out = "";
    expect((await run(c.module!, { stdout: (t) => (out += t) })).ok).toBe(true);
    const again = decodeModule(encodeModule(c.module!));
    expect((await run(again, { stdout: (t) => (out += t) })).ok).toBe(true);
    expect(out).toBe("49\n49\n");
  });

  it("returns diagnostics that render with the source line and a caret", () => {
    const c = compile("let a = 1\nprint(a + b)\n", { file: "bad.nc" });
    expect(c.ok).toBe(false);
    expect(c.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([[2002, 2, 11]]);
    expect(renderDiagnostic(c.diagnostics[0], c.sources.get("bad.nc"))).toBe(
      ["error[2002]: undeclared name 'b'", "  --> bad.nc:2:11", "  |", "2 | print(a + b)", "  |           ^"].join("\n"),
    );
  });

  it("reports runtime errors with a stack trace", async () => {
    const r = await run("func f(x) { return x / 0 }\nf(1)", { file: "t.nc", stdout: () => {} });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe(3001);
    expect(r.error?.trace.map((f) => [f.name, f.line])).toEqual([
      ["f", 1],
      ["<main>", 2],
    ]);
  });

  it("applies limits from the options", async () => {
    expect((await run("var i = 0\nwhile true { i += 1 }", { maxSteps: 10_000 })).error?.code).toBe(4002);
    expect((await run("func f(n) { return f(n + 1) }\nf(0)", { maxDepth: 100 })).error?.code).toBe(1001);
    expect((await run("var keep = []\nwhile true { push(keep, [1, 2, 3, 4]) }", { maxMemory: 16 << 20 })).error?.code).toBe(4001);
  });

  it("compiles imports through readFile", async () => {
    const files: Record<string, string> = { "lib/m.nc": 'func twice(x) { return 2 * x }\nlet name = "m"' };
    let out = "";
    const r = await run('import "lib/m.nc" as m\nprint(m.twice(21), m.name)', {
      file: "main.nc",
      readFile: (p) => files[p],
      stdout: (t) => (out += t),
    });
    expect(r.ok).toBe(true);
    expect(out).toBe("42 m\n");
  });
});

describe("sessions", () => {
  it("keep top-level names between evaluations and return the last expression", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    expect(s.eval("let base = 10").ok).toBe(true);
    expect(s.eval("func scale(x) { return x * base }").ok).toBe(true);
    expect(s.eval("scale(4)").value).toBe(40);
    expect(s.eval("var n = 0").ok).toBe(true);
    s.eval("n += 5");
    expect(s.get("n")).toBe(5);
    const bad = s.eval("nope + 1");
    expect(bad.diagnostics?.[0].code).toBe(2002);
    expect(s.eval("scale(1)").value).toBe(10);
  });

  it("exchange values with JavaScript both ways", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    s.eval(`
      struct Point { x: number, y: number }
      func describe(v) { return [type(v), v] }
      func point(x, y) { return Point { x: x, y: y } }
      func mat() { return [1, 2; 3, 4] }`);
    expect(s.call("describe", 1.5)).toEqual(["number", 1.5]);
    expect(s.call("describe", "héllo")).toEqual(["string", "héllo"]);
    expect(s.call("describe", [1, [true, null]])).toEqual(["list", [1, [true, null]]]);
    const m = s.call("describe", { a: 1, b: "x" }) as [string, Map<unknown, unknown>];
    expect(m[0]).toBe("map");
    expect([...m[1].entries()]).toEqual([
      ["a", 1],
      ["b", "x"],
    ]);
    const p = s.call("point", 3, 4) as Record<string | symbol, unknown>;
    expect(p).toEqual({ x: 3, y: 4 });
    expect(p[STRUCT_NAME]).toBe("Point");
    const a = s.call("mat") as Matrix;
    expect(a).toBeInstanceOf(Matrix);
    expect([a.rows, a.cols, a.dtype]).toEqual([2, 2, "f64"]);
    expect([...a.data]).toEqual([1, 2, 3, 4]);
    expect(() => s.call("describe")).toThrow(/expects 1 argument/);
  });
});

describe("matrix and tensor views", () => {
  it("see the VM's memory without copying, and stay valid as memory grows and collections run", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    s.eval(`
      func make(n) { return rand(n, n, 7) }
      func scale(A, k) { A[0, 0] = A[0, 0] * k; return A }
      func churn() { var keep = 0; for i in 0..200000 { let xs = [i, i] ; keep += xs[0] } return keep }
      func total(A) { return sum(A) }
      func cube() { return reshape([1, 2; 3, 4], [1, 2, 2]) }`);
    const A = s.call("make", 300) as Matrix;
    const before = A.data[0];
    // the same object: a change made in Noodle shows through the view
    expect(s.call("scale", A, 2)).toBeInstanceOf(Matrix);
    expect(A.data[0]).toBe(before * 2);
    // a change made through the view shows in Noodle
    A.data[1] = 1000;
    s.call("churn");
    s.call("make", 800); // grows memory
    expect(A.data[1]).toBe(1000);
    expect(s.call("total", A)).toBeCloseTo(
      Array.from(A.data).reduce((x, y) => x + y, 0),
      6,
    );
    const T = s.call("cube") as Tensor;
    expect(T.shape).toEqual([1, 2, 2]);
    expect(T.toArrays()).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    A.dispose();
    expect(() => A.data).toThrow(/disposed/);
  });

  it("convert from and to nested arrays, f64 and f32", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    s.eval("func mul(A, B) { return A * B }");
    const A = s.matrix([
      [1, 2],
      [3, 4],
    ]);
    const B = s.matrix(
      [
        [5, 6],
        [7, 8],
      ],
      "f32",
    );
    expect((s.call("mul", A, A) as Matrix).toArrays()).toEqual([
      [7, 10],
      [15, 22],
    ]);
    expect(B.data).toBeInstanceOf(Float32Array);
    expect((s.call("mul", B, B) as Matrix).dtype).toBe("f32");
    // a view from another session is copied in
    const other = await Noodle.create({ stdout: () => {} });
    other.eval("func twice(A) { return 2 * A }");
    expect((other.call("twice", A) as Matrix).toArrays()).toEqual([
      [2, 4],
      [6, 8],
    ]);
  });
});
