// The string functions of spec section 5 beyond the conformance program: code points, the empty
// separator and pattern, rounding, and the coded errors of wrong arguments.
import { describe, expect, it } from "vitest";
import { outputOf } from "../helpers.js";

describe("string functions", () => {
  it("count in code points and split or replace at every character for an empty pattern", async () => {
    expect(await outputOf(`print(find("🍜 soup", "s"), find("aé🍜b", "b"), split("a🍜b", ""), replace("ab", "", "-"), replace("", "", "-"))`)).toBe(
      '2 3 ["a", "🍜", "b"] -a-b- -\n',
    );
  });

  it("round half away from zero and never print -0", async () => {
    expect(await outputOf("print(fixed(-0.4, 0), fixed(-0, 2), fixed(1.005, 2), fixed(1e21, 1), fixed(0.5, 0), fixed(-1.5, 0))")).toBe(
      "0 0.00 1.00 1e+21 1 -2\n",
    );
  });

  it("refuse arguments of other types with 5001, and digits out of range with 3017", async () => {
    const program = `
try { split(1, ",") } catch e { print(e.code, e.message) }
try { join(["a", 1], ",") } catch e { print(e.code, e.message) }
try { upper(nil) } catch e { print(e.code, e.message) }
try { fixed(1, 101) } catch e { print(e.code, e.message) }
try { fixed("1", 2) } catch e { print(e.code, e.message) }`;
    expect(await outputOf(program)).toBe(
      [
        "5001 unsupported operand types for split: number, string",
        "5001 unsupported operand types for join: list of string, number, string",
        "5001 unsupported operand types for upper: nil",
        "3017 fixed: digits must be a whole number from 0 to 100, got 101",
        "5001 unsupported operand types for fixed: string, number",
        "",
      ].join("\n"),
    );
  });

  it("are the program's own when it declares a function of the same name", async () => {
    expect(await outputOf('func trim(s) { return "mine" }\nprint(trim("  x "), upper("x"))')).toBe("mine X\n");
  });
});
