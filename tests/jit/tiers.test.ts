// The compiled tier against the interpreter: the same output, errors, traces and limits, whether
// compiled code runs to the end, hands its frame back on a failed guard, or stops at a limit.
import { describe, expect, it } from "vitest";
import { numericPrograms } from "./numeric-programs.js";
import { bothTiers, expectTiersAgreeOn, runIn } from "./run-tiers.js";

/** Both tiers print the same and end the same; returns the compiled run for more checks. */
async function agree(source: string, options = {}) {
  const { interpreted, compiled } = await bothTiers(source, options);
  expect(compiled.stdout).toBe(interpreted.stdout);
  expect(compiled.error).toBe(interpreted.error);
  expect(interpreted.stats.compiled).toBe(0);
  return { interpreted, compiled };
}

describe("compiled code", () => {
  it("computes what the interpreter computes, with functions compiled at their first call", async () => {
    const { compiled } = await agree(`
      func fib(n) {
        if n < 2 { return n }
        return fib(n - 1) + fib(n - 2)
      }
      func sumSquares(n) {
        var s = 0
        for i in 0..n { s += i * i }
        return s
      }
      print(fib(20), sumSquares(1000), sumSquares(0.5))
    `);
    expect(compiled.stdout).toBe("6765 332833500 0\n");
    expect(compiled.stats.compiled).toBe(2);
    expect(compiled.stats.compileMs).toHaveLength(2);
  });

  it("compiles a loop at a function's first instruction and a jump to the next instruction", async () => {
    const { compiled } = await agree(`
      func spin(n) {
        while n > 0 { n -= 1 }
        return n
      }
      func same(x) {
        if x > 1 { }
        return x
      }
      print(spin(1000), same(3))
    `);
    expect(compiled.stdout).toBe("0 3\n");
    expect(compiled.stats).toMatchObject({ compiled: 2, refused: 0 });
  });

  it("boxes a NaN from arithmetic as the interpreter does, whatever its payload", async () => {
    // pow of a negative number to a fraction is a NaN with a payload; dividing sets its quiet bit
    // and negating its sign bit, which without boxing would read as a reference to an object
    const { compiled } = await agree(`
      func odd(b) { return -((b ** b) / b) }
      var xs = [odd(-6.168843301631764)]
      print(xs, odd(-0.5), type(odd(-0.5)))
    `);
    expect(compiled.stdout).toBe("[NaN] NaN number\n");
  });

  it("hands its frame back when a function that saw numbers is given strings", async () => {
    const { compiled } = await agree(`
      func add(a, b) {
        var s = a
        for i in 0..3 { s = s + b }
        return s
      }
      print(add(1, 2))
      print(add("x", "y"))
      print(add(1, 2))
    `);
    expect(compiled.stdout).toBe("7\nxyyy\n7\n");
    expect(compiled.stats.deopts).toBeGreaterThan(0);
  });

  it("hands its frame back when a guard fails inside a loop, and the loop goes on interpreted", async () => {
    const { compiled } = await agree(`
      func total(xs) {
        var s = 0
        for x in xs { s = s * 2 + x }
        return s
      }
      print(total([1, 2, 3]))
      print(total([1, 2, true, 4]))
    `);
    expect(compiled.stdout).toBe("11\n");
    expect(compiled.error).toMatch(/^error\[\d{4}\]/);
    expect(compiled.stats.deopts).toBeGreaterThan(0);
  });

  it("leaves a function that deoptimises again and again to the interpreter", async () => {
    const { compiled } = await agree(`
      func twice(x) { return x + x }
      var out = []
      for i in 0..200 {
        push(out, twice(i))
        push(out, twice("s"))
      }
      print(len(out), out[398], out[399])
    `);
    expect(compiled.stats.abandoned).toBeGreaterThan(0);
  });

  it("raises an error with the interpreter's message and trace", async () => {
    const { compiled } = await agree(`
      func at(xs, i) {
        return xs[i] * 2
      }
      func sum(xs, n) {
        var s = 0
        for i in 0..n { s += at(xs, i) }
        return s
      }
      print(sum([1, 2, 3], 3))
      print(sum([1, 2, 3], 5))
    `);
    expect(compiled.error).toMatch(/error\[3002\]/);
    expect(compiled.error).toMatch(/at at \(tiers\.nc:3/);
    expect(compiled.error).toMatch(/at sum \(tiers\.nc:7/);
  });

  it("lets handlers catch what compiled code raises", async () => {
    await agree(`
      func risky(n) {
        var s = 0
        for i in 0..n {
          if i == 7 { throw error(1234, "seven") }
          s += i
        }
        return s
      }
      func guarded(n) {
        try { return risky(n) } catch e { return e.code }
      }
      print(guarded(5), guarded(10))
    `);
  });

  it("spends the step budget as the interpreter does, and stops at it inside a loop", async () => {
    const program = `
      func spin(n) {
        var s = 0
        while true { s += n }
        return s
      }
      print("before")
      print(spin(1))
    `;
    const { compiled } = await agree(program, { maxSteps: 200_000 });
    expect(compiled.error).toMatch(/^error\[4002\]/);
    expect(compiled.stdout).toBe("before\n");
  });

  it("stops deep recursion with 1001 and the interpreter's trace", async () => {
    const { compiled } = await agree(
      `
      func down(n) { return down(n + 1) + 1 }
      print(down(0))
    `,
      { maxDepth: 500 },
    );
    expect(compiled.error).toMatch(/^error\[1001\]/);
  });

  it("stops at the memory limit with 4001, collecting on the way", async () => {
    const { compiled } = await agree(
      `
      func grow(n) {
        var keep = []
        for i in 0..n { push(keep, [i, i, i, i, i, i, i, i]) }
        return len(keep)
      }
      print(grow(1000))
      var churn = 0
      for i in 0..20000 { churn += len([i, i, i]) }
      print(churn)
      print(grow(10000000))
    `,
      { maxMemory: 8 * 1024 * 1024 },
    );
    expect(compiled.stdout).toBe("1000\n60000\n");
    expect(compiled.error).toMatch(/^error\[4001\]/);
  });

  it("runs tasks and awaits in compiled functions", async () => {
    await agree(`
      func work(n) {
        var s = 0
        for i in 0..n { s += i }
        return s
      }
      func both() {
        let a = spawn work(100)
        let b = spawn work(1000)
        return await a + await b
      }
      print(both())
    `);
  });

  it("agrees with the interpreter on random numeric programs", async () => {
    await expectTiersAgreeOn(numericPrograms);
  }, 120_000);
});

describe("tiering", () => {
  it("counts hot functions that ran interpreted for want of code, and none once the process has it", async () => {
    const program = `
      func halve(n) {
        var s = 0
        for i in 0..n { s += i / 2 }
        return s
      }
      print(halve(100000))
    `;
    // first in this file to run with the tier on: the compiler thread is not started yet (it starts
    // after 1 s of a run or 64 requests), so the hot function runs interpreted to the end
    const first = await runIn("on", program);
    expect(first.stdout).toBe("2499975000\n");
    expect(first.stats.waiting).toBe(1);
    let last = first;
    for (let attempt = 0; attempt < 200 && (last.stats.waiting > 0 || last.stats.compiled === 0); attempt++) {
      await new Promise((r) => setTimeout(r, 50));
      last = await runIn("on", program);
    }
    expect(last.stats).toMatchObject({ compiled: 1, waiting: 0 });
    expect((await runIn("off", program)).stats.waiting).toBe(0);
  }, 120_000);

  it("compiles a hot loop while it runs and joins it there, in a program of one call", async () => {
    const program = `
      var s = 0
      for i in 0..3000000 { s += i % 7 }
      print(s)
    `;
    // the compiler works on its own thread: runs repeat until its code is there (the process keeps it)
    let compiled = 0;
    for (let attempt = 0; attempt < 40 && compiled === 0; attempt++) {
      const run = await runIn("on", program);
      expect(run.stdout).toBe("8999994\n");
      compiled = run.stats.compiled;
    }
    expect(compiled).toBe(1);
  }, 120_000);

  it("joins loops nested in others at their headers, through the loops around them", async () => {
    const program = `
      var s = 0
      for i in 0..40 {
        var j = 0
        while j < 30 {
          for k in 0..400 { s += (i * j + k) % 7 }
          j += 1
        }
        s -= i
      }
      print(s)
    `;
    const expected = (await runIn("off", program)).stdout;
    let compiled = 0;
    for (let attempt = 0; attempt < 40 && compiled === 0; attempt++) {
      const run = await runIn("on", program, { jitThreshold: 2 });
      expect(run.stdout).toBe(expected);
      compiled = run.stats.compiled;
    }
    expect(compiled).toBe(1);
    // every function compiled at its first call: the program's own code joins where it is sampled
    const eager = await runIn("eager", program, { jitThreshold: 1 });
    expect(eager.stdout).toBe(expected);
  }, 120_000);

  it("runs code the process compiled already from a function's first call in a new VM", async () => {
    const program = "func twice(x) { return x * 2 }\nprint(twice(21))";
    // called once, the function never gets hot in a VM of its own
    expect((await runIn("on", program)).stats.compiled).toBe(0);
    await runIn("eager", program);
    const again = await runIn("on", program);
    expect(again.stdout).toBe("42\n");
    expect(again.stats.compiled).toBe(1);
    expect((await runIn("off", program)).stats.compiled).toBe(0);
  });

  it("compiles nothing with the tier off", async () => {
    const run = await runIn("off", "func f(x) { return x + 1 }\nvar s = 0\nfor i in 0..100000 { s = f(s) }\nprint(s)");
    expect(run.stdout).toBe("100000\n");
    expect(run.stats).toMatchObject({ mode: "off", compiled: 0, deopts: 0 });
  });
});
