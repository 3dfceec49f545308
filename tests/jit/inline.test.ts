// Leaf functions inlined at calls through a global (src/jit/inline.ts): the callee's arithmetic
// runs in its caller, and whatever the inlined code does not assume (another function in the
// global, an argument that is no number, a division by zero, the budget, the depth limit, a
// collection due) makes the ordinary call, with the interpreter's results, errors and traces.
import { describe, expect, it } from "vitest";
import { expectTiersAgree, runIn } from "./run-tiers.js";

const agree = expectTiersAgree;

const LEAF = `
  func evalA(i, j) {
    return 1 / ((i + j) * (i + j + 1) / 2 + i + 1)
  }
`;

describe("inlined leaf functions", () => {
  it("run in their caller, which then never calls them", async () => {
    const compiled = await agree(`${LEAF}
      func sum(n) {
        var s = 0
        for i in 0..n {
          for j in 0..n { s += evalA(i, j) }
        }
        return s
      }
      print(sum(60))
    `);
    // with every function compiled at its first call, evalA would be compiled at its first call too
    expect(compiled.stats.compiled).toBe(1);
  });

  it("make the call when the global holds another function, or a value that is no function", async () => {
    const compiled = await agree(`
      var f = (x) => x * 2
      func g(x) { return x + 100 }
      func run(n) {
        var s = 0
        for i in 0..n {
          if i == 50 { f = g }
          if i == 80 { f = (x) => x - 1 }
          s += f(i)
        }
        return s
      }
      print(run(100))
      f = 3
      print(run(10))
    `);
    expect(compiled.stdout).toBe("9155\n");
    expect(compiled.error).toMatch(/^error\[/);
  });

  it("make the call for arguments that are not numbers", async () => {
    const compiled = await agree(`
      func twice(x) { return x + x }
      func all(xs) {
        var out = []
        for x in xs { push(out, twice(x)) }
        return out
      }
      print(all([1, 2.5, -3]))
      print(all([1, "ab", 3]))
      print(all([[1], nil]))
    `);
    expect(compiled.stdout).toBe('[2, 5, -6]\n[2, "abab", 6]\n');
    expect(compiled.error).toMatch(/^error\[/);
  });

  it("raise a division by zero in the callee, with the callee in the trace", async () => {
    const compiled = await agree(`
      func inverse(x) { return 1 / x }
      func sum(n) {
        var s = 0
        for i in 0..n { s += inverse(5 - i) }
        return s
      }
      print(sum(5))
      print(sum(6))
    `);
    expect(compiled.error).toMatch(/^error\[3001\][^\n]*\n {2}at inverse \(tiers\.nc:2:/);
  });

  it("spend a step per call and stop at the budget where the interpreter does", async () => {
    const compiled = await agree(
      `${LEAF}
      func spin() {
        var s = 0
        while true { s += evalA(1, 2) }
        return s
      }
      print(spin())
    `,
      { maxSteps: 100_000 },
    );
    expect(compiled.error).toMatch(/^error\[4002\]/);
  });

  it("stop at the depth limit as the call does", async () => {
    const compiled = await agree(
      `${LEAF}
      func down(n) { return down(n + 1) + evalA(n, 1) }
      print(down(0))
    `,
      { maxDepth: 300 },
    );
    expect(compiled.error).toMatch(/^error\[1001\]/);
    const atLimit = await agree(
      `${LEAF}
      func down(n) {
        if n == 0 { return evalA(1, 1) }
        return down(n - 1)
      }
      print(down(297), down(298), down(299))
    `,
      { maxDepth: 300 },
    );
    expect(atLimit.error).toMatch(/^error\[1001\]/);
  });

  it("come with their caller's code to a new VM of the process only where the callee is the same", async () => {
    const caller = `
      func total(n) {
        var s = 0
        for i in 0..n { s += leaf(i, 2) }
        return s
      }
      print(total(4))
    `;
    const program = `func leaf(a, b) { return a * b - 1 }\n${caller}`;
    await runIn("eager", program);
    // called once, total never gets hot: it runs compiled only if the process's code is used
    const again = await runIn("on", program);
    expect(again.stdout).toBe("8\n");
    expect(again.stats.compiled).toBe(1);
    const otherLeaf = await runIn("on", `func leaf(a, b) { return a * b + 1 }\n${caller}`);
    expect(otherLeaf.stdout).toBe("16\n");
    expect(otherLeaf.stats.compiled).toBe(0);
  });

  it("keep the collector's view while the caller allocates around them", async () => {
    const compiled = await agree(
      `${LEAF}
      func churn(n) {
        var keep = []
        for i in 0..n {
          let xs = [i, evalA(i, 1), [evalA(1, i)]]
          if i % 100 == 0 { push(keep, xs) }
        }
        var s = 0
        for xs in keep { s += xs[1] + xs[2][0] }
        return s
      }
      print(churn(50000))
    `,
      { maxMemory: 4 * 1024 * 1024 },
    );
    expect(compiled.stdout).not.toBe("");
  });
});
