// A program's stores from its tasks and actors on a pool's workers: a store held in a global,
// passed as an argument or returned, and one opened on a worker, all give what one VM gives,
// transactions and their rollback included; the calls run on the program's own store (its VM
// owns it), under its permissions; a worker that dies in a transaction leaves nothing of it.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeValue, encodeValue, WIRE } from "../../src/codec/value-codec.js";
import { compile, type NbcModule, type Pool, VM } from "../../src/index.js";
import { FileLog } from "../../src/node/file-log.js";
import { STORE_HANDLE, storeRef } from "../../src/runtime/values.js";
import { storesOf } from "../../src/store/db-host.js";
import { installStorage, openStore, prepareStorage, type StorageEnvironment } from "../../src/store/index.js";
import { startPool } from "../concurrency/pool-helpers.js";
import { cli, scratchFolder } from "../helpers.js";

const scratch = scratchFolder("noodle-stores-workers-");
const path = (name: string): string => JSON.stringify(join(scratch.dir, name));

/** Tasks and actors on a store held in a global, passed and returned, and opened on a worker. */
const SHARED = (file: (name: string) => string) => `import "std/db" as db
let s = db.open(${file("shared.db")})
s.put("n", 0)
func inc(k) {
  for i in 0..40 {
    s.transaction(() => {
      let v = s.get("n")
      await sleep(0)
      s.put("n", v + 1)
    })
  }
  return k
}
actor Keeper {
  var mine = nil
  func open() { mine = db.open(); mine.put("x", 1); return mine.keys() }
  func add(k) { s.put(k, [1, 2; 3, 4]); return s.get(k) }
  func give() { return mine }
  func bad() { s.transaction(() => { s.put("bad", 1); throw "no" }) }
}
print(await all([spawn inc(1), spawn inc(2), spawn inc(3)]))
print(s.get("n"))
let a = spawn Keeper()
print(await a.open())
print(await a.add("k1"))
let m = await a.give()
m.put("y", 2)
print(m.keys())
try { await a.bad() } catch e { print(e.code, e.message) }
print(s.has("bad"))
func viaArgument(st, k) { st.put(k, 7); return st.get(k) }
print(await spawn viaArgument(s, "arg"))
func opener() { let t = db.open(${file("opened.db")}); t.put("z", {"deep": [1]}); return t }
let t = await spawn opener()
print(t.get("z"), t.path)
func sameStore(x) { return x == s }
func echo(x) { return x }
print(await spawn sameStore(s), (await spawn echo(t)) == t)
func notStorable() { s.put("f", opener) }
try { await spawn notStorable() } catch e { print(e.code, e.message) }
func selfish() { s.put("self", [s]) }
try { await spawn selfish() } catch e { print(e.code, e.message) }
func missing() { return s.get("missing") }
try { await spawn missing() } catch e { print(e.code, e.message) }
print(s.keys(), s.query("SELECT key FROM objects WHERE type = 'matrix'"))
s.close()
func closed() { return s.keys() }
try { await spawn closed() } catch e { print(e.code) }
`;

const SHARED_OUTPUT = (dir: string) => `[1, 2, 3]
120
["x"]
[1, 2; 3, 4]
["x", "y"]
3006 no
false
7
{"deep": [1]} ${join(dir, "opened.db")}
true true
8007 cannot store the value: functions cannot be stored
8007 cannot store the value: functions cannot be stored
8001 no value is stored under key "missing"
["arg", "k1", "n"] [{"key": "k1"}]
8002
`;

describe("a store in the wire codec", () => {
  it("crosses as a reference to its handle, and is refused by storage (8007) and by the storage decoder (8004)", () => {
    const bytes = encodeValue([storeRef(3, "a.db")], WIRE);
    const [back] = decodeValue(bytes, WIRE) as Record<string | symbol, unknown>[];
    expect([back[STORE_HANDLE], back.path]).toEqual([3, "a.db"]);
    expect(() => encodeValue(storeRef(3, null))).toThrow("functions cannot be stored");
    expect(() => decodeValue(bytes)).toThrow(/unknown tag 12/);
  });
});

describe("the program's stores, called from workers", () => {
  it("roll back what a lost worker's transaction wrote, refuse its waiting calls, and let the others go on", async () => {
    const vm = await VM.create();
    installStorage(vm, await prepareStorage());
    const stores = storesOf(vm)!;
    const h = stores.call(1, "open", [null], false) as number;
    stores.call(1, "put", [h, "kept", 1], false);
    stores.call("worker 3/17", "begin", [h], false);
    stores.call("worker 3/17", "put", [h, "lost", 2], false);
    // another worker's task and the program's own wait for the transaction to end
    const waitingHere = stores.call(1, "keys", [h], false) as Promise<string[]>;
    const waitingLost = stores.call("worker 3/18", "get", [h, "kept"], false) as Promise<unknown>;
    const waitingOther = stores.call("worker 4/17", "has", [h, "lost"], false) as Promise<boolean>;
    stores.workerLost("worker 3");
    expect(await waitingHere).toEqual(["kept"]);
    expect(await waitingOther).toBe(false);
    await expect(waitingLost).rejects.toMatchObject({ code: 7001 });
    // the replacement worker's callers are others
    expect(stores.call("worker 5/17", "get", [h, "kept"], false)).toBe(1);
  });
});

