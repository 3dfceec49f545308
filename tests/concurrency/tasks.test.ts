// Tasks on one VM: spawn, await, all, async functions, errors crossing an await, timeouts and
// deadlocks, and many fibers alive at once while the collector runs.
import { describe, expect, it } from "vitest";
import { Noodle } from "../../src/index.js";
import { outputOf, runSource } from "../helpers.js";

describe("spawn and await", () => {
  it("runs a task and returns its value", async () => {
    expect(
      await outputOf(`
      func sq(x) { return x * x }
      let t = spawn sq(7)
      print(t, type(t))
      print(await t)`),
    ).toBe("<future> future\n49\n");
  });

  it("runs tasks in the order they were spawned, each until it waits", async () => {
    expect(
      await outputOf(`
      func say(x) { print("start", x); return x }
      let a = spawn say(1)
      let b = spawn say(2)
      print("main")
      print(await b, await a)`),
    ).toBe("main\nstart 1\nstart 2\n2 1\n");
  });

  it("awaits a future that finished long ago, as often as asked", async () => {
    expect(
      await outputOf(`
      func one() { return 1 }
      let t = spawn one()
      print(await t)
      print(await t + await t)`),
    ).toBe("1\n2\n");
  });

  it("awaits a plain value as itself", async () => {
    expect(await outputOf(`print(await 5, await "x", await nil)`)).toBe("5 x nil\n");
  });

  it("passes default parameters and closures to tasks", async () => {
    expect(
      await outputOf(`
      var hits = 0
      func add(a, b = 10) { hits += 1; return a + b }
      print(await spawn add(1), await spawn add(1, 2), hits)`),
    ).toBe("11 3 2\n");
  });

  it("spawns lambdas, builtins and tasks that spawn tasks", async () => {
    expect(
      await outputOf(`
      func fib(n) {
        if n < 2 { return n }
        let a = spawn fib(n - 1)
        let b = spawn fib(n - 2)
        return await a + await b
      }
      print(await spawn fib(12))
      print(await spawn ((x) => x + 1)(1), await spawn len([1, 2, 3]))`),
    ).toBe("144\n2 3\n");
  });

  it("checks a spawned call's argument count at the spawn", async () => {
    const r = await runSource(`func f(a) { return a }\nlet t = spawn f(1, 2)`);
    expect(r.error?.code).toBe(3005);
  });

  it("type() and == treat futures by identity", async () => {
    expect(
      await outputOf(`
      func f() { return 1 }
      let a = spawn f()
      let b = spawn f()
      print(a == a, a == b, type(a), str(a))`),
    ).toBe("true false future <future>\n");
  });

  it("async functions return a future and run as a task", async () => {
    expect(
      await outputOf(`
      async func load(n) { print("loading", n); return n * 2 }
      let f = load(21)
      print("called", type(f))
      print(await f)
      print(await spawn load(1))`),
    ).toBe("called future\nloading 21\n42\nloading 1\n2\n");
  });
});

describe("await in every kind of place", () => {
  it("inside try, catch and finally, loops, matches and closures", async () => {
    expect(
      await outputOf(`
      func v(x) { return x }
      func bad() { throw error(4310, "b") }
      var log = []
      try {
        push(log, await spawn v(1))
        await spawn bad()
      } catch e {
        push(log, await spawn v(e.code))
      } finally {
        push(log, await spawn v("fin"))
      }
      for i in 0..3 { push(log, await spawn v(i * 10)) }
      let m = match await spawn v(2) { case 2 => "two"  case _ => "other" }
      let fs = map([1, 2, 3], x => spawn v(x * x))
      print(log, m, await all(fs))`),
    ).toBe(`[1, 4310, "fin", 0, 10, 20] two [1, 4, 9]\n`);
  });

  it("each loop iteration's variable is the task's own", async () => {
    expect(
      await outputOf(`
      var fs = []
      for i in 0..4 { push(fs, spawn (() => i * i)()) }
      print(await all(fs))`),
    ).toBe("[0, 1, 4, 9]\n");
  });

  it("inside a region, with values the task makes escaping through its result", async () => {
    expect(
      await outputOf(`
      func make(n) { return range(0, n) }
      var kept = nil
      region {
        let t = spawn make(5)
        kept = await t
      }
      print(kept)`),
    ).toBe("[0, 1, 2, 3, 4]\n");
  });
});

