// The pool's calls: results equal to one VM's, values of every kind across threads, errors
// with their codes and traces, modules sent to each worker once, tasks spread over the workers,
// and pmap.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Noodle, NoodleRuntimeError, type Pool, STRUCT_NAME } from "../../src/index.js";
import { moduleOf, startPool } from "./pool-helpers.js";

const SOURCE = `
let scale = 3
struct Point { x: number, y: number }
func f(x) { return x * scale + 1 }
func same(v) { return v }
func describe(v) { return type(v) + ":" + str(v) }
func grid(n) { return rand(n, n + 1, 7) * 2 }
func fail(x) { return helper(x) }
func helper(x) { return x / 0 }
func point(a) { return Point { x: a, y: -a } }
func spin(n) { var s = 0; for i in 0..n { s += i } return s }
`;

describe("a pool of two workers", () => {
  let pool: Pool;
  let session: Noodle;
  const module = moduleOf(SOURCE);

  beforeAll(async () => {
    pool = await startPool(2);
    session = await Noodle.create();
    session.eval(SOURCE, "pool.nc");
  });
  afterAll(() => pool?.close());

  it("gives the results one VM gives", async () => {
    const xs = Array.from({ length: 500 }, (_, i) => i - 250.5);
    const got = await Promise.all(xs.map((x) => pool.call(module, "f", [x])));
    expect(got).toEqual(xs.map((x) => session.call("f", x)));
    expect(await pool.call(module, "describe", [[1, "a", null]])).toBe(session.call("describe", [1, "a", null]));
  });

  it("carries values of every kind both ways", async () => {
    const values = [
      null,
      true,
      2.5,
      "noodle 🍜",
      [1, [2, [3]]],
      new Map<string | number, unknown>([
        ["a", 1],
        [2, "b"],
      ]),
      { kind: "matrix", shape: [2, 3], dtype: "f64", data: Float64Array.from([1, 2, 3, 4, 5, 6]) },
      { kind: "matrix", shape: [1, 2], dtype: "f32", data: Float32Array.from([0.5, -1]) },
      { kind: "tensor", shape: [2, 1, 2], dtype: "f64", data: Float64Array.from([1, 2, 3, 4]) },
      { kind: "error", code: 3006, message: "thrown" },
    ];
    for (const v of values) expect(await pool.call(module, "same", [v])).toEqual(v);
    const p = (await pool.call(module, "point", [4])) as Record<string | symbol, unknown>;
    expect(p[STRUCT_NAME]).toBe("Point");
    expect({ ...p }).toEqual({ x: 4, y: -4 });
    expect(await pool.call(module, "describe", [p])).toBe("struct:Point { x: 4, y: -4 }");
  });

  it("returns matrices with the bits one VM computes", async () => {
    const got = (await pool.call(module, "grid", [6])) as { shape: number[]; data: Float64Array };
    const want = session.call("grid", 6) as unknown as { shape: number[]; data: Float64Array };
    expect(got.shape).toEqual([6, 7]);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
  });

  it("reports a Noodle error with its code and trace", async () => {
    const e = await pool.call(module, "fail", [1]).catch((x) => x);
    expect(e).toBeInstanceOf(NoodleRuntimeError);
    expect(e.code).toBe(3001);
    expect(e.trace.map((f: { name: string }) => f.name)).toEqual(["helper", "fail"]);
    const missing = await pool.call(module, "nope", []).catch((x) => x);
    expect(missing.code).toBe(2002);
  });

  it("sends each module to each worker once", async () => {
    const other = moduleOf("func g(x) { return x - 1 }", "other.nc");
    const round = () => Promise.all(Array.from({ length: 2000 }, (_, i) => pool.call(i % 2 ? module : other, i % 2 ? "f" : "g", [i])));
    const results = await round();
    expect(results[3]).toBe(10);
    expect(results[4]).toBe(3);
    const first = await pool.workerStats();
    // both workers took tasks of both modules: each decoded each module once
    expect(first.map((s) => s.modulesLoaded)).toEqual([2, 2]);
    const sent = pool.modulesSent;
    await round();
    expect((await pool.workerStats()).map((s) => s.modulesLoaded)).toEqual([2, 2]);
    expect(pool.modulesSent).toEqual(sent);
  });

  it("maps a function over a list in parallel (pmap)", async () => {
    const xs = Array.from({ length: 101 }, (_, i) => i);
    expect(await pool.pmap(module, "f", xs)).toEqual(xs.map((x) => x * 3 + 1));
    expect(await pool.pmap(module, "f", [])).toEqual([]);
  });

  it("spreads a few tasks submitted together over the workers", async () => {
    const before = (await pool.workerStats()).map((s) => s.tasksRun);
    await Promise.all(Array.from({ length: 8 }, () => pool.call(module, "spin", [1000])));
    const after = (await pool.workerStats()).map((s) => s.tasksRun);
    expect(after.map((n, i) => n - before[i])).toEqual([4, 4]);
  });
});

describe("batches", () => {
  const module = moduleOf("var calls = 0\nfunc tick(x) { calls += 1\nreturn [x, calls] }");

  it("sends a full batch to every worker while the caller is still submitting, in the order of the calls", async () => {
    const pool = await startPool(2, { batch: 16 });
    try {
      const calls = Array.from({ length: 40 }, (_, i) => pool.call(module, "tick", [i]));
      // before the caller's task ends: a batch of 16 on each worker; the 8 left wait for more
      expect(pool.load).toEqual([16, 16]);
      const results = (await Promise.all(calls)) as [number, number][];
      expect(results.map(([x]) => x)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      // each worker's VM counts its own calls, in the order of its batches: 0-15 and 32-35 on
      // the first, 16-31 and 36-39 on the second (the 8 left are shared four and four)
      const count = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
      expect(results.map(([, n]) => n)).toEqual([...count(1, 16), ...count(1, 16), ...count(17, 4), ...count(17, 4)]);
    } finally {
      await pool.close();
    }
  });
});
