// Calls between compiled functions: the callee's body is called directly with the arguments as
// parameters, the caller's registers kept in its locals. Whatever happens in the callee (a guard
// failing on an argument or on the result, an error deep in a recursion, the step budget or the
// depth limit running out, collections while the caller holds references), both tiers agree.
import { describe, expect, it } from "vitest";
import { bothTiers } from "./run-tiers.js";

/** Both tiers print the same and end the same; returns the compiled run for more checks. */
async function agree(source: string, options = {}) {
  const { interpreted, compiled } = await bothTiers(source, options);
  expect(compiled.stdout).toBe(interpreted.stdout);
  expect(compiled.error).toBe(interpreted.error);
  return compiled;
}

describe("calls between compiled functions", () => {
  it("pass numbers and other values as arguments, and take back either", async () => {
    const compiled = await agree(`
      func fib(n) {
        if n < 2 { return n }
        return fib(n - 1) + fib(n - 2)
      }
      func first(xs) { return xs[0] }
      func pair(a, b) { return [a, b] }
      func use(n) {
        var s = 0
        for i in 0..n { s += first(pair(i, "x")) + fib(5) }
        return s
      }
      print(fib(20), use(10))
    `);
    expect(compiled.stdout).toBe("6765 95\n");
    expect(compiled.stats.compiled).toBe(4);
  });

  it("hand the callee's frame back when an argument is not the number its code assumed", async () => {
    const compiled = await agree(`
      func twice(x) { return x + x }
      func apply(v) { return twice(v) }
      print(apply(2), apply("ab"), apply(3))
    `);
    expect(compiled.stdout).toBe("4 abab 6\n");
    expect(compiled.stats.deopts).toBeGreaterThan(0);
  });

  it("hand the caller's frame back when a result is not the number its code assumed", async () => {
    const compiled = await agree(`
      func f(n) {
        if n > 5 { return "big" }
        return n
      }
      func g(n) {
        var s = f(n)
        return s + s
      }
      print(g(2), g(9), g(4))
    `);
    expect(compiled.stdout).toBe("4 bigbig 8\n");
    expect(compiled.stats.deopts).toBeGreaterThan(0);
  });

  it("raise an error deep in a compiled recursion with the interpreter's trace", async () => {
    const compiled = await agree(`
      func down(n, xs) {
        if n == 0 { return xs[5] }
        return down(n - 1, xs) + 1
      }
      func outer(n) { return down(n, [1, 2]) * 2 }
      print(outer(3))
      print(outer(200))
    `);
    expect(compiled.stdout).toBe("");
    expect(compiled.error).toMatch(/^error\[3002\]/);
    expect(compiled.error).toMatch(/at down \(tiers\.nc:3/);
    expect(compiled.error).toMatch(/at down \(tiers\.nc:4/);
    expect(compiled.error).toMatch(/at outer \(tiers\.nc:6/);
    expect(compiled.stats.compiled).toBeGreaterThanOrEqual(2);
  });

  it("let a handler in a compiled caller catch an error raised in its callee", async () => {
    await agree(`
      func check(n) {
        if n == 7 { throw error(1234, "seven") }
        return n
      }
      func total(n) {
        var s = 0
        for i in 0..n {
          try { s += check(i) } catch e { s += 1000 }
        }
        return s
      }
      print(total(5), total(10))
    `);
  });

  it("stop at the depth limit inside a compiled recursion with the interpreter's trace", async () => {
    const compiled = await agree(
      `
      func down(n) {
        if n == 0 { return 0 }
        return down(n - 1) + 1
      }
      print(down(100))
      print(down(5000))
    `,
      { maxDepth: 300 },
    );
    expect(compiled.stdout).toBe("100\n");
    expect(compiled.error).toMatch(/^error\[1001\]/);
  });

  it("spend the step budget by one a call and stop at it inside a compiled recursion", async () => {
    for (const maxSteps of [20_000, 20_001, 150_003]) {
      const compiled = await agree(
        `
        func fib(n) {
          if n < 2 { return n }
          return fib(n - 1) + fib(n - 2)
        }
        print(fib(10))
        print(fib(40))
      `,
        { maxSteps },
      );
      expect(compiled.stdout).toBe("55\n");
      expect(compiled.error).toMatch(/^error\[4002\]/);
    }
  });

  it("pause in the middle of a compiled recursion and go on from there in the interpreter", async () => {
    // fib(32) makes 7 million calls, one step each: the run returns to the host every 4 million
    // steps (a slice), at a call with the callee's frame pushed and compiled callers under it
    const compiled = await agree(`
      func fib(n) {
        if n < 2 { return n }
        return fib(n - 1) + fib(n - 2)
      }
      func twice(n) { return fib(n) * 2 }
      print(twice(32))
    `);
    expect(compiled.stdout).toBe("4356618\n");
    // the program's own first frame starts interpreted; fib and twice are compiled
    expect(compiled.stats.compiled).toBe(2);
  }, 60_000);

  it("keep what a caller holds alive through collections in its callees", async () => {
    const compiled = await agree(
      `
      func tree(d) {
        if d == 0 { return [0] }
        return [tree(d - 1), tree(d - 1)]
      }
      func count(t) {
        if len(t) == 1 { return 1 }
        return count(t[0]) + count(t[1])
      }
      var s = 0
      for i in 0..40 { s += count(tree(11)) }
      print(s)
    `,
      { maxMemory: 4 * 1024 * 1024 },
    );
    expect(compiled.stdout).toBe("81920\n");
    expect(compiled.stats.compiled).toBeGreaterThanOrEqual(2);
  });

  it("call closures with their captures, and functions of other arities", async () => {
    await agree(`
      func adder(k) { return x => x + k }
      let add3 = adder(3)
      func three(a, b, c) { return a * 100 + b * 10 + c }
      func use(n) {
        var s = 0
        for i in 0..n { s += add3(i) + three(i, 1, 2) }
        return s
      }
      print(use(50))
    `);
  });
});
