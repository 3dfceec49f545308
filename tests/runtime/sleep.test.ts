// sleep(ms): a future that resolves to nil after ms milliseconds of real time. It suspends only
// the task awaiting it, in an asynchronous run, in a synchronous one (which blocks its thread
// while nothing else can run) and in tasks on a pool's workers.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler/compile.js";
import { VM } from "../../src/runtime/vm.js";
import { cli, runSource } from "../helpers.js";

const TASKS = `
async func worker(name, ms) {
  await sleep(ms)
  return name
}
let done = []
async func log(name, ms) {
  await sleep(ms)
  push(done, name)
}
let a = log("slow", 150)
let b = log("fast", 30)
let c = log("middle", 80)
await all([a, b, c])
print(done)
print(await all([spawn worker("x", 60), spawn worker("y", 10)]))
print(await sleep(1))
`;

describe("sleep", () => {
  it("wakes tasks in the order of their deadlines, and resolves to nil", async () => {
    const r = await runSource(TASKS);
    expect(r.error?.render()).toBeUndefined();
    expect(r.output).toBe('["fast", "middle", "slow"]\n["x", "y"]\nnil\n');
  });

  it("waits real time: await sleep(100) takes at least about 100 ms", async () => {
    const started = performance.now();
    const r = await runSource("let t = clock()\nawait sleep(100)\nprint(clock() - t >= 99)");
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(r.output).toBe("true\n");
  });

  it("suspends only the task that awaits it: others run meanwhile", async () => {
    const r = await runSource(`
      var ticks = 0
      async func counter() {
        for i in 0..5 { ticks += 1; await sleep(5) }
      }
      let t = counter()
      print("before", ticks)
      await sleep(100)
      print("after", ticks)
      await t
      let busy = spawn counter()
      await busy
      print(ticks)
    `);
    expect(r.output).toBe("before 0\nafter 5\n10\n");
  });

  it("a sleep nobody awaits does not keep the run alive", async () => {
    const started = performance.now();
    const r = await runSource('let s = sleep(60000)\nprint("end")');
    expect(r.output).toBe("end\n");
    expect(performance.now() - started).toBeLessThan(30000);
  });

  it("a timeout around a sleeping task fires at its own time, not early", async () => {
    const r = await runSource(`
      async func nap(ms) { await sleep(ms); return ms }
      print(await timeout(nap(40), 2000))
      try { await timeout(nap(2000), 40) } catch e { print(e.code) }
    `);
    expect(r.output).toBe("40\n7002\n");
  });

  it("a sleep without end is a deadlock when it is all that is awaited; a very long one can be timed out", async () => {
    const r = await runSource(`
      try { await sleep(num("Infinity")) } catch e { print(e.code) }
      try { await timeout(sleep(1e12), 20) } catch e { print(e.code) }
    `);
    expect(r.output).toBe("7004\n7002\n");
  });

  it("a negative or NaN time is a value error, a string an operand error", async () => {
    const r = await runSource(`
      try { sleep(-1) } catch e { print(e) }
      try { sleep(num("NaN")) } catch e { print(e) }
      try { sleep("10") } catch e { print(e) }
      try { timeout(sleep(1), -5) } catch e { print(e) }
    `);
    expect(r.output).toBe(
      "error[3017]: sleep: the time in milliseconds must be a non-negative number, got -1\n" +
        "error[3017]: sleep: the time in milliseconds must be a non-negative number, got NaN\n" +
        "error[5001]: unsupported operand types for sleep: string\n" +
        "error[3017]: timeout: the time in milliseconds must be a non-negative number, got -5\n",
    );
  });

  it("a synchronous run blocks its thread until the sleep is over", async () => {
    const c = compile("let t = clock()\nawait sleep(80)\nprint(clock() - t >= 79)", { file: "sync.nc" });
    let out = "";
    const vm = await VM.create({ stdout: (t) => (out += t) });
    const started = performance.now();
    const outcome = vm.run(c.module!);
    expect(outcome.ok).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(72);
    expect(out).toBe("true\n");
  });

  it("tasks sleeping on a pool's workers give the same output as in one VM", () => {
    const dir = mkdtempSync(join(tmpdir(), "noodle-sleep-"));
    const file = join(dir, "sleep.nc");
    writeFileSync(file, TASKS);
    const one = cli(["run", file]);
    const pooled = cli(["run", "--workers", "2", file]);
    expect(one.stderr).toBe("");
    expect(pooled.stderr).toBe("");
    expect(pooled.stdout).toBe(one.stdout);
    expect(pooled.stdout).toBe('["fast", "middle", "slow"]\n["x", "y"]\nnil\n');
  });

  it("a task placed on a worker sleeps there for real", () => {
    const dir = mkdtempSync(join(tmpdir(), "noodle-sleep-"));
    const file = join(dir, "placed.nc");
    writeFileSync(
      file,
      `
      func napper(ms) {
        let t = clock()
        await sleep(ms)
        return clock() - t >= ms - 1
      }
      print(await all([spawn napper(80), spawn napper(20)]))
    `,
    );
    expect(cli(["run", file]).stdout).toBe("[true, true]\n");
    expect(cli(["run", "--workers", "2", file]).stdout).toBe("[true, true]\n");
  });
});
