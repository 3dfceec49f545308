// Actors on one VM: message order, one message at a time, restarts with fresh state, the
// supervision limit, and actors that spawn tasks.
import { describe, expect, it } from "vitest";
import { outputOf, runSource } from "../helpers.js";

const LOG = `
actor Log {
  var items = []
  func add(x) { push(items, x); return len(items) }
  func all() { return copy(items) }
}`;

describe("messages", () => {
  it("are handled in the order one sender sent them", async () => {
    expect(
      await outputOf(`${LOG}
      let l = spawn Log()
      for i in 0..20 { l.add(i) }
      print(await l.all())
      print(l, type(l), type(l.add))`),
    ).toBe(`[${[...Array(20).keys()].join(", ")}]\n<actor Log> actor func\n`);
  });

  it("from several tasks are each handled whole, one at a time", async () => {
    expect(
      await outputOf(`
      actor Account {
        var balance = 0
        func deposit(n) {
          let before = balance
          // a handler that waits keeps its actor busy: no other message sees 'before' stale
          await spawn len([1])
          balance = before + n
          return balance
        }
        func get() { return balance }
      }
      let a = spawn Account()
      func client(k) { for i in 0..10 { a.deposit(k) } return k }
      await all([spawn client(1), spawn client(2), spawn client(3)])
      print(await a.get())`),
    ).toBe("60\n");
  });

  it("returns futures that can be ignored, awaited later, or passed to all", async () => {
    expect(
      await outputOf(`${LOG}
      let l = spawn Log()
      let f = l.add("a")
      l.add("b")
      print(await all([l.add("c"), f]))
      let m = l.add
      print(await m("d"))`),
    ).toBe("[3, 1]\n4\n");
  });

  it("fail with 3013 for a handler the actor does not have, without restarting it", async () => {
    expect(
      await outputOf(`${LOG}
      let l = spawn Log()
      l.add(1)
      try { await l.missing() } catch e { print(e.code, e.message) }
      try { await l.add(1, 2) } catch e { print(e.code) }
      print(await l.all())`),
    ).toBe("3013 Log has no field 'missing'\n3005\n[1]\n");
  });

  it("can be spawned as tasks too", async () => {
    expect(
      await outputOf(`${LOG}
      let l = spawn Log()
      print(await spawn l.add("x"))`),
    ).toBe("1\n");
  });
});

describe("supervision", () => {
  const FRAGILE = `
    actor Fragile {
      var hits = 0
      func hit(fail) { hits += 1; if fail { throw error(4280, "crash " + str(hits)) } return hits }
    }
    let f = spawn Fragile()`;

  it("restarts an actor with its initial state after a handler throws", async () => {
    expect(
      await outputOf(`${FRAGILE}
      print(await f.hit(false), await f.hit(false))
      try { await f.hit(true) } catch e { print(e.code, e.message) }
      print(await f.hit(false))`),
    ).toBe("1 2\n4280 crash 3\n1\n");
  });

  it("stops the actor at the fourth failure within the window; later calls fail with 7003", async () => {
    expect(
      await outputOf(`${FRAGILE}
      for i in 0..4 { try { await f.hit(true) } catch e { print(i, e.code) } }
      try { await f.hit(false) } catch e { print(e.code, e.message) }
      let late = f.hit(false)
      try { await late } catch e { print(e.code) }`),
    ).toBe("0 4280\n1 4280\n2 4280\n3 4280\n7003 actor Fragile is stopped: its handlers failed too often\n7003\n");
  });

  it("fails messages waiting in the mailbox when the actor stops", async () => {
    expect(
      await outputOf(`${FRAGILE}
      var fs = []
      for i in 0..4 { push(fs, f.hit(true)) }
      let queued = f.hit(false)
      for x in fs { try { await x } catch e { } }
      try { await queued } catch e { print(e.code) }`),
    ).toBe("7003\n");
  });

  it("takes its limit from the run options", async () => {
    const program = `${FRAGILE}
      for i in 0..2 { try { await f.hit(true) } catch e { } }
      try { print(await f.hit(false)) } catch e { print(e.code) }`;
    expect((await runSource(program, { supervision: { maxRestarts: 1, withinMs: 60_000 } })).output).toBe("7003\n");
    expect((await runSource(program, { supervision: { maxRestarts: 5 } })).output).toBe("1\n");
  });

  it("rejects a supervision option that is not a limit (9001)", async () => {
    await expect(runSource(`print(1)`, { supervision: { maxRestarts: -1 } })).rejects.toMatchObject({ code: 9001 });
    await expect(runSource(`print(1)`, { supervision: { maxRestarts: 1.5 } })).rejects.toMatchObject({ code: 9001 });
  });

  it("forgets restarts older than the window", async () => {
    const r = await runSource(
      `${FRAGILE}
      for i in 0..6 {
        try { await f.hit(true) } catch e { }
        let t = clock()
        while clock() - t < 15 { }
      }
      print(await f.hit(false))`,
      { supervision: { maxRestarts: 1, withinMs: 5 } },
    );
    expect(r.output).toBe("1\n");
  });

  it("stops an actor whose state initialiser throws", async () => {
    expect(
      await outputOf(`
      func broken() { throw error(4290, "no state") }
      actor Bad { var s = broken(); func get() { return s } }
      let b = spawn Bad()
      try { await b.get() } catch e { print(e.code) }`),
    ).toBe("7003\n");
  });
});

describe("actors and tasks together", () => {
  it("handlers spawn tasks and await them", async () => {
    expect(
      await outputOf(`
      func square(x) { return x * x }
      actor Squares {
        var total = 0
        func add(xs) {
          let rs = await all(map(xs, x => spawn square(x)))
          total += sum(rs)
          return total
        }
      }
      let s = spawn Squares()
      s.add([1, 2, 3])
      print(await s.add([4]))`),
    ).toBe("30\n");
  });

  it("actors send to actors", async () => {
    expect(
      await outputOf(`${LOG}
      actor Relay {
        let log = spawn Log()
        func send(x) { return await log.add(x) }
        func dump() { return await log.all() }
      }
      let r = spawn Relay()
      r.send(1)
      r.send(2)
      print(await r.dump())`),
    ).toBe("[1, 2]\n");
  });

  it("an actor awaiting its own reply is a deadlock (7004)", async () => {
    expect(
      await outputOf(`
      actor Selfish {
        var me = nil
        func set(a) { me = a }
        func ask() { return await me.other() }
        func other() { return 1 }
      }
      let s = spawn Selfish()
      s.set(s)
      try { await s.ask() } catch e { print(e.code) }`),
    ).toBe("7004\n");
  });
});

describe("compile-time rules", () => {
  it("an actor is created only with spawn Name() (2016)", async () => {
    expect((await runSource(`actor A { func f() {} }\nlet a = A()`)).diagnostics?.[0]?.code).toBe(2016);
    expect((await runSource(`actor A { func f() {} }\nlet a = A`)).diagnostics?.[0]?.code).toBe(2016);
    expect((await runSource(`actor A { func f() {} }\nlet a = spawn A(1)`)).diagnostics?.[0]?.code).toBe(2016);
  });

  it("actor state declared with let cannot be assigned (2003)", async () => {
    expect((await runSource(`actor A { let n = 1\n func f() { n = 2 } }`)).diagnostics?.[0]?.code).toBe(2003);
  });
});
