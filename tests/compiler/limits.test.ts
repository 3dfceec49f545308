// Ordinary code of any size compiles and runs: long flat chains, many globals, parameters and
// arguments, long literals and concatenations. What must stay limited is a compile error with a
// position, never a host exception.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler/compile.js";
import { MAX_ERRORS } from "../../src/compiler/diagnostics.js";
import { MAX_NESTING } from "../../src/compiler/parser.js";
import { Noodle } from "../../src/index.js";
import { cli, outputOf } from "../helpers.js";

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

describe("compile() reports, never throws", () => {
  it("nesting past the limit is 2017 at the point where it goes too deep", () => {
    const deep = "(".repeat(10_000) + "1" + ")".repeat(10_000);
    const r = compile(`let x = ${deep}`, { file: "t.nc" });
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.col} ${d.message}`)).toEqual([
      `2017 1:${9 + MAX_NESTING - 1} the program is nested too deeply: more than ${MAX_NESTING} levels`,
    ]);
    const blocks = compile("if true {\n".repeat(5000) + "}\n".repeat(5000), { file: "t.nc" });
    expect(blocks.diagnostics.map((d) => d.code)).toEqual([2017]);
  });

  it("nesting within the limit compiles and runs", async () => {
    const n = MAX_NESTING - 10;
    expect(await outputOf(`print(${"(".repeat(n)}1${")".repeat(n)})`)).toBe("1\n");
    expect(await outputOf(`let f = ${"x => ".repeat(n)}7\nprint(f${"(0)".repeat(n)})`)).toBe("7\n");
  });

  it("a host stack that runs out is 2017 at the deepest nesting, not a RangeError", () => {
    const source = `let x = 1\nprint(${"(".repeat(300)}x${")".repeat(300)})`;
    // compile with less and less stack left; some depth leaves too little for the tree walks
    const outcomes = new Set<string>();
    const nested = (n: number): string => {
      if (n > 0) return nested(n - 1);
      const r = compile(source, { file: "t.nc" });
      return r.ok ? "ok" : r.diagnostics.map((d) => `${d.code} ${d.line}:${d.col} ${d.message}`).join("; ");
    };
    for (let n = 0; n < 100_000; n += 25) {
      let outcome: string;
      try {
        outcome = nested(n);
      } catch {
        break; // too little stack even to start (the recursion above, not the compiler)
      }
      outcomes.add(outcome);
      if (outcome !== "ok") break;
    }
    // where it ran out depends on how much stack there was: somewhere inside the parentheses
    const [first, last, ...rest] = [...outcomes];
    expect([first, rest]).toEqual(["ok", []]);
    const m = /^2017 2:(\d+) the program is nested too deeply: the compiler ran out of stack here$/.exec(last);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(7);
    expect(Number(m![1])).toBeLessThanOrEqual(307);
  });

  it("a failure inside the compiler is 1002 with the file's position", () => {
    const r = compile(`import "lib.nc" as lib\nprint(lib.x)`, {
      file: "main.nc",
      readFile: () => {
        throw new Error("the disk is gone");
      },
    });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}:${d.col} ${d.message}`)).toEqual(["1002 main.nc:1:1 internal error: the disk is gone"]);
  });

  it("a session goes on after input that used to throw", async () => {
    const noodle = await Noodle.create();
    const r = noodle.eval(`var n = 1\nn = n${" + 1".repeat(N)}\nn`);
    expect(r.value).toBe(N + 1);
    expect(noodle.eval("n * 2").value).toBe(2 * (N + 1));
  });
});

