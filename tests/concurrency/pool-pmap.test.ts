// `pmap(xs, f)` in programs: on a pool's workers when the VM has one attached, sequentially
// otherwise, with the same output either way and with 1 or 4 workers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pool, VM } from "../../src/index.js";
import { nodeWorkers } from "../../src/node/pool.js";
import { errorCodeOf, outputOf } from "../helpers.js";
import { moduleOf, printed, startPool } from "./pool-helpers.js";

const PROGRAM = `
struct P { x: number, y: number }
let offset = 10
let weights = [1, 2; 3, 4]
func score(v) { return v * v + offset }
func norm2(p) { return p.x * p.x + p.y * p.y }
func scaled(k) { return weights * k }
func tagged(s) { return s + "!" }
func fib(n) { if n < 2 { return n } return fib(n - 1) + fib(n - 2) }
let squares = x => x * x
print(pmap(range(0, 50), score))
print(pmap([P { x: 3, y: 4 }, P { x: 1, y: 1 }], norm2))
print(pmap([1, 2, 3], scaled))
print(pmap(["a", "b", "c"], tagged))
print(pmap(range(15, 25), fib))
print(pmap([1, 2, 3, 4], squares))
print(pmap([1, 4, 9], x => x + 1))
print(pmap([1, 4, 9], sqrt))
print(pmap([], score), pmap([7], score))
var total = 0
for v in pmap(range(0, 1000), score) { total += v }
print(total)
`;

describe("pmap in programs", () => {
  let pools: Pool[] = [];
  beforeAll(async () => {
    pools = await Promise.all([startPool(1), startPool(4)]);
  });
  afterAll(() => Promise.all(pools.map((p) => p.close())));

  it("prints the same with no pool, 1 worker and 4 workers", async () => {
    const module = moduleOf(PROGRAM);
    const alone = await printed(module);
    expect(alone.split("\n")[0]).toBe(`[${Array.from({ length: 50 }, (_, v) => v * v + 10).join(", ")}]`);
    expect(alone).toContain("[25, 2]\n");
    expect(await printed(module, pools[0])).toBe(alone);
    expect(await printed(module, pools[1])).toBe(alone);
  });

  it("runs on the workers when attached", async () => {
    const pool = pools[1];
    const before = (await pool.workerStats()).map((s) => s.tasksRun);
    await printed(moduleOf("func inc(x) { return x + 1 }\nprint(pmap(range(0, 100), inc))"), pool);
    const after = (await pool.workerStats()).map((s) => s.tasksRun);
    expect(after.filter((n, i) => n > before[i]).length).toBe(4);
  });

  it("rejects a function that captures variables with 3011, catchably", async () => {
    const source = `
func run() {
  var k = 2
  let f = x => x * k
  try { return pmap([1, 2, 3], f) } catch e { return e.code }
}
print(run())`;
    expect(await printed(moduleOf(source), pools[0])).toBe("3011\n");
    // without a pool it maps sequentially
    expect(await outputOf(source)).toBe("[2, 4, 6]\n");
  });

  it("passes errors of the function on with their code", async () => {
    const source = `func f(x) { return 1 / (x - 2) }\ntry { print(pmap([1, 2, 3], f)) } catch e { print(e.code, e.message) }`;
    expect(await printed(moduleOf(source), pools[1])).toBe("3001 division by zero\n");
    expect(await errorCodeOf("print(pmap([1, 2], 3))")).toBe(3004);
  });

  it("sees a global's value at the time of the call", async () => {
    const source = `var k = 1\nfunc f(x) { return x * k }\nprint(pmap([1, 2], f))\nk = 5\nprint(pmap([1, 2], f))`;
    expect(await printed(moduleOf(source), pools[1])).toBe("[1, 2]\n[5, 10]\n");
  });

  it("leaves the attached VM usable for plain calls", async () => {
    const vm = await VM.create({ stdout: () => {} });
    pools[0].attach(vm);
    expect(vm.run(moduleOf("func g(x) { return pmap([x, x + 1], y => y * 3) }\nprint(g(1))")).ok).toBe(true);
  });

  it("runs on the workers without blocking in an asynchronous run, also where no thread may block (browsers)", async () => {
    // endpoints without the synchronous channel, as Web Workers are
    const pool = await startPool(2, {
      endpoints: () => {
        const e = nodeWorkers()();
        delete e.receiveSync;
        return e;
      },
    });
    try {
      const module = moduleOf(`var calls = 0
func f(x) { calls += 1; return x * 3 }
func bad(x) { if x == 7 { throw error(4250, "seven") } return x }
let t = spawn f(1)
print(pmap(range(0, 40), f)[39], calls, await t)
try { pmap(range(0, 20), bad) } catch e { print(e.code, e.message) }
`);
      let out = "";
      const vm = await VM.create({ stdout: (t) => (out += t) });
      pool.attach(vm);
      const r = await vm.runAsync(module);
      if (!r.ok) throw r.error;
      // the spawned task ran here (calls 1), the mapped calls on the workers
      expect(out).toBe("117 1 3\n4250 seven\n");
    } finally {
      await pool.close();
    }
  });
});
