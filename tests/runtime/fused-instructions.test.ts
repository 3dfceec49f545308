// Fused instructions. The compiler writes a MUL followed by an ADD as MULADD, which the dispatch
// loop runs as both in one step when both results are numbers; any other operands take the two
// instructions' own paths, so results, errors and their positions are those of MUL then ADD. A
// LOADNIL before a JEQ or JNE (a test against nil) is LOADNILJ, which runs both in one step.
import { describe, expect, it } from "vitest";
import { disassemble } from "../../src/bytecode/disasm.js";
import { compile } from "../../src/index.js";
import { outputOf, runSource } from "../helpers.js";

function listing(source: string): string {
  const c = compile(source, { file: "test.nc" });
  if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join("\n"));
  return disassemble(c.module!);
}

describe("MULADD", () => {
  it("is what a product added to something compiles to, and only that", () => {
    expect(listing("func f(s, i) { return s + i * i }\nprint(f(1, 2))\n")).toMatch(/MULADD +r\d+, r1, r1\n.*ADD +r\d+, r0, r\d+/);
    expect(listing("func f(s, i) { return s - i * i }\nprint(f(1, 2))\n")).not.toMatch(/MULADD/);
    expect(listing("func f(s, i) { return s * i }\nprint(f(1, 2))\n")).not.toMatch(/MULADD/);
  });

  it("adds products of numbers as MUL then ADD do, in a loop and out of one", async () => {
    const source = [
      "func sumSquares(n) {",
      "  var s = 0",
      "  for i in 0..n { s += i * i }",
      "  return s",
      "}",
      "print(sumSquares(1000))",
      "print(0.1 + 0.2 * 3)",
      "print(1 + 1e308 * 10)",
      "let inf = 1e308 * 10",
      "print(1 + 0 * inf)",
      "print(-inf + 2 * inf)",
    ].join("\n");
    expect(await outputOf(source)).toBe(["332833500", `${0.1 + 0.2 * 3}`, "Infinity", "NaN", "NaN", ""].join("\n"));
  });

  it("leaves a sum that is not of numbers to ADD, and a product that is not of numbers to MUL", async () => {
    const source = ["let m = [1, 2; 3, 4]", "print(m + m * 2)", "print(1 + m * 2)", "print(m * m + 1)"].join("\n");
    const plain = ["let m = [1, 2; 3, 4]", "let q = m * 2", "print(m + q)", "let r = m * 2", "print(1 + r)", "let t = m * m", "print(t + 1)"].join("\n");
    expect(listing(source)).toMatch(/MULADD/);
    expect(listing(plain)).not.toMatch(/MULADD/);
    expect(await outputOf(source)).toBe(await outputOf(plain));
  });

  it("fails where MUL or ADD fails, with that instruction's error and line", async () => {
    const inSum = await runSource('let x = nil\nlet y = 3\nprint("start")\nprint(x + y * 2)\n');
    expect(inSum.ok).toBe(false);
    expect(inSum.output).toBe("start\n");
    const inProduct = await runSource('let x = 1\nlet y = "a"\nprint(x + y * 2)\n');
    expect(inProduct.ok).toBe(false);
    const sumError = inSum.error!.render();
    const productError = inProduct.error!.render();
    expect(sumError).toMatch(/for \+: nil and number/);
    expect(sumError).toMatch(/test\.nc:4:/);
    expect(productError).toMatch(/for \*: string and number/);
    expect(productError).toMatch(/test\.nc:3:/);
  });
});

describe("LOADNILJ", () => {
  it("is what a test against nil compiles to", () => {
    expect(listing("func f(x) { if x == nil { return 1 }\n return 2 }\nprint(f(1))\n")).toMatch(/LOADNILJ +r\d+\n.*J(EQ|NE) +r0, r\d+/);
    expect(listing("func f(x) { if x == false { return 1 }\n return 2 }\nprint(f(1))\n")).not.toMatch(/LOADNILJ/);
  });

  it("tests against nil as LOADNIL then the jump do", async () => {
    const source = [
      "func kind(x) {",
      '  if x == nil { return "nil" }',
      '  if nil != x { return "something" }',
      '  return "never"',
      "}",
      'for v in [nil, false, 0, "", [], [nil]] { print(kind(v)) }',
      "func walk(node) {",
      "  var n = 0",
      "  while node != nil {",
      "    n += 1",
      "    node = node[1]",
      "  }",
      "  return n",
      "}",
      "print(walk([1, [2, [3, nil]]]))",
      "func given(a, b = nil) { return b == nil }",
      "print(given(1), given(1, 2))",
    ].join("\n");
    expect(listing(source)).toMatch(/LOADNILJ/);
    expect(await outputOf(source)).toBe(["nil", "something", "something", "something", "something", "something", "3", "true false", ""].join("\n"));
  });
});
