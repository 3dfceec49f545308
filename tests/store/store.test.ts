// The store on real files: values and metadata round-trip and survive reopening, transactions
// commit, roll back and nest, a torn last record is dropped, damage is 8004 naming the file, and
// concurrent async read-modify-write transactions are serializable.
import { appendFileSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FileLog } from "../../src/node/file-log.js";
import { HostError } from "../../src/runtime/host-calls.js";
import { STRUCT_NAME } from "../../src/runtime/values.js";
import { MemoryLog, prepareStorage, type StorageEnvironment, Store, type StoredValue } from "../../src/store/index.js";
import { codeOf } from "./error-code.js";

let env: StorageEnvironment;
beforeAll(async () => {
  env = await prepareStorage((path) => FileLog.open(path));
});

const dir = mkdtempSync(join(tmpdir(), "noodle-store-"));
let fileCount = 0;
const freshPath = (): string => join(dir, `s${fileCount++}.db`);
const open = (path: string, now?: () => number): Store => Store.open(FileLog.open(path), env.sqlite, env.kernels, now);

function matrix(rows: number, cols: number, f: (i: number, j: number) => number, dtype: "f64" | "f32" = "f64"): StoredValue {
  const data = dtype === "f64" ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = f(i, j);
  return { kind: "matrix", shape: [rows, cols], dtype, data };
}

function point(x: number, y: number): StoredValue {
  const o: Record<string, StoredValue> = { x, y };
  Object.defineProperty(o, STRUCT_NAME, { value: "Point", enumerable: false });
  return o;
}

const SAMPLES: [string, StoredValue][] = [
  ["nil", null],
  ["bool", true],
  ["number", -2.5],
  ["string", "héllo"],
  ["list", [1, "two", [3], null]],
  [
    "map",
    new Map<StoredValue, StoredValue>([
      ["a", 1],
      [2, "b"],
    ]),
  ],
  ["struct", point(1, 2)],
  ["matrix", matrix(3, 4, (i, j) => i * 4 + j)],
  ["f32 matrix", matrix(2, 2, (i, j) => i - j / 2, "f32")],
  ["tensor", { kind: "tensor", shape: [2, 2, 2], dtype: "f64", data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }],
  ["error", { kind: "error", code: 4242, message: "boom" }],
];

describe("values", () => {
  it("round-trip through a file and a reopen", () => {
    const path = freshPath();
    const s = open(path);
    for (const [k, v] of SAMPLES) s.put(k, v);
    const check = (t: Store) => {
      for (const [k, v] of SAMPLES) expect(t.get(k)).toEqual(v);
      expect(t.keys()).toEqual(SAMPLES.map(([k]) => k).sort());
    };
    check(s);
    s.close();
    const again = open(path);
    check(again);
    again.close();
  });

  it("keep metadata, creation and update times", () => {
    let clock = 1000;
    const path = freshPath();
    const s = open(path, () => clock);
    s.put("A", 1, new Map([["tag", "demo"]]));
    clock = 2000;
    s.put("A", 2);
    s.close();
    const t = open(path);
    expect(t.get("A")).toBe(2);
    const [row] = t.query("SELECT created, updated, meta FROM objects WHERE key = 'A'");
    expect(row.get("created")).toBe(1000);
    expect(row.get("updated")).toBe(2000);
    // metadata belongs to the put that stored it
    expect(row.get("meta")).toBeNull();
    t.put(
      "B",
      3,
      new Map<StoredValue, StoredValue>([
        ["tag", "x"],
        ["n", 4],
      ]),
    );
    expect(t.meta("B")).toEqual(
      new Map<StoredValue, StoredValue>([
        ["n", 4],
        ["tag", "x"],
      ]),
    );
    t.close();
  });

  it("has, delete and keys by prefix", () => {
    const s = Store.open(new MemoryLog(), env.sqlite, env.kernels);
    for (const k of ["run/1", "run/2", "other", "run/10"]) s.put(k, k.length);
    expect(s.keys("run/")).toEqual(["run/1", "run/10", "run/2"]);
    expect(s.has("other")).toBe(true);
    expect(s.delete("other")).toBe(true);
    expect(s.delete("other")).toBe(false);
    expect(s.has("other")).toBe(false);
    expect(codeOf(() => s.get("other"))).toBe(8001);
  });

  it("refuses functions with 8007 and closed stores with 8002", () => {
    const s = Store.open(new MemoryLog(), env.sqlite, env.kernels);
    expect(codeOf(() => s.put("f", { kind: "function", name: "f" } as StoredValue))).toBe(8007);
    expect(s.has("f")).toBe(false);
    s.close();
    expect(codeOf(() => s.get("f"))).toBe(8002);
  });
});

