// `for i, x in ...`: the first name takes the position (a list's or a string's index, a map's
// key), the second the item.
import { describe, expect, it } from "vitest";
import { outputOf } from "../helpers.js";

describe("for with two names", () => {
  it("over a string: the code point index and the character", async () => {
    expect(await outputOf(`for i, x in "ab" { print(i, x) }`)).toBe("0 a\n1 b\n");
    expect(await outputOf(`for i, x in "é🍜z" { print(i, x) }`)).toBe("0 é\n1 🍜\n2 z\n");
    expect(await outputOf(`for i, x in "" { print(i, x) }\nprint("none")`)).toBe("none\n");
  });

  it("over a string, with one name, each character", async () => {
    expect(await outputOf(`for x in "a🍜" { print(x) }`)).toBe("a\n🍜\n");
  });

  it("over a list and a map", async () => {
    expect(await outputOf(`for i, x in ["a", "b"] { print(i, x) }`)).toBe("0 a\n1 b\n");
    expect(await outputOf(`for k, v in {"a": 1, "b": 2} { print(k, v) }`)).toBe("a 1\nb 2\n");
  });

  it("nested loops and captured names keep their own counters", async () => {
    const src = `var fs = []\nfor i, x in "ab" {\n  for j, y in "cd" { print(i, x, j, y) }\n  push(fs, () => i)\n}\nprint(fs[0](), fs[1]())`;
    expect(await outputOf(src)).toBe("0 a 0 c\n0 a 1 d\n1 b 0 c\n1 b 1 d\n0 1\n");
  });

  it("inside a function, with break and continue", async () => {
    const src = `func f(s) {\n  for i, c in s {\n    if c == "b" { continue }\n    if c == "d" { break }\n    print(i, c)\n  }\n}\nf("abcde")`;
    expect(await outputOf(src)).toBe("0 a\n2 c\n");
  });
});
