// The library API: compile, run and sessions, and values exchanged with JavaScript.
import { describe, it, expect } from "vitest";
import { compile, run, Noodle, STRUCT_NAME, encodeModule, decodeModule, renderDiagnostic } from "../src/index.js";

describe("compile and run", () => {
  it("compiles to a module that runs, also after a trip through .nbc bytes", async () => {
    const c = compile('func sq(x) { return x * x }\nprint(sq(7))', { file: "sq.nc" });
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
    expect(r.error?.trace.map((f) => [f.name, f.line])).toEqual([["f", 1], ["<main>", 2]]);
  });

  it("applies limits from the options", async () => {
    expect((await run("var i = 0\nwhile true { i += 1 }", { maxSteps: 10_000 })).error?.code).toBe(4002);
    expect((await run("func f(n) { return f(n + 1) }\nf(0)", { maxDepth: 100 })).error?.code).toBe(1001);
    expect((await run("var keep = []\nwhile true { push(keep, [1, 2, 3, 4]) }", { maxMemory: 16 << 20 })).error?.code).toBe(4001);
  });

  it("compiles imports through readFile", async () => {
    const files: Record<string, string> = { "lib/m.nc": "func twice(x) { return 2 * x }\nlet name = \"m\"" };
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
    expect([...m[1].entries()]).toEqual([["a", 1], ["b", "x"]]);
    const p = s.call("point", 3, 4) as Record<string | symbol, unknown>;
    expect(p).toEqual({ x: 3, y: 4 });
    expect(p[STRUCT_NAME]).toBe("Point");
    const a = s.call("mat") as { kind: string; shape: number[]; data: Float64Array };
    expect(a.kind).toBe("matrix");
    expect(a.shape).toEqual([2, 2]);
    expect([...a.data]).toEqual([1, 2, 3, 4]);
    expect(() => s.call("describe")).toThrow(/expects 1 argument/);
  });
});