describe("all", () => {
  it("gives the values in the order of the list", async () => {
    expect(
      await outputOf(`
      func slow(n) { var s = 0; for i in 0..n { s += 1 } return n }
      print(await all([spawn slow(3000), spawn slow(10), 7, spawn slow(500)]))
      print(await all([]))`),
    ).toBe("[3000, 10, 7, 500]\n[]\n");
  });

  it("fails with the first failure", async () => {
    expect(
      await outputOf(`
      func ok(n) { return n }
      func bad(code) { throw error(code, "bad " + str(code)) }
      try { await all([spawn ok(1), spawn bad(4301), spawn bad(4302)]) } catch e { print(e.code, e.message) }`),
    ).toBe("4301 bad 4301\n");
  });

  it("rejects what is not a list", async () => {
    expect((await runSource(`all(3)`)).error?.code).toBe(5001);
  });
});

describe("errors across await", () => {
  it("re-throws the task's error with the task's trace before the awaiting one", async () => {
    const r = await runSource(`func inner() {
  throw error(4250, "deep")
}
func task() {
  return inner()
}
func waiter() {
  return await spawn task()
}
waiter()`);
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe(4250);
    expect(r.error?.message).toBe("deep");
    expect(r.error?.trace.map((f) => `${f.name}:${f.line}`)).toEqual(["inner:2", "task:5", "waiter:8", "<main>:10"]);
  });

  it("catches a task's runtime error by code, and the trace text names both sides", async () => {
    expect(
      await outputOf(`
      func div(a, b) { return a / b }
      try { await spawn div(1, 0) } catch e {
        print(e.code, e.message)
        print(len(e.trace) > 0)
      }`),
    ).toBe("3001 division by zero\ntrue\n");
  });

  it("an error in a task nobody awaits does not end the program", async () => {
    expect(
      await outputOf(`
      func boom() { throw error(4260, "unseen") }
      let t = spawn boom()
      print("fine")`),
    ).toBe("fine\n");
  });
});

describe("timeouts", () => {
  it("fails with 7002 and cancels the task", async () => {
    expect(
      await outputOf(`
      var steps = 0
      func forever() { while true { steps += 1 } }
      let t = spawn forever()
      try { await timeout(t, 30) } catch e { print(e.code) }
      try { await t } catch e { print("task", e.code) }
      print(steps > 0)`),
    ).toBe("7002\ntask 7002\ntrue\n");
  });

  it("settles as its future does when that comes first", async () => {
    expect(
      await outputOf(`
      func quick() { return "done" }
      func bad() { throw error(4270, "no") }
      print(await timeout(spawn quick(), 10000))
      try { await timeout(spawn bad(), 10000) } catch e { print(e.code) }
      print(await timeout(5, 10))`),
    ).toBe("done\n4270\n5\n");
  });

  it("cancels a task that is itself waiting", async () => {
    expect(
      await outputOf(`
      func never() { while true { } }
      let stuck = spawn never()
      func waiter() { return await stuck }
      try { await timeout(spawn waiter(), 20) } catch e { print(e.code) }
      try { await timeout(stuck, 20) } catch e { print(e.code) }`),
    ).toBe("7002\n7002\n");
  });
});

