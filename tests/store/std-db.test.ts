// std/db from Noodle programs: the spec's example, errors with their codes, transactions and
// savepoints, values that come back as the program's own types, and data kept between runs.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FileLog } from "../../src/node/file-log.js";
import { prepareStorage, type StorageEnvironment } from "../../src/store/index.js";
import { runSource } from "../helpers.js";

let storage: StorageEnvironment;
beforeAll(async () => {
  storage = await prepareStorage((path) => FileLog.open(path));
});

const dir = mkdtempSync(join(tmpdir(), "noodle-stddb-"));
const file = (name: string): string => JSON.stringify(join(dir, name));

async function output(source: string): Promise<string> {
  const r = await runSource(`import "std/db" as db\n${source}`, { storage, permissions: { write: [dir] } });
  if (!r.ok) throw new Error(r.error?.render() ?? r.diagnostics?.map((d) => d.message).join("\n"));
  return r.output;
}

describe("std/db", () => {
  it("runs the spec's example", async () => {
    const out = await output(`
      let s = db.open(${file("spec.db")})
      s.put("A", [1, 2; 3, 4], {"tag": "demo"})
      s.put("B", [3, 0; 0, 3])
      print(s.get("A"))
      print(s.has("A"), s.keys("A"))
      s.transaction(() => { s.put("x", 1); s.put("y", 2) })
      print(s.query("SELECT key, det(value) AS d FROM objects WHERE type = 'matrix' AND rows = cols ORDER BY d DESC LIMIT ?", [3]))
      print(s.delete("A"), s.has("A"))
      s.close()
    `);
    expect(out).toBe(`[1, 2; 3, 4]\ntrue ["A"]\n[{"key": "B", "d": 9}, {"key": "A", "d": -2}]\ntrue false\n`);
  });

  it("keeps values between runs, with the program's own struct type", async () => {
    const path = file("runs.db");
    await output(`
      struct Point { x, y }
      let s = db.open(${path})
      s.put("p", Point { x: 1, y: 2 })
      s.put("m", f32([1, 2; 3, 4]))
      s.close()
    `);
    const out = await output(`
      struct Point { x, y }
      let s = db.open(${path})
      let p = s.get("p")
      print(p, p == Point { x: 1, y: 2 }, type(p))
      print(s.get("m"), s.get("m") * [1; 1])
    `);
    expect(out).toBe(`Point { x: 1, y: 2 } true struct\nf32[1, 2; 3, 4] [3; 7]\n`);
  });

  it("raises catchable errors with storage codes", async () => {
    const out = await output(`
      let s = db.open()
      try { s.get("nothing") } catch e { print(e.code, e.message) }
      try { s.put("f", print) } catch e { print(e.code) }
      try { s.query("DROP TABLE objects") } catch e { print(e.code) }
      try { s.query("SELECT nope FROM objects") } catch e { print(e.code, e.message) }
      try { s.put(1, 2) } catch e { print(e.code) }
      s.close()
      try { s.get("x") } catch e { print(e.code) }
    `);
    expect(out).toBe(`8001 no value is stored under key "nothing"\n8007\n8006\n8005 MQL error at 1:8: no such column: nope\n3011\n8002\n`);
  });

  it("rolls a transaction back when it throws, and nests savepoints", async () => {
    const path = file("tx.db");
    const out = await output(`
      let s = db.open(${path})
      s.put("n", 1)
      try {
        s.transaction(() => { s.put("n", 2); s.put("gone", true); throw error(4242, "no") })
      } catch e { print(e.code, s.get("n"), s.has("gone")) }
      let r = s.transaction(() => {
        s.put("a", 1)
        try { s.transaction(() => { s.put("b", 2); throw error(1, "inner") }) } catch e { }
        s.transaction(() => { s.put("c", 3) })
        return "done"
      })
      print(r, s.keys())
      s.close()
    `);
    expect(out).toBe(`4242 1 false\ndone ["a", "c", "n"]\n`);
    const again = await output(`let s = db.open(${path})\nprint(s.keys(), s.get("n"))`);
    expect(again).toBe(`["a", "c", "n"] 1\n`);
  });

  it("is invisible to programs that do not import it", async () => {
    const r = await runSource(`print(__db_open(nil))`);
    expect(r.diagnostics?.[0]?.code).toBe(2002);
  });
});

describe("std/db with tasks", () => {
  it("two tasks of 1000 read-modify-write transactions on one key end at 2000", async () => {
    const out = await output(`
      let s = db.open(${file("tasks.db")})
      s.put("k", 0)
      func nothing() { return nil }
      func bump(n) {
        for i in 0..n {
          s.transaction(() => {
            let v = s.get("k")
            await spawn nothing()       // the other task runs here, inside this transaction
            s.put("k", v + 1)
          })
        }
        return n
      }
      print(await all([spawn bump(1000), spawn bump(1000)]), s.get("k"))
      s.close()
    `);
    expect(out).toBe("[1000, 1000] 2000\n");
  });

  it("a task waiting for another's transaction sees only committed values", async () => {
    const out = await output(`
      let s = db.open()
      s.put("x", 1)
      func reader() { return s.get("x") }
      func nothing() { return nil }
      let r = s.transaction(() => {
        s.put("x", 2)
        let r = spawn reader()          // runs while this transaction is open
        await spawn nothing()
        await spawn nothing()
        s.put("x", 3)
        return r
      })
      print(await r)
    `);
    expect(out).toBe("3\n");
  });
});
