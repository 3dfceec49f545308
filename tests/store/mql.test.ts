// MQL: SELECT over objects with the mathematical functions computed on the stored values, results
// as maps of Noodle values, and only a single SELECT over objects accepted (8005, 8006).
import { beforeAll, describe, expect, it } from "vitest";
import { MemoryLog, prepareStorage, Store, type StoredValue } from "../../src/store/index.js";
import { codeOf } from "./error-code.js";

let s: Store;

function matrix(rows: number[][], dtype: "f64" | "f32" = "f64"): StoredValue {
  const r = rows.length,
    c = rows[0]?.length ?? 0;
  const data = dtype === "f64" ? new Float64Array(r * c) : new Float32Array(r * c);
  rows.forEach((row, i) => data.set(row, i * c));
  return { kind: "matrix", shape: [r, c], dtype, data };
}

beforeAll(async () => {
  const env = await prepareStorage();
  s = Store.open(new MemoryLog(), env.sqlite, env.kernels);
  s.put(
    "A",
    matrix([
      [1, 2],
      [3, 4],
    ]),
    new Map<StoredValue, StoredValue>([
      ["tag", "demo"],
      ["run", 1],
    ]),
  );
  s.put(
    "B",
    matrix([
      [2, 0],
      [0, 5],
    ]),
    new Map<StoredValue, StoredValue>([
      ["tag", "demo"],
      ["run", 2],
    ]),
  );
  s.put("C", matrix([[1, 2, 3]]));
  s.put(
    "F",
    matrix(
      [
        [4, 1],
        [1, 3],
      ],
      "f32",
    ),
  );
  s.put("T", { kind: "tensor", shape: [2, 2, 2], dtype: "f64", data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]) });
  s.put("n", 7);
  s.put("text", "hello");
});

const q = (sql: string, params: StoredValue[] = []) => s.query(sql, params);

