// The step budget and the memory cap are the program's across a pool's workers: the steps and
// heap of its tasks, actors and pmap replicas count with its own VM's, and work elsewhere that
// goes past a limit ends the run with the same code and message as one VM.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile, type NbcModule, Noodle, type Pool, VM } from "../../src/index.js";
import { newLimitShare, SharedLimits } from "../../src/runtime/shared-limits.js";
import { ROOT } from "../helpers.js";
import { startPool } from "./pool-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "noodle-limits-"));
const program = (name: string, source: string): string => {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
};

/** `noodle run`, killed (with its worker threads) after 30 s: a run that hangs fails its test instead. */
function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", ...args], { encoding: "utf8", timeout: 30_000, killSignal: "SIGKILL", cwd: ROOT });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const WORKERS = ["1", "2", "4"];

const SPIN = program("spin.nc", "func spin() { while true { } }\nprint(await spawn spin())\n");

const ACTOR_SPIN = program("actor-spin.nc", "actor A {\n  func go() { while true { } }\n}\nlet a = spawn A()\nprint(await a.go())\n");

const BOMB = program("bomb.nc", "func bomb(i) { var xs = []; while true { push(xs, [1,2,3,4,5,6,7,8]) } }\nprint(pmap(range(0, 8), bomb))\n");

// four tasks of about 2.5 million steps each: 10 million together
const COUNT = program(
  "count.nc",
  `func count(n) { var s = 0; for i in 0..n { s += 1 } return s }
print(await all([spawn count(1000000), spawn count(1000000), spawn count(1000000), spawn count(1000000)]))
`,
);

// the program spends most of its budget before its first task
const LATE = program(
  "late.nc",
  `func count(n) { var s = 0; for i in 0..n { s += 1 } return s }
print(count(2000000))
print(await all([spawn count(1000000), spawn count(1000000)]))
`,
);

// two tasks holding about 40 MB each at the same time
const HOLD = program(
  "hold.nc",
  `func hold(n) {
  var xs = []
  for i in 0..n { push(xs, [1, 2, 3, 4, 5, 6, 7, 8]) }
  await sleep(300)
  return len(xs)
}
print(await all([spawn hold(400000), spawn hold(400000)]))
`,
);

describe("the step budget across workers (noodle run --max-steps)", () => {
  it("ends an awaited endless task on a worker with 4002, as one VM does", () => {
    const alone = run(["--max-steps", "10000000", SPIN]);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toBe(`error[4002]: instruction budget exhausted (10000000 steps)\n  at spin (${SPIN}:1:15)\n`);
    for (const w of WORKERS) expect(run(["--workers", w, "--max-steps", "10000000", SPIN]), `--workers ${w}`).toEqual(alone);
  });

  it("ends an endless handler of an actor on a worker with 4002, as one VM does", () => {
    const alone = run(["--max-steps", "10000000", ACTOR_SPIN]);
    expect(alone.stderr).toBe(`error[4002]: instruction budget exhausted (10000000 steps)\n  at go (${ACTOR_SPIN}:2:15)\n`);
    for (const w of WORKERS) expect(run(["--workers", w, "--max-steps", "10000000", ACTOR_SPIN]), `--workers ${w}`).toEqual(alone);
  });

  it("counts the steps of every worker's tasks together", () => {
    // each task alone is far within the budget; together they are not
    const alone = run(["--max-steps", "7000000", COUNT]);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain("error[4002]: instruction budget exhausted (7000000 steps)\n  at count (");
    for (const w of WORKERS) {
      const pooled = run(["--workers", w, "--max-steps", "7000000", COUNT]);
      expect(pooled, `--workers ${w}`).toEqual(alone);
    }
  });

  it("counts the steps the program spent before its work went to the workers", () => {
    const alone = run(["--max-steps", "8000000", LATE]);
    expect(alone.stdout).toBe("2000000\n");
    expect(alone.stderr).toContain("error[4002]: instruction budget exhausted (8000000 steps)\n  at count (");
    for (const w of WORKERS) expect(run(["--workers", w, "--max-steps", "8000000", LATE]), `--workers ${w}`).toEqual(alone);
  });

  it("lets a program within its budget finish the same on workers", () => {
    const alone = run(["--max-steps", "40000000", COUNT]);
    expect(alone).toEqual({ code: 0, stdout: "[1000000, 1000000, 1000000, 1000000]\n", stderr: "" });
    for (const w of WORKERS) expect(run(["--workers", w, "--max-steps", "40000000", COUNT]), `--workers ${w}`).toEqual(alone);
  });
});

