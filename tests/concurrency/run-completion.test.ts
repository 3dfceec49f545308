// With workers a run ends as in one VM: when all its work has ended, awaited or not, including
// what that work started on the workers; a deadlock across workers is 7004 with one VM's message
// and trace, and work that is only slow is never taken for one; work on a worker reads the
// program's globals as they are when it is sent, and work that assigns globals runs in the
// program's VM. Each program runs without workers and with 1, 2 and 4, through the command line:
// stdout, stderr and the exit code must agree, and one VM's output is checked too.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pool, VM } from "../../src/index.js";
import { ROOT, scratchFolder } from "../helpers.js";
import { moduleOf, startPool } from "./pool-helpers.js";

const programs = scratchFolder("noodle-run-completion-");

/** `noodle run ARGS`, killed after 20 s (a hang shows as exit code -1). */
function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", ...args], { encoding: "utf8", timeout: 20_000, killSignal: "SIGKILL", cwd: ROOT });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `source` alone and with 1, 2 and 4 workers; all must agree. Returns what one VM did. */
function sameEverywhere(name: string, source: string): { code: number; stdout: string; stderr: string } {
  const path = programs.file(name, source);
  const alone = run([path]);
  for (const workers of ["1", "2", "4"]) expect(run(["--workers", workers, path]), `${name} with ${workers} workers`).toEqual(alone);
  return { ...alone, stderr: alone.stderr.replaceAll(programs.dir + "/", "") };
}

describe("a run with workers ends when all its work has ended, as in one VM", () => {
  it("runs an un-awaited task to its end after main", () => {
    const r = sameEverywhere("unawaited.nc", `func w(n) { print("task", n); return n }\nspawn w(1)\nprint("main")\n`);
    expect(r).toEqual({ code: 0, stdout: "main\ntask 1\n", stderr: "" });
  });

  it("waits for a task that ends long after main, and keeps un-awaited errors silent", () => {
    const r = sameEverywhere(
      "late.nc",
      `func bad(n) { print("bad", n); throw error(4242, "boom") }
func late(n) { await sleep(150); print("late", n); return n }
spawn bad(1)
spawn late(2)
print("main")
`,
    );
    expect(r).toEqual({ code: 0, stdout: "main\nbad 1\nlate 2\n", stderr: "" });
  });

  it("handles every un-awaited message to an actor, in order", () => {
    const r = sameEverywhere(
      "messages.nc",
      `actor C {
  var n = 0
  func hit(k) { n += k; print("hit", k, n) }
}
let c = spawn C()
for i in range(0, 4) { c.hit(i) }
print("main")
`,
    );
    expect(r.stdout).toBe("main\nhit 0 0\nhit 1 1\nhit 2 3\nhit 3 6\n");
  });

  it("waits for what work on a worker started: an actor it spawned, the messages it sent, a task", () => {
    const r = sameEverywhere(
      "transitive.nc",
      `actor Log { func add(s) { print("log", s) } }
func child(l, n) { await sleep(20); l.add("child " + str(n)) }
func work(n) {
  let l = spawn Log()
  l.add(n)
  spawn child(l, n)
  return n
}
spawn work(1)
print("main")
`,
    );
    // the actor may be placed on another worker, later: messages from one place keep their order
    expect(r).toEqual({ code: 0, stdout: "main\nlog 1\nlog child 1\n", stderr: "" });
  });

  it("ends with the exit code an un-awaited task asks for after main, and at once when main fails", () => {
    const exits = sameEverywhere(
      "exit.nc",
      `import "std/sys" as sys
func w() { await sleep(50); print("bye"); sys.exit(3) }
spawn w()
print("main")
`,
    );
    expect(exits).toEqual({ code: 3, stdout: "main\nbye\n", stderr: "" });
    const fails = sameEverywhere(
      "fails.nc",
      `func w(n) { await sleep(100); print("task", n); return n }
spawn w(1)
print("main")
throw error(4243, "main fails")
`,
    );
    expect(fails).toEqual({ code: 1, stdout: "main\n", stderr: "error[4243]: main fails\n  at <main> (fails.nc:4:1)\n" });
  });
});