describe("queries", () => {
  it("order square matrices by determinant with a parameter", () => {
    const rows = q("SELECT key, det(value) AS d FROM objects WHERE type = 'matrix' AND rows = cols ORDER BY d DESC LIMIT ?", [2]);
    expect(rows.map((r) => [r.get("key"), r.get("d")])).toEqual([
      ["F", 11],
      ["B", 10],
    ]);
  });

  it("compute trace, norm, sum, mean and elem on the stored values", () => {
    const [r] = q("SELECT trace(value) AS t, norm(value) AS n, sum(value) AS s, mean(value) AS m, elem(value, 1, 0) AS e FROM objects WHERE key = 'A'");
    expect(r.get("t")).toBe(5);
    expect(r.get("n")).toBeCloseTo(Math.sqrt(30), 12);
    expect(r.get("s")).toBe(10);
    expect(r.get("m")).toBe(2.5);
    expect(r.get("e")).toBe(3);
    expect(q("SELECT sum(value) AS s FROM objects WHERE key = 'T'")[0].get("s")).toBe(36);
    expect(q("SELECT elem(value, 5, 5) AS e FROM objects WHERE key = 'A'")[0].get("e")).toBeNull();
  });

  it("compute std, var, amin, amax, argmin and argmax of all elements, as the builtins do", () => {
    const [r] = q(
      "SELECT std(value) AS sd, var(value) AS v, amin(value) AS lo, amax(value) AS hi, argmin(value) AS at_lo, argmax(value) AS at_hi FROM objects WHERE key = 'A'",
    );
    expect([r.get("sd"), r.get("v"), r.get("lo"), r.get("hi"), r.get("at_lo"), r.get("at_hi")]).toEqual([Math.sqrt(1.25), 1.25, 1, 4, 0, 3]);
    const rows = q("SELECT key, argmax(value) AS at FROM objects WHERE type IN ('matrix', 'tensor') AND amax(value) >= 5 ORDER BY var(value) DESC");
    expect(rows.map((row) => [row.get("key"), row.get("at")])).toEqual([
      ["T", 7],
      ["B", 3],
    ]);
    expect(q("SELECT std(value) AS sd FROM objects WHERE key = 'F'")[0].get("sd")).toBeCloseTo(Math.sqrt(1.6875), 12);
  });

  it("compute the rank of stored matrices through the core's SVD", () => {
    s.put(
      "R",
      matrix([
        [1, 2],
        [2, 4],
      ]),
    );
    try {
      const rows = q("SELECT key, rank(value) AS r FROM objects WHERE key IN ('A', 'R') ORDER BY key");
      expect(rows.map((row) => [row.get("key"), row.get("r")])).toEqual([
        ["A", 2],
        ["R", 1],
      ]);
    } finally {
      s.delete("R");
    }
  });

  it("keep a reduction's error code: amin of an empty matrix is 3011", () => {
    s.put("E", matrix([[]]));
    try {
      expect(codeOf(() => q("SELECT amin(value) AS m FROM objects WHERE key = 'E'"))).toBe(3011);
    } finally {
      s.delete("E");
    }
  });

  it("read metadata fields and return values and metadata as Noodle values", () => {
    const rows = q("SELECT key, value, meta, meta(meta, 'run') AS run FROM objects WHERE meta(meta, 'tag') = 'demo' ORDER BY key");
    expect(rows.map((r) => r.get("key"))).toEqual(["A", "B"]);
    expect(rows[0].get("value")).toEqual(
      matrix([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(rows[1].get("meta")).toEqual(
      new Map<StoredValue, StoredValue>([
        ["run", 2],
        ["tag", "demo"],
      ]),
    );
    expect(rows[1].get("run")).toBe(2);
  });

  it("expose type, dtype and shape columns", () => {
    const rows = q("SELECT key, type, dtype, rows, cols, shape FROM objects ORDER BY key");
    const byKey = new Map(rows.map((r) => [r.get("key"), [r.get("type"), r.get("dtype"), r.get("rows"), r.get("cols"), r.get("shape")]]));
    expect(byKey.get("C")).toEqual(["matrix", "f64", 1, 3, "[1,3]"]);
    expect(byKey.get("F")).toEqual(["matrix", "f32", 2, 2, "[2,2]"]);
    expect(byKey.get("T")).toEqual(["tensor", "f64", null, null, "[2,2,2]"]);
    expect(byKey.get("n")).toEqual(["number", null, null, null, null]);
    expect(byKey.get("text")).toEqual(["string", null, null, null, null]);
  });

  it("pass a kernel's error on: det of a non-square matrix is 5002", () => {
    expect(codeOf(() => q("SELECT det(value) FROM objects WHERE key = 'C'"))).toBe(5002);
  });

  it("accept a trailing semicolon and comments", () => {
    expect(q("-- the demo runs\nSELECT count(*) AS n FROM objects /* all */ ;")[0].get("n")).toBe(7);
  });
});

describe("refusals", () => {
  it("anything but one SELECT is 8006", () => {
    for (const sql of [
      "DELETE FROM objects",
      "UPDATE objects SET key = 'x'",
      "DROP TABLE objects",
      "SELECT 1; DELETE FROM objects",
      "",
      "PRAGMA table_info(objects)",
      "ATTACH 'x.db' AS x",
      "WITH t AS (SELECT 1) SELECT * FROM t",
    ]) {
      expect(
        codeOf(() => q(sql)),
        sql,
      ).toBe(8006);
    }
    expect(s.keys().length).toBe(7);
  });

  it("SQLite's own tables and table functions are out of reach (8006)", () => {
    expect(codeOf(() => q("SELECT * FROM sqlite_master"))).toBe(8006);
    expect(codeOf(() => q("SELECT * FROM pragma_table_info('objects')"))).toBe(8006);
    expect(codeOf(() => q('SELECT * FROM "SQLITE_SCHEMA"'))).toBe(8006);
  });

  it("syntax and name errors are 8005 with a line:column position", () => {
    const message = (sql: string): string => {
      try {
        q(sql);
      } catch (e) {
        expect((e as { code: number }).code).toBe(8005);
        return (e as Error).message;
      }
      throw new Error("no error");
    };
    expect(message("SELECT key FROM objects WHERE")).toMatch(/^MQL error at 1:30: incomplete input/);
    expect(message("SELECT key,\n  nosuch FROM objects")).toMatch(/^MQL error at 2:3: no such column: nosuch/);
    expect(message("SELECT 'unterminated FROM objects")).toMatch(/^MQL error at 1:8: unterminated string/);
    expect(message("SELECT key FROM objects WHERE key = ?")).toMatch(/^MQL error at 1:37: the query takes 1 parameter\(s\), 0 given/);
  });
});