describe("the memory cap across workers (noodle run --max-memory)", () => {
  it("ends a pmap memory bomb with 4001 and one VM's trace", () => {
    const alone = run(["--max-memory", "64m", BOMB]);
    expect(alone.code).toBe(1);
    // raised in bomb, reached through the prelude's map from the program's pmap: a worker maps its
    // chunk with the same prelude function, so the trace is the same
    expect(alone.stderr).toBe(
      `error[4001]: memory limit exceeded (67108864 bytes)\n  at bomb (${BOMB}:1:42)\n  at map (<prelude>:4:27)\n  at pmap (<prelude>:12:24)\n  at <main> (${BOMB}:2:7)\n`,
    );
    for (const w of WORKERS) expect(run(["--workers", w, "--max-memory", "64m", BOMB]), `--workers ${w}`).toEqual(alone);
  });

  it("counts the heap of tasks on different workers together", () => {
    const alone = run(["--max-memory", "64m", HOLD]);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toBe(`error[4001]: memory limit exceeded (67108864 bytes)\n  at hold (${HOLD}:3:19)\n`);
    for (const w of WORKERS) expect(run(["--workers", w, "--max-memory", "64m", HOLD]), `--workers ${w}`).toEqual(alone);
    // with room for both, both finish
    const roomy = run(["--max-memory", "200m", HOLD]);
    expect(roomy).toEqual({ code: 0, stdout: "[400000, 400000]\n", stderr: "" });
    for (const w of WORKERS) expect(run(["--workers", w, "--max-memory", "200m", HOLD]), `--workers ${w}`).toEqual(roomy);
  });
});

describe("limits across workers through the library", () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await startPool(2);
  });
  afterAll(() => pool.close());

  const moduleOf = (source: string, file: string): NbcModule => {
    const c = compile(source, { file });
    if (!c.ok || !c.module) throw new Error("does not compile");
    return c.module;
  };

  async function outcome(source: string, limits: { maxSteps?: number; maxMemory?: number }, attached: boolean) {
    const vm = await VM.create({ ...limits, stdout: () => {}, stderr: () => {} });
    if (attached) pool.attach(vm, { tasks: true });
    const r = await vm.runAsync(moduleOf(source, "limits.nc"));
    return r.ok ? { ok: true } : { ok: false, code: r.error.code, message: r.error.message, trace: r.error.trace };
  }

  it("bounds the replicas of a synchronous run's blocking pmap by the cap", { timeout: 30_000 }, async () => {
    const vm = await VM.create({ maxMemory: 64 << 20, stdout: () => {} });
    pool.attach(vm);
    const r = vm.run(moduleOf("func bomb(i) { var xs = []; while true { push(xs, [1,2,3,4,5,6,7,8]) } }\nprint(pmap(range(0, 8), bomb))\n", "bomb.nc"));
    expect(r).toMatchObject({ ok: false, error: { code: 4001, message: "memory limit exceeded (67108864 bytes)" } });
  });

  it("ends an awaited endless task with the same error as one VM", { timeout: 30_000 }, async () => {
    const source = "func spin() { while true { } }\nprint(await spawn spin())\n";
    const alone = await outcome(source, { maxSteps: 5_000_000 }, false);
    expect(alone).toMatchObject({ ok: false, code: 4002, message: "instruction budget exhausted (5000000 steps)" });
    expect(await outcome(source, { maxSteps: 5_000_000 }, true)).toEqual(alone);
  });

  it("ends a handler on a worker past the cap with 4001, even unawaited, and the pool runs the next program", { timeout: 30_000 }, async () => {
    const source = `actor Hog {
  func eat() { var xs = []; while true { push(xs, [1, 2, 3, 4]) } }
}
let h = spawn Hog()
h.eat()
await sleep(20000)
print("not reached")
`;
    const alone = await outcome(source, { maxMemory: 32 << 20 }, false);
    expect(alone).toMatchObject({ ok: false, code: 4001, message: "memory limit exceeded (33554432 bytes)" });
    expect(await outcome(source, { maxMemory: 32 << 20 }, true)).toEqual(alone);
    // the workers are free again: another program runs there to its end
    expect(await outcome("func f(x) { return x + 1 }\nprint(await spawn f(1))\n", { maxMemory: 32 << 20 }, true)).toEqual({ ok: true });
  });
});