describe("transactions", () => {
  it("commit together and roll back together", async () => {
    const path = freshPath();
    const s = open(path);
    await s.transaction(() => {
      s.put("x", 1);
      s.put("y", 2);
    });
    await expect(
      s.transaction(() => {
        s.put("x", 100);
        s.put("z", 3);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect([s.get("x"), s.get("y"), s.has("z")]).toEqual([1, 2, false]);
    s.close();
    const t = open(path);
    expect([t.get("x"), t.get("y"), t.has("z")]).toEqual([1, 2, false]);
    t.close();
  });

  it("nest as savepoints: an inner rollback keeps the outer work", () => {
    const path = freshPath();
    const s = open(path);
    s.begin();
    s.put("outer", 1);
    s.begin();
    s.put("inner", 2);
    s.put("outer", 10);
    expect(s.get("outer")).toBe(10); // a transaction reads its own writes
    s.rollback();
    s.begin();
    s.put("kept", 3);
    s.commit();
    s.commit();
    s.close();
    const t = open(path);
    expect([t.get("outer"), t.has("inner"), t.get("kept")]).toEqual([1, false, 3]);
    t.close();
  });

  it("from concurrent async callers are serializable: 2 x 1000 increments make 2000", async () => {
    const s = open(freshPath());
    s.put("counter", 0);
    const tick = () => new Promise((r) => setImmediate(r));
    const loop = async () => {
      for (let i = 0; i < 1000; i++) {
        await s.transaction(async () => {
          const v = s.get("counter") as number;
          await tick(); // let the other loop run between the read and the write
          s.put("counter", v + 1);
        });
      }
    };
    await Promise.all([loop(), loop()]);
    expect(s.get("counter")).toBe(2000);
    s.close();
  });
});

describe("damage", () => {
  function storeWith(n: number): string {
    const path = freshPath();
    const s = open(path);
    for (let i = 0; i < n; i++)
      s.put(
        `k${i}`,
        matrix(8, 8, () => i),
      );
    s.close();
    return path;
  }

  it("a torn last record is dropped and the file cut back", () => {
    const path = storeWith(3);
    const whole = statSync(path).size;
    const s = open(path);
    s.put(
      "k3",
      matrix(8, 8, () => 3),
    );
    s.close();
    truncateSync(path, statSync(path).size - 100); // the last append stopped part way
    const t = open(path);
    expect(t.keys()).toEqual(["k0", "k1", "k2"]);
    t.close();
    expect(statSync(path).size).toBe(whole);
  });

  it("garbage after the last record is dropped", () => {
    const path = storeWith(2);
    appendFileSync(path, Buffer.from("NREC and some bytes of a record that never finished"));
    const t = open(path);
    expect(t.keys()).toEqual(["k0", "k1"]);
    t.close();
  });

  it("damage before the last record is 8004 naming the file", () => {
    const path = storeWith(3);
    const bytes = readFileSync(path);
    bytes[16 + 8] ^= 0xff; // the first record's header
    writeFileSync(path, bytes);
    let error: unknown;
    try {
      open(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).code).toBe(8004);
    expect((error as HostError).message).toContain(path);
  });

  it("a changed value fails its checksum with 8004 when read", () => {
    const path = storeWith(3);
    const bytes = readFileSync(path);
    const at = bytes.indexOf(Buffer.from([0x4e, 0x56, 0x01, 0x08])); // the first value's codec header
    bytes[at + 40] ^= 0x01;
    writeFileSync(path, bytes);
    const s = open(path);
    expect(codeOf(() => s.get("k0"))).toBe(8004);
    expect(s.get("k1")).toEqual(matrix(8, 8, () => 1));
    s.close();
  });

  it("a foreign file is 8004, never an empty store", () => {
    const path = freshPath();
    writeFileSync(path, "this is a text file, not a store\n");
    expect(codeOf(() => open(path))).toBe(8004);
    expect(readFileSync(path, "utf8")).toBe("this is a text file, not a store\n");
  });
});

describe("compaction", () => {
  it("keeps only current values and gives the space back", async () => {
    const path = freshPath();
    const s = open(path);
    for (let round = 0; round < 10; round++)
      for (let i = 0; i < 20; i++)
        s.put(
          `k${i}`,
          matrix(16, 16, () => round * 100 + i),
        );
    s.delete("k0");
    const before = statSync(path).size;
    await s.compact();
    const after = statSync(path).size;
    expect(after).toBeLessThan(before / 5);
    expect(s.get("k7")).toEqual(matrix(16, 16, () => 907));
    s.put("k20", 1);
    s.close();
    const t = open(path);
    expect(t.keys().length).toBe(20);
    expect(t.get("k19")).toEqual(matrix(16, 16, () => 919));
    expect(t.get("k20")).toBe(1);
    t.close();
  });
});

describe("one writer per file", () => {
  it("a second writer is refused with 8003 while the first has the store open; readers are not", async () => {
    const path = freshPath();
    const s = open(path);
    s.put("k", 1);
    const { openStore } = await import("../../src/store/index.js");
    let code: number | undefined;
    try {
      openStore(env, path);
    } catch (e) {
      code = (e as HostError).code;
    }
    expect(code).toBe(8003);
    const reader = Store.open(FileLog.open(path, { readOnly: true }), env.sqlite, env.kernels);
    expect(reader.get("k")).toBe(1);
    expect(codeOf(() => reader.put("k", 2))).toBe(8003);
    reader.close();
    s.close();
    const again = open(path); // the lock went with the close
    expect(again.get("k")).toBe(1);
    again.close();
  });

  it("a lock left by a process that is gone is taken over", () => {
    const path = freshPath();
    open(path).close();
    writeFileSync(`${path}.lock`, "999999"); // no such process
    const s = open(path);
    expect(s.keys()).toEqual([]);
    s.close();
  });
});
