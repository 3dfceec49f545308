// Actors on a pool's workers: a program's actors are placed on the workers and stay there, with
// the same output as in one VM; messages keep their order, supervision and errors work as in one
// VM, tasks and actors on workers call actors anywhere, and an actor whose worker dies starts
// again elsewhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NbcModule, type Pool, VM } from "../../src/index.js";
import { moduleOf, startPool } from "./pool-helpers.js";

/** Runs a module on a fresh VM, with `pool` running its tasks and actors when given; what it printed. */
async function run(module: NbcModule, pool?: Pool, supervision?: { maxRestarts: number; withinMs: number }): Promise<string> {
  let out = "";
  const vm = await VM.create({ stdout: (t) => (out += t), stderr: (t) => (out += `! ${t}`), supervision });
  if (pool) pool.attach(vm, { tasks: true });
  const r = await vm.runAsync(module);
  if (!r.ok) throw r.error;
  return out;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error("condition not reached in 10 s");
}

const COUNTERS = `
actor Counter {
  var count = 0
  var order = []
  func inc(k) { count += k; order = push(order, k); return count }
  func get() { return count }
  func received() { return order }
  func show() { print("count is", count) }
}
let cs = [spawn Counter(), spawn Counter(), spawn Counter(), spawn Counter()]
for i in 0..1000 { cs[i % 4].inc(i) }
print(await all(map(cs, c => c.get())))
let inOrder = await cs[1].received()
print(len(inOrder), inOrder[0], inOrder[249], inOrder == range(1, 1000, 4))
await cs[2].show()
print("after show")
`;