describe("deadlocks across workers are 7004, as in one VM", () => {
  it("reports an actor awaiting itself with one VM's message and trace", () => {
    const r = sameEverywhere("self.nc", `actor A {\n  func f() { return await a.f() }\n}\nlet a = spawn A()\nprint(await a.f())\n`);
    expect(r).toEqual({ code: 1, stdout: "", stderr: "error[7004]: deadlock: 2 task(s) wait and nothing can wake them\n  at <main> (self.nc:5:7)\n" });
  });

  it("counts the fibers blocked in every VM, and lets a caught deadlock go on", () => {
    const three = sameEverywhere(
      "three.nc",
      `actor A {\n  func f() { print("f"); return await a.f() }\n}\nlet a = spawn A()\nfunc t() { return await a.f() }\nprint(await spawn t())\n`,
    );
    expect(three.stderr).toBe("error[7004]: deadlock: 3 task(s) wait and nothing can wake them\n  at <main> (three.nc:6:7)\n");
    const caught = sameEverywhere(
      "caught.nc",
      `actor A {\n  func f() { return await a.f() }\n}\nlet a = spawn A()\ntry { print(await a.f()) } catch e { print("caught", e.code, e.message) }\nprint(await a.f())\n`,
    );
    expect(caught.stdout).toBe("caught 7004 deadlock: 2 task(s) wait and nothing can wake them\n");
    expect(caught.code).toBe(1);
  });

  it("breaks a deadlock on a worker after main ended: the handler fails and its actor restarts, as in one VM", () => {
    const r = sameEverywhere("restarts.nc", `actor A {\n  func f() { print("f"); return await a.f() }\n}\nlet a = spawn A()\na.f()\nprint("main")\n`);
    // each deadlock fails the handler's await; past three restarts the actor stops
    expect(r).toEqual({ code: 0, stdout: "main\nf\nf\nf\nf\n", stderr: "" });
  });

  it("takes no slow work for a deadlock: a long task, a pending sleep, a chain of calls across workers", () => {
    const r = sameEverywhere(
      "slow.nc",
      `func spin(n) { var s = 0; for i in 0..n { s += i }; return s }
func nap() { await sleep(300); return "rested" }
actor B { func slow() { await sleep(200); return "b" } }
actor A { func ask(b) { return await b.slow() } }
let b = spawn B()
let a = spawn A()
print(await spawn spin(2000000))
print(await spawn nap())
print(await a.ask(b))
func late() { await sleep(300); print("late") }
spawn late()
print("main")
`,
    );
    expect(r).toEqual({ code: 0, stdout: "1999999000000\nrested\nb\nmain\nlate\n", stderr: "" });
  });
});

describe("globals on the workers", () => {
  it("lets a handler read the program's globals as they are when the message is sent", () => {
    const r = sameEverywhere(
      "globals.nc",
      `actor A {
  func f() { return [g, a == nil] }
}
let a = spawn A()
let g = 21
print(await a.f())
`,
    );
    expect(r.stdout).toBe("[21, false]\n");
  });

  it("runs work that assigns a global in the program's VM, where the program sees what it did", () => {
    const r = sameEverywhere(
      "writes.nc",
      `var count = 0
func bump(n) { count += n; return count }
actor Tally { func add(n) { count += n; return count } }
let t = spawn Tally()
print(await spawn bump(1), await t.add(2), count)
`,
    );
    expect(r.stdout).toBe("1 3 3\n");
    // that actor stays in the VM: work that calls it, whose copy of the globals could not hold it, stays too
    const calls = sameEverywhere(
      "calls-local.nc",
      `var count = 0
actor Tally { func add(n) { count += n; return count } }
let t = spawn Tally()
func work(n) { return await t.add(n) }
actor W { func go(n) { return await t.add(n) } }
let w = spawn W()
print(await spawn work(1), await w.go(2), count)
`,
    );
    expect(calls.stdout).toBe("1 3 3\n");
  });
});

describe("long timers", () => {
  it("waits for timeouts and sleeps past 2^31 ms without Node's TimeoutOverflowWarning", () => {
    const r = sameEverywhere(
      "timers.nc",
      `func slow(n) { await sleep(30); return n }
func outer(n) { return await timeout(spawn slow(n), 1e10) }
actor A { func f(n) { return await timeout(spawn slow(n), 1e10) } }
let a = spawn A()
func forever() { await sleep(1e10) }
try { await timeout(spawn forever(), 50) } catch e { print(e.code) }
print(await all([spawn outer(1), a.f(2), timeout(spawn slow(3), 1e10)]))
`,
    );
    expect(r).toEqual({ code: 0, stdout: "7002\n[1, 2, 3]\n", stderr: "" });
  });
});

describe("through the library", () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await startPool(2);
  });
  afterAll(() => pool.close());

  const outputOf = async (source: string, withPool: boolean) => {
    let out = "";
    const vm = await VM.create({ stdout: (t) => (out += t), stderr: (t) => (out += `! ${t}`) });
    if (withPool) pool.attach(vm, { tasks: true });
    const r = await vm.runAsync(moduleOf(source));
    return { out, ok: r.ok, error: r.ok ? undefined : r.error.code };
  };

  it("resolves runAsync once the work on the workers has ended", async () => {
    const source = `func w(n) { await sleep(100 * n); print("task", n); return n }\nspawn w(1)\nspawn w(2)\nprint("main")\n`;
    const alone = await outputOf(source, false);
    expect(alone).toEqual({ out: "main\ntask 1\ntask 2\n", ok: true, error: undefined });
    expect(await outputOf(source, true)).toEqual(alone);
  });

  it("fails runAsync with 7004 when the program deadlocks across the workers", async () => {
    const source = `actor A {\n  func f() { return await a.f() }\n}\nlet a = spawn A()\nprint(await a.f())\n`;
    expect(await outputOf(source, true)).toEqual(await outputOf(source, false));
    expect((await outputOf(source, true)).error).toBe(7004);
  });

  it("keeps work that assigns globals off the workers, and sends the rest", async () => {
    const placed = async () => (await pool.workerStats()).reduce((n, s) => n + s.actors + s.tasksRun, 0);
    const before = await placed();
    expect((await outputOf(`var n = 0\nactor T { func add(k) { n += k } }\nlet t = spawn T()\nawait t.add(1)\nprint(n)\n`, true)).out).toBe("1\n");
    expect(await placed()).toBe(before);
    expect((await outputOf(`actor T { func add(k) { return k + 1 } }\nlet t = spawn T()\nprint(await t.add(1))\n`, true)).out).toBe("2\n");
    expect(await placed()).toBe(before + 1);
  });
});