describe("limits", () => {
  it("a task that spends the budget ends the whole run with 4002, whoever waits", async () => {
    const r = await runSource(
      `
      func spin() { while true { } }
      actor A { func spin() { while true { } } }
      let a = spawn A()
      a.spin()
      let t = spawn spin()
      print("before")
      await t`,
      { maxSteps: 100_000 },
    );
    expect(r.error?.code).toBe(4002);
    expect(r.output).toBe("before\n");
  });

  it("the VM runs the next program after a run that hit a limit", async () => {
    let out = "";
    const s = await Noodle.create({ stdout: (t) => (out += t), maxSteps: 100_000 });
    s.eval(`actor A { var n = 0\n func spin() { while true { } }\n func inc() { n += 1; return n } }\nlet a = spawn A()`);
    const r = s.eval(`a.spin()\nfunc f() { while true { } }\nlet t = spawn f()\nawait t`);
    expect(r.error?.code).toBe(4002);
    expect(s.vm.core.fiberCount()).toBe(0);
    s.setLimits({ maxSteps: 0 });
    const ok = s.eval(`print(await a.inc())`);
    expect(ok.ok).toBe(true);
    expect(out).toBe("1\n");
  });
});

describe("deadlocks", () => {
  it("fails an await that nothing can settle with 7004", async () => {
    const r = await runSource(`
      var other = nil
      func a() { return await other }
      let t = spawn a()
      other = t
      await t`);
    expect(r.error?.code).toBe(7004);
    expect(r.error?.message).toMatch(/deadlock/);
  });

  it("lets the program catch 7004 and go on", async () => {
    expect(
      await outputOf(`
      var f = nil
      func waitSelf() { return await f }
      f = spawn waitSelf()
      try { await f } catch e { print("caught", e.code) }
      print("after")`),
    ).toBe("caught 7004\nafter\n");
  });
});

describe("many fibers", () => {
  it("completes 10 000 spawned tasks", async () => {
    expect(
      await outputOf(`
      func work(i) { return i * 2 }
      var fs = []
      for i in 0..10000 { push(fs, spawn work(i)) }
      var total = 0
      for f in fs { total += await f }
      print(total)
      print(sum(await all(fs)))`),
    ).toBe("99990000\n99990000\n");
  });

  it("keeps suspended fibers' values through collections", async () => {
    let out = "";
    const s = await Noodle.create({ stdout: (t) => (out += t), maxMemory: 256 * 1024 * 1024 });
    const before = s.vm.heapStats().collections;
    const r = s.eval(`
      func holder(i, gate) {
        let mine = [i, "value-" + str(i), {"k": [i, i + 1]}]
        await gate
        return mine[0] + len(mine[1]) + mine[2]["k"][1]
      }
      func opener() {
        // garbage enough to force several collections while 2 000 holders wait
        var sink = 0
        for r in 0..200000 { let g = [r, str(r), [r]]; sink += len(g) }
        return sink
      }
      let gate = spawn opener()
      var hs = []
      for i in 0..2000 { push(hs, spawn holder(i, gate)) }
      var total = 0
      for h in hs { total += await h }
      print(total)`);
    if (!r.ok) throw new Error(r.error?.render());
    let want = 0;
    for (let i = 0; i < 2000; i++) want += i + `value-${i}`.length + i + 1;
    expect(out).toBe(`${want}\n`);
    expect(s.vm.heapStats().collections).toBeGreaterThan(before);
  });

  it("gives back what ended fibers held", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    const r = s.eval(`
      func f(i) { return [i] }
      var fs = []
      for i in 0..20000 { push(fs, spawn f(i)) }
      let n = len(await all(fs))
      fs = nil`);
    if (!r.ok) throw new Error(r.error?.render());
    expect(s.vm.core.fiberCount()).toBe(0);
    // 20 000 fiber records and futures would hold well over a megabyte
    expect(s.vm.collect().inUse).toBeLessThan(512 * 1024);
  });

  it("runs tasks with regions while others wait", async () => {
    expect(
      await outputOf(`
      func part(k) {
        var t = 0
        for i in 0..50 { region { let xs = [k, i, [i]]; t += xs[1] } }
        return t
      }
      print(await all([spawn part(1), spawn part(2), spawn part(3)]))`),
    ).toBe("[1225, 1225, 1225]\n");
  });
});
