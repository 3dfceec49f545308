// `noodle db ls|get|query` on a store a program wrote, through the real command.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers.js";

let dir: string;
let store: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "noodle-cli-db-"));
  store = join(dir, "results.db");
  const program = join(dir, "fill.nc");
  writeFileSync(
    program,
    `import "std/db" as db
let s = db.open(${JSON.stringify(store)})
s.put("A", [1, 2; 3, 4], {"tag": "demo"})
s.put("B", f32([2, 0; 0, 5]))
s.put("label", "first run")
s.put("T", tensor([2, 1, 2], 1))
print("stored", len(s.keys()))
s.close()
`,
  );
  const r = cli(["run", "--allow-write", dir, program]);
  expect([r.stdout, r.stderr]).toEqual(["stored 4\n", ""]);
});

describe("noodle db", () => {
  it("ls lists keys with type, dtype, shape and size", () => {
    const r = cli(["db", "ls", store]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0].split(/\s+/)).toEqual(["key", "type", "dtype", "shape", "bytes", "updated"]);
    expect(lines.slice(2).map((l) => l.split(/\s+/).slice(0, l.includes("string") ? 3 : 4))).toEqual([
      ["A", "matrix", "f64", "2x2"],
      ["B", "matrix", "f32", "2x2"],
      ["T", "tensor", "f64", "2x1x2"],
      ["label", "string", "14"],
    ]);
  });

  it("get prints a value as Noodle prints it", () => {
    expect(cli(["db", "get", store, "B"]).stdout).toBe("f32[2, 0; 0, 5]\n");
    expect(cli(["db", "get", store, "label"]).stdout).toBe("first run\n");
  });

  it("query shows rows as a table", () => {
    const r = cli(["db", "query", store, "SELECT key, det(value) AS d, meta(meta, 'tag') AS tag FROM objects WHERE rows = cols ORDER BY d"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("key  d   tag\n---  --  ----\nA    -2  demo\nB    10  nil\n(2 rows)\n");
  });

  it("reports storage errors with their codes and exits 1", () => {
    const missing = cli(["db", "get", store, "nope"]);
    expect([missing.code, missing.stderr]).toEqual([1, 'error[8001]: no value is stored under key "nope"\n']);
    const bad = cli(["db", "query", store, "DELETE FROM objects"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error\[8006\]/);
    const foreign = join(dir, "foreign.db");
    writeFileSync(foreign, "not a store");
    const f = cli(["db", "ls", foreign]);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain(`error[8004]: corrupt data: ${foreign}: not a Noodle store`);
  });

  it("never creates a store that is not there, and checks its arguments", () => {
    const absent = join(dir, "absent.db");
    expect(cli(["db", "ls", absent]).code).toBe(64);
    expect(existsSync(absent)).toBe(false);
    expect(cli(["db", "get", store]).code).toBe(64);
    expect(cli(["db", "drop", store]).code).toBe(64);
  });
});