describe("actors on a pool's workers", () => {
  let pools: Pool[] = [];
  beforeAll(async () => {
    pools = await Promise.all([startPool(2), startPool(4)]);
  });
  afterAll(() => Promise.all(pools.map((p) => p.close())));

  it("places a program's actors on the workers, spread evenly, with the same output as one VM", async () => {
    const module = moduleOf(COUNTERS);
    const alone = await run(module);
    expect(alone).toBe("[124500, 124750, 125000, 125250]\n250 1 997 true\ncount is 125000\nafter show\n");
    const [two, four] = pools;
    const before = (await two.workerStats()).map((s) => s.actors);
    expect(await run(module, two)).toBe(alone);
    const after = (await two.workerStats()).map((s) => s.actors);
    expect(after.map((n, i) => n - before[i])).toEqual([2, 2]);
    expect(await run(module, four)).toBe(alone);
  });

  it("restarts a failing actor on its worker and stops it past the VM's supervision limit", async () => {
    const module = moduleOf(`
actor Fragile {
  var hits = 0
  func hit() { hits += 1; if hits == 2 { throw error(4244, "crash") } return hits }
}
let f = spawn Fragile()
print(await f.hit())
try { await f.hit() } catch e { print(e.code, e.message) }
print(await f.hit())
try { await f.hit() } catch e { print(e.code) }
try { await f.hit() } catch e { print(e.code) }
`);
    const policy = { maxRestarts: 1, withinMs: 60_000 };
    const alone = await run(module, undefined, policy);
    expect(alone).toBe("1\n4244 crash\n1\n4244\n7003\n");
    expect(await run(module, pools[0], policy)).toBe(alone);
  });

  it("re-throws a handler's error with its code and the handler in the trace", async () => {
    const module = moduleOf(
      `
actor A {
  func fail(x) { throw error(4300 + x, "failed " + str(x)) }
}
let a = spawn A()
await a.fail(7)
`,
      "trace.nc",
    );
    for (const pool of [undefined, pools[0]]) {
      const e = await run(module, pool).catch((x) => x);
      expect(e.code).toBe(4307);
      expect(e.message).toBe("failed 7");
      expect(e.trace.map((f: { name: string }) => f.name)).toContain("fail");
    }
  });

  it("refuses with 8007 a message whose arguments cannot be copied to the actor's worker", async () => {
    const module = moduleOf(`
actor Echo { func back(x) { return x } }
let e = spawn Echo()
var k = 3
try { print(await e.back(x => x + k)) } catch err { print(err.code) }
print(await e.back([1, "two", [3; 4]]))
`);
    expect(await run(module, pools[0])).toBe('8007\n[1, "two", [3; 4]]\n');
  });

  it("lets tasks and actors on workers call actors anywhere, actors passed around included", async () => {
    const module = moduleOf(`
actor Log {
  var lines = []
  func add(s) { lines = push(lines, s); return len(lines) }
  func all() { return lines }
}
let log = spawn Log()
func work(n) { await log.add("task " + str(n)); return n * n }
print(await all([spawn work(1), spawn work(2), spawn work(3)]))
actor Greeter {
  func hi(who) { await log.add("hi " + who); print("hello", who); return "done" }
}
let g = spawn Greeter()
print(await g.hi("ann"))
func through(a, s) { return await a.add(s) }
print(await spawn through(log, "via an argument"))
print(sort(await log.all()))
`);
    const alone = await run(module);
    expect(alone).toBe('[1, 4, 9]\nhello ann\ndone\n5\n["hi ann", "task 1", "task 2", "task 3", "via an argument"]\n');
    expect(await run(module, pools[1])).toBe(alone);
  });

  it("makes actors spawned by work on the workers the pool's too, callable from anywhere", async () => {
    const module = moduleOf(`
actor Counter {
  var n = 0
  func inc() { n += 1; return n }
}
func make() { let c = spawn Counter(); await c.inc(); return c }
let cs = await all([spawn make(), spawn make()])
print(await cs[0].inc(), await cs[1].inc(), type(cs[0]))
actor Parent {
  var kids = []
  func adopt() { let k = spawn Counter(); kids = push(kids, k); return await k.inc() }
  func first() { return kids[0] }
}
let p = spawn Parent()
await p.adopt()
await p.adopt()
let k = await p.first()
print(await k.inc())
`);
    const alone = await run(module);
    expect(alone).toBe("2 2 actor\n2\n");
    const pool = pools[1];
    const placed = () => pool.actorsPlaced.reduce((a, b) => a + b, 0);
    const before = placed();
    expect(await run(module, pool)).toBe(alone);
    // the program's Parent, and the four counters its tasks and the Parent spawned on the workers
    expect(placed() - before).toBe(5);
  });

  it("starts an actor again elsewhere when its worker dies: the message in flight fails with 7001", async () => {
    const pool = await startPool(2);
    try {
      const module = moduleOf(`
actor Slow {
  var n = 0
  func bump() { n += 1; return n }
  func spin(k) { var s = 0; for i in 0..k { s += i } return s }
}
let a = spawn Slow()
print(await a.bump(), await a.bump())
try { await a.spin(1e10) } catch e { print(e.code) }
print(await a.bump())
`);
      let out = "";
      const vm = await VM.create({ stdout: (t) => (out += t) });
      pool.attach(vm, { tasks: true });
      const done = vm.runAsync(module);
      // the spin is in flight on the actor's worker: end that worker
      await until(() => out === "1 2\n" && pool.actorsPlaced.some((n, i) => n === 1 && pool.load[i] === 1));
      const home = pool.actorsPlaced.indexOf(1);
      pool.killWorker(home);
      expect((await done).ok).toBe(true);
      expect(out).toBe("1 2\n7001\n1\n");
      expect(pool.actorsPlaced[home]).toBe(0);
      expect(pool.actorsPlaced.reduce((a, b) => a + b, 0)).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it("cancels a task or a waiting message on a worker when a timeout gives up on it (7002)", async () => {
    const module = moduleOf(`
func slow(n) { var s = 0; for i in 0..n { s += i } return s }
try { await timeout(spawn slow(1e10), 50) } catch e { print(e.code) }
actor A {
  func spin(n) { var s = 0; for i in 0..n { s += i } return s }
  func hi() { return "hi" }
}
let a = spawn A()
a.spin(5e7)
try { await timeout(a.spin(1e10), 50) } catch e { print(e.code) }
print(await a.hi())
`);
    const pool = pools[0];
    // the second spin waits behind the first when the timeout gives up on it: without the
    // cancelling, it would hold the actor for minutes before "hi"
    expect(await run(module, pool)).toBe("7002\n7002\nhi\n");
    // and the slow task would keep its worker busy
    await until(() => pool.load.every((n) => n === 0));
  });

  it("keeps spawns in the VM while every worker is busy, so a burst of tiny tasks stays cheap", async () => {
    const module = moduleOf(`
func tiny(i) { return i }
var fs = []
for i in 0..200 { fs = push(fs, spawn tiny(i)) }
print(sum(await all(fs)))
`);
    const ran = async () => (await pools[0].workerStats()).reduce((n, s) => n + s.tasksRun, 0);
    const before = await ran();
    expect(await run(module, pools[0])).toBe("19900\n");
    // some tasks went to the workers, the rest ran here
    const there = (await ran()) - before;
    expect(there).toBeGreaterThan(0);
    expect(there).toBeLessThan(200);
  });

  it("keeps the program's memory limit on the workers: 4001 ends the run, as in one VM", async () => {
    const module = moduleOf(`
func big() { let m = zeros(3000, 3000); return rows(m) }
try { print(await spawn big()) } catch e { print("caught", e.code) }
`);
    const limited = async (pool?: Pool) => {
      const vm = await VM.create({ maxMemory: 32 * 2 ** 20 });
      if (pool) pool.attach(vm, { tasks: true });
      const r = await vm.runAsync(module);
      return r.ok ? "no error" : r.error.code;
    };
    expect(await limited()).toBe(4001);
    const pool = await startPool(1);
    try {
      // without the limit there, the worker would make the 72 MB matrix and print 3000
      expect(await limited(pool)).toBe(4001);
    } finally {
      await pool.close();
    }
  });
});
