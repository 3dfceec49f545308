// Ordinary code of any size compiles and runs: long flat chains, many globals, parameters and
// arguments, long literals and concatenations. What must stay limited is a compile error with a
// position, never a host exception.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler/compile.js";
import { outputOf } from "../helpers.js";

const N = 5000;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("flat chains of thousands of links", () => {
  it("a chain of + adds up", async () => {
    expect(await outputOf(`let one = 1\nprint(one${" + one".repeat(N)})`)).toBe(`${N + 1}\n`);
  });

  it("a chain of + on literals folds", async () => {
    expect(await outputOf(`print(1${" + 1".repeat(N)})`)).toBe(`${N + 1}\n`);
  });

  it("a chain of and, as a value and as a condition", async () => {
    const chain = `t${" and t".repeat(N)}`;
    const src = `let t = true\nvar f = true\nprint(${chain})\nprint(${chain} and not f)\nif ${chain} { print("all") }\nif ${chain} and not f { print("no") } else { print("else") }`;
    expect(await outputOf(src)).toBe("true\nfalse\nall\nelse\n");
  });

  it("a chain of or, as a value and as a condition", async () => {
    const chain = `f${" or f".repeat(N)}`;
    const src = `let f = false\nprint(${chain})\nif ${chain} { print("no") } else { print("none") }\nwhile ${chain} or false { }\nprint("done")`;
    expect(await outputOf(src)).toBe("false\nnone\ndone\n");
  });

  it("a chain of indexing", async () => {
    const src = `var x = 7\nfor i in 0..${N} { x = [x] }\nprint(x${"[0]".repeat(N)})`;
    expect(await outputOf(src)).toBe("7\n");
  });

  it("a chain of calls", async () => {
    const src = `var n = 0\nfunc f() {\n  n += 1\n  return f\n}\nf${"()".repeat(N)}\nprint(n)`;
    expect(await outputOf(src)).toBe(`${N}\n`);
  });

  it("a chain of fields", async () => {
    const src = `struct Node { a: any }\nvar m = 7\nfor i in 0..${N} { m = Node { a: m } }\nprint(m${".a".repeat(N)})`;
    expect(await outputOf(src)).toBe("7\n");
  });

  it("a mixed chain keeps left-to-right order and the variable it assigns", async () => {
    const src = `var x = 1\nfunc id(v) { return v }\nx = id(x)${" + x".repeat(N)}\nprint(x)\nlet m = [[1, 2], [3, 4]]\nprint(m[1][0] + m[0][1] * 2 - id(m)[1][1] ** 2)`;
    expect(await outputOf(src)).toBe(`${N + 1}\n-9\n`);
  });

  it("a chain inside a function compiles within its registers", async () => {
    const src = `func f(a) {\n  return a${" - a".repeat(N)}\n}\nprint(f(2))`;
    expect(await outputOf(src)).toBe(`${2 - 2 * N}\n`);
  });

  it("compiles without diagnostics", () => {
    const r = compile(`let one = 1\nlet x = one${" * one".repeat(N)}`, { file: "t.nc" });
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
  });
});

describe("positions", () => {
  it("columns count code points, also after characters outside the BMP", () => {
    const r = compile(`let s = "😀😀" + nope`, { file: "t.nc" });
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.col}`)).toEqual(["2002 1:16"]);
    const s = compile(`let s = "\u{1F600}\u{1F600}\ud800" + "😀" +\n  nope`, { file: "t.nc" });
    expect(s.diagnostics.map((d) => `${d.code} ${d.line}:${d.col}`)).toEqual(["2002 2:3"]);
  });
});
