// Permissions and arguments travel with the program to a pool's workers and hold there: tasks,
// actors and pmap on workers read what the program may read, no more, see the same sys.args,
// and sys.exit there ends the run with its code, as in one VM.
import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile, type PermissionOptions, type Pool, VM } from "../../src/node/main.js";
import { startPool } from "../concurrency/pool-helpers.js";
import { cli } from "../helpers.js";

const dir = realpathSync(mkdtempSync(join(tmpdir(), "noodle-caps-workers-")));
const other = realpathSync(mkdtempSync(join(tmpdir(), "noodle-caps-away-")));
writeFileSync(join(dir, "near.txt"), "near");
writeFileSync(join(other, "far.txt"), "far");
const q = (path: string): string => JSON.stringify(path);

const reader = `import "std/fs" as fs
import "std/sys" as sys
func readIt(p) {
  try { return fs.read(p) } catch e { return e.code }
}
actor Reader {
  func read(p) { return readIt(p) }
}
func argsHere(x) { return sys.args }
`;

describe("with --workers", () => {
  it("tasks, actors and pmap on workers keep the program's permissions and arguments", () => {
    const program = join(dir, "workers.nc");
    writeFileSync(
      program,
      `${reader}
let near = ${q(join(dir, "near.txt"))}
let far = ${q(join(other, "far.txt"))}
print(await all([spawn readIt(near), spawn readIt(far)]))
let r = spawn Reader()
print(await r.read(near), await r.read(far))
print(pmap([near, far, near, far], readIt))
print(await spawn argsHere(0))`,
    );
    const denied = cli(["run", "--workers", "2", program, "a1"]);
    expect(denied.stderr).toBe("");
    expect(denied.stdout).toBe(`["near", 6001]\nnear 6001\n["near", 6001, "near", 6001]\n["a1"]\n`);
    const allowed = cli(["run", "--workers", "2", "--allow-read", other, program]);
    expect(allowed.stdout).toBe(`["near", "far"]\nnear far\n["near", "far", "near", "far"]\n[]\n`);
    // the same in one VM
    expect(cli(["run", program, "a1"]).stdout).toBe(denied.stdout);
  });

  it("sys.exit in a task on a worker ends the run with its code", () => {
    const program = join(dir, "exit-worker.nc");
    writeFileSync(
      program,
      `import "std/sys" as sys
func quit(code) { sys.exit(code) }
print("before")
try { await spawn quit(9) } catch e { print("caught", e.code) }
print("after")`,
    );
    expect(cli(["run", "--workers", "2", program])).toEqual({ code: 9, stdout: "before\n", stderr: "" });
    // not awaited: the exit still ends the main program's long loop (which would take seconds)
    const unawaited = join(dir, "exit-unawaited.nc");
    writeFileSync(
      unawaited,
      `import "std/sys" as sys
func quit(code) { sys.exit(code) }
print("before")
spawn quit(8)
var i = 0
while i < 300000000 { i += 1 }
print("after")`,
    );
    expect(cli(["run", "--workers", "2", unawaited])).toEqual({ code: 8, stdout: "before\n", stderr: "" });
    // and from an actor's handler on a worker
    const actor = join(dir, "exit-actor.nc");
    writeFileSync(
      actor,
      `import "std/sys" as sys
actor A {
  func quit(c) { sys.exit(c) }
  func ping() { return "pong" }
}
let a = spawn A()
print(await a.ping())
a.quit(4)
var i = 0
while i < 300000000 { i += 1 }
print("after")`,
    );
    expect(cli(["run", "--workers", "2", actor])).toEqual({ code: 4, stdout: "pong\n", stderr: "" });
  });
});

describe("the library's pool attached with tasks", () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await startPool(2);
  });
  afterAll(async () => {
    await pool.close();
  });

  async function printed(permissions: PermissionOptions | undefined): Promise<string> {
    const c = compile(`${reader}
print(await all([spawn readIt(${q(join(dir, "near.txt"))}), spawn readIt(${q(join(other, "far.txt"))})]))`);
    let out = "";
    const vm = await VM.create({ permissions, stdout: (t) => (out += t) });
    pool.attach(vm, { tasks: true });
    const r = await vm.runAsync(c.module!);
    if (!r.ok) throw r.error;
    return out;
  }

  it("enforces the VM's permissions on the workers", async () => {
    expect(await printed(undefined)).toBe(`[6001, 6001]\n`);
    expect(await printed({ read: [dir] })).toBe(`["near", 6001]\n`);
    expect(await printed({ all: true })).toBe(`["near", "far"]\n`);
  });
});