describe("limits across workers in a session", () => {
  it("frees what a run past the cap held on the workers: the next run has the whole cap again", { timeout: 30_000 }, async () => {
    const pool = await startPool(2);
    try {
      const session = await Noodle.create({ maxMemory: 64 << 20, stdout: () => {} });
      pool.attach(session.vm, { tasks: true });
      const bomb = await session.evalAsync("func bomb(i) { var xs = []; while true { push(xs, [1,2,3,4,5,6,7,8]) } }\nprint(pmap(range(0, 8), bomb))\n");
      expect(bomb).toMatchObject({ ok: false, error: { code: 4001 } });
      // about 15 MB on each of two workers, then 20 MB in the program's own VM
      const grow = "func grow(i) { var xs = []; for j in 0..150000 { push(xs, [1,2,3,4,5,6,7,8]) } return len(xs) }\n";
      expect(await session.evalAsync(`${grow}print(pmap(range(0, 2), grow))\n`)).toMatchObject({ ok: true });
      expect(await session.evalAsync("var big = []\nfor j in 0..200000 { push(big, [1,2,3,4,5,6,7,8]) }\nprint(len(big))\n")).toMatchObject({ ok: true });
    } finally {
      await pool.close();
    }
  });
});

describe("a shared budget", () => {
  const core = () => {
    let left = 0;
    let slice = 0;
    let heapLimit = -1;
    return {
      stepsLeft: () => left,
      grantSteps: (steps: number, s: number) => {
        left = steps;
        slice = s;
      },
      setHeapLimit: (b: number) => {
        heapLimit = b;
      },
      heapInUse: () => 1000,
      collect: () => {},
      spend: (n: number) => {
        left -= n;
      },
      get slice() {
        return slice;
      },
      get heapLimit() {
        return heapLimit;
      },
    };
  };

  it("grants each VM what the others left, in slices of its share", () => {
    const share = newLimitShare(1_000_000, 0)!;
    const [a, b] = [core(), core()];
    const [sa, sb] = [new SharedLimits(share, true), new SharedLimits(share, false)];
    sa.sync(a);
    sb.sync(b);
    expect(a.stepsLeft()).toBe(1_000_000);
    expect(b.slice).toBe(500_000);
    a.spend(300_000);
    sa.sync(a);
    sb.sync(b);
    expect([a.stepsLeft(), b.stepsLeft()]).toEqual([700_000, 700_000]);
    b.spend(700_000);
    sb.sync(b);
    sa.sync(a);
    expect([a.stepsLeft(), b.stepsLeft()]).toEqual([0, 0]);
  });

  it("caps each VM's heap at what the others leave, and stops the others' work when the program's run ends", () => {
    const share = newLimitShare(0, 10_000)!;
    const [a, b] = [core(), core()];
    const [sa, sb] = [new SharedLimits(share, true), new SharedLimits(share, false)];
    expect(sa.heapShare(4000)).toBe(10_000);
    expect(sb.heapShare(5000)).toBe(6000);
    // past the cap: less than it holds, so its check fails, yet not nothing
    expect(sa.heapShare(6000)).toBe(5999);
    sa.stop();
    sb.sync(b);
    expect(b.stepsLeft()).toBe(0);
    // between collections a VM's own heap may be garbage: it is not published, only checked
    sa.sync(a);
    expect(a.heapLimit).toBe(5000);
  });

  it("keeps a stopped run's pmap work stopped when the program's next run starts", () => {
    const share = newLimitShare(1_000_000, 0)!;
    const [chunk, hosting, next] = [core(), core(), core()];
    const owner = new SharedLimits(share, true);
    const [sc, sh, sn] = [new SharedLimits(share, false), new SharedLimits(share, false), new SharedLimits(share, false)];
    sc.workFor(owner.currentRun);
    owner.stop();
    owner.restart();
    sn.workFor(owner.currentRun);
    for (const [m, c] of [
      [sc, chunk],
      [sh, hosting],
      [sn, next],
    ] as const)
      m.sync(c);
    expect([chunk.stepsLeft(), hosting.stepsLeft(), next.stepsLeft()]).toEqual([0, 1_000_000, 1_000_000]);
  });

  it("collects a VM whose run ended holding more than a collection's worth, so the others do not count its garbage", () => {
    const share = newLimitShare(0, 100 << 20)!;
    const [a, b] = [core(), core()];
    let collected = 0;
    const [sa, sb] = [new SharedLimits(share, false), new SharedLimits(share, false)];
    expect(sa.heapShare(4 << 20)).toBe(100 << 20);
    sa.ended({ ...a, collect: () => collected++ });
    expect(collected).toBe(0);
    expect(sa.heapShare(40 << 20)).toBe(100 << 20);
    sb.sync(b);
    expect(b.heapLimit).toBe(60 << 20);
    sa.ended({ ...a, collect: () => collected++ });
    expect(collected).toBe(1);
    sb.sync(b);
    expect(b.heapLimit).toBe((100 << 20) - 1000);
  });
});