describe("stores from tasks and actors with noodle run --workers", () => {
  it("gives one VM's output for a store in a global, as an argument, returned, and opened on a worker", { timeout: 60_000 }, () => {
    const outputs = [[], ["--workers", "1"], ["--workers", "2"], ["--workers", "4"]].map((workers, i) => {
      const program = scratch.file(
        `shared${i}.nc`,
        SHARED((name) => path(`${i}-${name}`)),
      );
      const r = cli(["run", "--allow-write", scratch.dir, ...workers, program]);
      return { ...r, stdout: r.stdout.replaceAll(`${i}-`, "") };
    });
    expect(outputs[0]).toEqual({ code: 0, stdout: SHARED_OUTPUT(scratch.dir), stderr: "" });
    for (const pooled of outputs.slice(1)) expect(pooled).toEqual(outputs[0]);
  });

  it("maps with pmap in the VM when the function may use a store, on the workers otherwise", () => {
    const program = scratch.file(
      "pmap.nc",
      `import "std/db" as db
let s = db.open()
s.put("k", 10)
var calls = 0
func viaGlobal(x) { calls += 1; return x + s.get("k") }
func opening(x) { calls += 1; let t = db.open(); t.put("a", x); return t.get("a") }
func viaItem(st) { calls += 1; return st.get("k") }
func pure(x) { calls += 1; return x * 2 }
print(pmap([1, 2, 3], viaGlobal), pmap([1, 2], opening), pmap([s, s], viaItem), calls)
print(pmap([1, 2, 3], pure), calls)
`,
    );
    expect(cli(["run", program])).toEqual({ code: 0, stdout: "[11, 12, 13] [1, 2] [10, 10] 7\n[2, 4, 6] 10\n", stderr: "" });
    // a store's calls wait for the program, which pmap's replicas cannot: those maps ran here
    expect(cli(["run", "--workers", "2", program])).toEqual({ code: 0, stdout: "[11, 12, 13] [1, 2] [10, 10] 7\n[2, 4, 6] 7\n", stderr: "" });
  });

  it("opens a store on a worker only under the program's write roots (6001), as one VM", () => {
    const program = scratch.file(
      "outside.nc",
      `import "std/db" as db
func opener(p) { let t = db.open(p); return t.keys() }
try { await spawn opener("/noodle-nowhere/x.db") } catch e { print(e.code) }
print(await spawn opener(nil))
actor A { func open(p) { return db.open(p) } }
let a = spawn A()
await a.open("/noodle-nowhere/y.db")
`,
    );
    const alone = cli(["run", program]);
    expect(alone.code).toBe(1);
    expect(alone.stdout).toBe("6001\n[]\n");
    expect(alone.stderr).toMatch(/^error\[6001\]: writing '\/noodle-nowhere\/y.db' is not allowed/);
    expect(cli(["run", "--workers", "2", program])).toEqual(alone);
  });
});

describe("stores from tasks and actors with a pool attached", () => {
  let storage: StorageEnvironment;
  let pool: Pool;
  beforeAll(async () => {
    storage = await prepareStorage((p) => FileLog.open(p));
    pool = await startPool(2);
  });
  afterAll(() => pool.close());

  async function run(module: NbcModule, withPool: boolean, onOutput: (out: string) => void = () => {}): Promise<string> {
    let out = "";
    const vm = await VM.create({
      stdout: (text) => {
        out += text;
        onOutput(out);
      },
      permissions: { write: [scratch.dir] },
    });
    installStorage(vm, storage);
    if (withPool) pool.attach(vm, { tasks: true });
    const r = await vm.runAsync(module);
    if (!r.ok) throw r.error;
    return out;
  }

  const moduleOf = (source: string): NbcModule => {
    const c = compile(source, { file: "stores.nc" });
    if (!c.module) throw new Error(c.diagnostics.map((d) => d.message).join("\n"));
    return c.module;
  };

  it("runs the tasks and messages on the workers, with one VM's output", async () => {
    const before = await pool.workerStats();
    const alone = await run(moduleOf(SHARED((name) => path(`alone-${name}`))), false);
    const pooled = await run(moduleOf(SHARED((name) => path(`pooled-${name}`))), true);
    expect(alone.replaceAll("alone-", "")).toBe(SHARED_OUTPUT(scratch.dir));
    expect(pooled.replaceAll("pooled-", "")).toBe(SHARED_OUTPUT(scratch.dir));
    const after = await pool.workerStats();
    const count = (stats: typeof after, what: "tasksRun" | "messages") => stats.reduce((n, s) => n + s[what], 0);
    expect(count(after, "tasksRun") - count(before, "tasksRun")).toBe(11);
    expect(count(after, "messages") - count(before, "messages")).toBe(4);
  });

  it("rolls back the transaction of a task whose worker dies in it; the store goes on", async () => {
    const file = join(scratch.dir, "killed.db");
    const module = moduleOf(`import "std/db" as db
let s = db.open(${JSON.stringify(file)})
s.put("before", 1)
func hold() {
  s.transaction(() => {
    s.put("inside", [1, 2, 3])
    print("begun")
    await sleep(60000)
  })
}
try { await spawn hold() } catch e { print(e.code) }
print(s.has("inside"), s.keys())
s.transaction(() => { s.put("after", 2) })
print(s.keys())
s.close()
`);
    let killed = false;
    const out = await run(module, true, (text) => {
      if (killed || text !== "begun\n") return;
      killed = true;
      setTimeout(() => pool.killWorker(pool.load.findIndex((n) => n > 0)), 0);
    });
    expect(out).toBe(`begun\n7001\nfalse ["before"]\n["after", "before"]\n`);
    // what the dead task wrote is not in the file either
    const reopened = await openStore(storage, file);
    expect(reopened.keys()).toEqual(["after", "before"]);
    await reopened.close();
  });
});