describe("the number of errors is capped", () => {
  it("random bytes give at most MAX_ERRORS errors and a count of the rest", () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    const bytes = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256)));
    const r = compile(bytes.toString("latin1"), { file: "t.nc" });
    expect(r.diagnostics).toHaveLength(MAX_ERRORS + 1);
    const last = r.diagnostics[MAX_ERRORS];
    expect(last.code).toBe(2018);
    expect(last.message).toMatch(/^\d+ more error\(s\) not shown$/);
    expect(Number(last.message.split(" ")[0])).toBeGreaterThan(20);
  });

  it("exactly MAX_ERRORS errors are all shown, one more is summarised", () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `print(nope${i})`).join("\n");
    expect(compile(names(MAX_ERRORS), { file: "t.nc" }).diagnostics.map((d) => d.code)).toEqual(new Array(MAX_ERRORS).fill(2002));
    const over = compile(names(MAX_ERRORS + 3), { file: "t.nc" }).diagnostics;
    expect(over.map((d) => d.code)).toEqual([...new Array(MAX_ERRORS).fill(2002), 2018]);
    expect(over[MAX_ERRORS]).toMatchObject({ line: MAX_ERRORS + 1, col: 7, message: "3 more error(s) not shown" });
  });

  it("a long chain of comparisons is one error, found in linear time", () => {
    const r = compile(`print(1${" == 1".repeat(20_000)})`, { file: "t.nc" });
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.col}`)).toEqual(["2001 1:14"]);
  });
});

describe("limits that remain", () => {
  it("running out of registers is 2013 where it happens", () => {
    const deep = "[".repeat(400) + "1" + "]".repeat(400);
    const r = compile(`let a = 1\nlet xs = ${deep}`, { file: "t.nc" });
    const d = r.diagnostics.map((x) => `${x.code} ${x.line}:${x.col} ${x.message}`);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatch(/^2013 2:(\d+) function '<main>' needs more than 256 registers$/);
    expect(r.diagnostics[0].col).toBeGreaterThan(200);
  });
});

describe("literals and concatenations of any length", () => {
  it("a 300-element list", async () => {
    const src = `let xs = [${range(300).join(", ")}]\nprint(len(xs), xs[0], xs[150], xs[299])`;
    expect(await outputOf(src)).toBe("300 0 150 299\n");
  });

  it("a 1 000-entry map, a later duplicate key winning", async () => {
    const entries = range(1000).map((i) => `"k${i}": ${i}`);
    const src = `let m = {${entries.join(", ")}, "k3": -3}\nprint(len(m), m["k0"], m["k3"], m["k999"])`;
    expect(await outputOf(src)).toBe("1000 0 -3 999\n");
  });

  it("long literals assigned to a variable they read", async () => {
    const src = `func f() {\n  var xs = [1]\n  xs = [${range(100)
      .map(() => "len(xs)")
      .join(", ")}]\n  print(len(xs), xs[99])\n  var m = {"a": 1}\n  m = {${range(100)
      .map((i) => `"k${i}": len(m)`)
      .join(", ")}}\n  print(len(m), m["k99"])\n}\nf()`;
    expect(await outputOf(src)).toBe("100 1\n100 1\n");
  });

  it("a 3 000-term string concatenation", async () => {
    const src = `let s = "ab"\nlet t = ${range(3000)
      .map(() => "s")
      .join(" + ")}\nprint(len(t), t[0:5])`;
    expect(await outputOf(src)).toBe("6000 ababa\n");
  });

  it("an interpolated string of 1 000 parts", async () => {
    const src = `let x = 1\nvar s = "${range(500)
      .map((i) => `${i}:\${x}`)
      .join("")}"\nprint(len(s))\ns = "<\${s}\${s}>"\nprint(len(s))`;
    const one = range(500)
      .map((i) => `${i}:1`)
      .join("").length;
    expect(await outputOf(src)).toBe(`${one}\n${2 * one + 2}\n`);
  });

  it("a 100-element matrix", async () => {
    const rows = range(10)
      .map((r) =>
        range(10)
          .map((c) => r * 10 + c)
          .join(", "),
      )
      .join("; ");
    expect(await outputOf(`let m = [${rows}]\nprint(m[9, 9], m[3, 4])`)).toBe("99 34\n");
  });
});

