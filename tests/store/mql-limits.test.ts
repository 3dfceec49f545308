// MQL's bounds: WITH is refused wherever it appears (a recursive common table expression inside a
// subquery would otherwise run for ever), and under a memory limit a query whose sort or result
// would outgrow it ends with 4001 instead of growing SQLite's heap.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MemoryLog, prepareStorage, type StorageEnvironment, Store } from "../../src/store/index.js";
import { cli, runSource } from "../helpers.js";
import { codeOf } from "./error-code.js";

let env: StorageEnvironment;
let s: Store;
const ROWS = 3000;

beforeAll(async () => {
  env = await prepareStorage();
  s = Store.open(new MemoryLog(), env.sqlite, env.kernels);
  s.begin();
  for (let i = 0; i < ROWS; i++) s.put(`k${String(i).padStart(5, "0")}`, i, new Map([["width", i % 7]]));
  s.commit();
});

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

describe("WITH is refused", () => {
  it("at the start, in a subquery and in any case, with its position (8006)", () => {
    const loop = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c";
    expect(codeOf(() => s.query(loop))).toBe(8006);
    const inner = `SELECT key FROM objects WHERE key IN (\n  ${loop.toLowerCase()})`;
    expect(codeOf(() => s.query(inner))).toBe(8006);
    expect(messageOf(() => s.query(inner))).toBe("MQL takes one SELECT statement: with at 2:3: MQL takes no WITH clauses (common table expressions)");
    expect(codeOf(() => s.query("SELECT * FROM (With x AS (SELECT 1) SELECT * FROM x)"))).toBe(8006);
  });

  it("but a string 'with', a column named width and a quoted name \"with\" still work", () => {
    const rows = s.query("SELECT 'with' AS \"with\", meta(meta, 'width') AS width FROM objects WHERE key = 'k00009'");
    expect(rows.map((r) => [r.get("with"), r.get("width")])).toEqual([["with", 2]]);
  });
});

describe("SQLite's memory under a limit", () => {
  const LIMIT = 64 * 2 ** 20;
  // an ORDER BY over a cross join: nine million rows to sort, far beyond 64 MiB
  const HUGE_SORT = "SELECT count(*) AS n FROM (SELECT a.key || b.key AS k FROM objects a, objects b ORDER BY k)";

  it("a query whose sort outgrows the limit ends with 4001", () => {
    let error: { code?: number; message?: string } = {};
    try {
      s.query(HUGE_SORT, [], LIMIT);
    } catch (e) {
      error = e as typeof error;
    }
    expect([error.code, error.message]).toEqual([4001, `memory limit exceeded (${LIMIT} bytes): the query needs more`]);
    // the limit holds for that query only: the next one runs
    expect(s.query("SELECT count(*) AS n FROM objects", [], LIMIT)[0].get("n")).toBe(ROWS);
  });

  it("a result too large for the limit ends with 4001 before it is built", () => {
    const all = "SELECT a.key AS x, b.key AS y FROM objects a, objects b";
    expect(codeOf(() => s.query(all, [], 8 * 2 ** 20))).toBe(4001);
  });

  it("a program run with a memory limit gets 4001 from such a query", async () => {
    const r = await runSource(
      `import "std/db" as db
      let s = db.open(nil)
      s.transaction(() => { for i in 0..${ROWS} { s.put("k" + str(i), i) } })
      print(len(s.query("SELECT key FROM objects")))
      s.query("${HUGE_SORT}")`,
      { storage: env, maxMemory: LIMIT },
    );
    expect(r.output).toBe(`${ROWS}\n`);
    expect(r.error?.code).toBe(4001);
    expect(r.error?.message).toBe(`memory limit exceeded (${LIMIT} bytes): the query needs more`);
  });

  it("noodle run --max-memory 64m ends such a query with 4001", () => {
    const path = join(mkdtempSync(join(tmpdir(), "noodle-mql-")), "sort.nc");
    writeFileSync(
      path,
      `import "std/db" as db
let s = db.open(nil)
s.transaction(() => { for i in 0..${ROWS} { s.put("k" + str(i), i) } })
print(s.query("${HUGE_SORT}"))
`,
    );
    const r = cli(["run", "--max-memory", "64m", path]);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe(`error[4001]: memory limit exceeded (${LIMIT} bytes): the query needs more`);
  });
});
