// Work a program hands to a pool's workers runs under the program's own compiled tier: with the
// tier eager there, the functions its tasks call are compiled on the workers too; with it off,
// nothing is.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile, type Pool, VM } from "../../src/index.js";
import type { JitMode } from "../../src/jit/compiled-tier.js";
import { moduleOf, startPool } from "../concurrency/pool-helpers.js";
import { cli } from "../helpers.js";

const PROGRAM = `
func half(i) { return i * 0.5 }
func sum(n) {
  var s = 0
  for i in 0..n { s += half(i) }
  return s
}
actor Acc {
  var total = 0
  func add(x) { total += x; return total }
}
let parts = [spawn sum(1000), spawn sum(2000), spawn sum(3000)]
let a = spawn Acc()
for p in parts { a.add(await p) }
print(await a.add(0))
`;

async function runOn(pool: Pool, jit: JitMode): Promise<{ out: string; compiledOnWorkers: number }> {
  let out = "";
  const vm = await VM.create({ stdout: (t) => (out += t), jit });
  pool.attach(vm, { tasks: true });
  const before = (await pool.workerStats()).reduce((n, s) => n + s.jitCompiled, 0);
  const r = await vm.runAsync(moduleOf(PROGRAM, `workers-${jit}.nc`));
  if (!r.ok) throw r.error;
  const after = (await pool.workerStats()).reduce((n, s) => n + s.jitCompiled, 0);
  return { out, compiledOnWorkers: after - before };
}

describe("the compiled tier on a pool's workers", () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await startPool(2);
  });
  afterAll(() => pool.close());

  it("compiles the program's functions on the workers when its VM is eager", async () => {
    const eager = await runOn(pool, "eager");
    expect(eager.out).toBe("3498500\n");
    expect(eager.compiledOnWorkers).toBeGreaterThan(0);
  });

  it("compiles nothing on the workers when its VM has the tier off, and prints the same", async () => {
    const off = await runOn(pool, "off");
    expect(off.out).toBe("3498500\n");
    expect(off.compiledOnWorkers).toBe(0);
  });

  it("counts what the workers compiled in --jit-stats", () => {
    const dir = mkdtempSync(join(tmpdir(), "noodle-jit-workers-"));
    try {
      const path = join(dir, "tasks.nc");
      writeFileSync(path, PROGRAM);
      const r = cli(["run", "--workers", "2", "--jit", "eager", "--jit-stats", path]);
      expect(r.stdout).toBe("3498500\n");
      const stats = JSON.parse(r.stderr.trim().split("\n").at(-1) as string);
      expect(stats).toMatchObject({ mode: "eager" });
      expect(stats.compiledOnWorkers).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("changing a VM's tier between runs", () => {
  it("stops using compiled code once the tier is turned off", async () => {
    const c = compile("func inc(x) { return x + 1 }\nfunc use(x) { return inc(x) }\nprint(inc(1))\n", { file: "switch.nc" });
    if (!c.module) throw new Error("does not compile");
    const vm = await VM.create({ jit: "eager", stdout: () => {} });
    expect(vm.run(c.module).ok).toBe(true);
    expect(vm.jitStats().compiled).toBe(1);
    const use = c.module.globalBase + c.module.globals.indexOf("use");
    // inc's compiled code assumes a number and hands a string back to the interpreter: a deopt
    expect(vm.callGlobal(use, ["a"])).toMatchObject({ ok: false });
    const handedBack = vm.jitStats().deopts;
    expect(handedBack).toBe(1);
    await vm.setJit({ jit: "off" });
    expect(vm.jit).toEqual({ jit: "off", jitThreshold: 8 });
    expect(vm.callGlobal(use, ["a"])).toMatchObject({ ok: false });
    expect(vm.jitStats().deopts).toBe(handedBack);
  });
});