describe("many globals, parameters and arguments", () => {
  it("70 000 globals", async () => {
    const src = `${range(70_000)
      .map((i) => `var g${i} = ${i}`)
      .join("\n")}\ng69999 += 1\nprint(g0, g65535, g65536, g69999)`;
    expect(await outputOf(src)).toBe("0 65535 65536 70000\n");
  }, 60_000);

  it("a function of 300 parameters called with 300 arguments", async () => {
    const params = range(300).map((i) => `p${i}`);
    const src = `func f(${params.join(", ")}) {\n  return p0 + p127 + p128 + p255 + p256 + p299\n}\nprint(f(${range(300).join(", ")}))`;
    expect(await outputOf(src)).toBe(`${0 + 127 + 128 + 255 + 256 + 299}\n`);
  });

  it("wide parameters: defaults, types, assignment, capture, async", async () => {
    const params = range(300).map((i) => (i === 299 ? "p299: number = 7" : i === 298 ? "p298: int" : `p${i}`));
    const args = range(299).join(", ");
    const src = [
      `func f(${params.join(", ")}) {`,
      "  p200 += 1",
      "  let get = () => p250 + p298",
      "  p250 = 1000",
      "  return [p200, p299, get(), p0]",
      "}",
      `print(f(${args}))`,
      `print(f(${args}, 9)[1])`,
      `async func g(${range(200)
        .map((i) => `q${i}`)
        .join(", ")}) { return q0 + q199 }`,
      `print(await g(${range(200).join(", ")}))`,
      `try { f(${range(298).join(", ")}, "x") } catch e { print(e.code) }`,
    ].join("\n");
    expect(await outputOf(src)).toBe(`[201, 7, 1298, 0]\n9\n199\n5004\n`);
  });

  it("300 arguments to a builtin, a closure, a chain link and a task", async () => {
    const args = range(300).join(", ");
    const src = [
      `print(len([${args}]))`,
      `print(${args})`,
      `let sum = (${range(300)
        .map((i) => `a${i}`)
        .join(", ")}) => a0 + a299`,
      `print(sum(${args}))`,
      "func pick() { return sum }",
      `print(pick()(${args}))`,
      `func twice(${range(300)
        .map((i) => `b${i}`)
        .join(", ")}) { return b299 * 2 }`,
      `print(await spawn twice(${args}))`,
      `try { sum(${range(301).join(", ")}) } catch e { print(e.code) }`,
    ].join("\n");
    expect(await outputOf(src)).toBe(`300\n${range(300).join(" ")}\n299\n299\n598\n3005\n`);
  });
});

describe("calls past the instruction's argument count", () => {
  // a call of more than 65 535 arguments passes them in a list (CALLV) that no CALL could count
  it("70 000 arguments to a builtin value, a handler-free closure and a non-function", async () => {
    const args = range(70_000).join(", ");
    const src = [
      "let biggest = max",
      `print(biggest(${args}))`,
      "func one(x) { return x }",
      `try { one(${args}) } catch e { print(e.code, e.message) }`,
      "let n = 5",
      `try { n(${args}) } catch e { print(e.code) }`,
    ].join("\n");
    expect(await outputOf(src)).toBe("69999\n3005 one expects 1 argument(s), got 70000\n3004\n");
  }, 60_000);
});

describe("limits of the bytecode", () => {
  const codes = (src: string) => compile(src, { file: "t.nc" }).diagnostics.map((d) => `${d.code} ${d.line}:${d.col} ${d.message}`);

  it("more than 32 768 parameters, 32 indices or 255 list pattern items are 2019 where they are", () => {
    const params = range(40_000)
      .map((i) => `p${i}`)
      .join(", ");
    expect(codes(`let a = 1\nfunc f(${params}) { return p0 }`)).toEqual(["2019 2:1 a function has at most 32832 parameters, this one has 40000"]);
    expect(
      codes(
        `let m = [1]\nprint(m[${range(33)
          .map(() => "0")
          .join(", ")}])`,
      ),
    ).toEqual(["2019 2:7 an index has at most 32 dimensions, this one has 33"]);
    expect(
      codes(
        `let v = [1]\nprint(match v { case [${range(256)
          .map(() => "_")
          .join(", ")}] => 1 case _ => 2 })`,
      ),
    ).toEqual(["2019 2:22 a list pattern has at most 255 items, this one has 256"]);
  });

  it("a function at the parameter limit compiles", () => {
    const params = range(32_832)
      .map((i) => `p${i}`)
      .join(", ");
    expect(codes(`func f(${params}) { return p32831 }`)).toEqual([]);
  });
});

describe("one semantics with workers", () => {
  it("wide parameters, spread arguments and string pairs print the same with --workers 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "noodle-limits-"));
    try {
      const file = join(dir, "wide.nc");
      const src = [
        `func f(${range(300)
          .map((i) => `p${i}`)
          .join(", ")}) { return p0 + p299 }`,
        `let ts = [spawn f(${range(300).join(", ")}), spawn f(${range(300)
          .map((i) => i + 1)
          .join(", ")})]`,
        "print(await all(ts))",
        `for i, c in "hé🍜" { print(i, c) }`,
      ].join("\n");
      writeFileSync(file, src);
      const expected = "[299, 301]\n0 h\n1 é\n2 🍜\n";
      expect(cli(["run", file])).toMatchObject({ code: 0, stdout: expected });
      expect(cli(["run", "--workers", "2", file])).toMatchObject({ code: 0, stdout: expected });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
