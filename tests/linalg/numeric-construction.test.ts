// Construction builtins of spec 1.1 section 5: randn, linspace, diag, kron, hstack, vstack, on
// f64 and f32 matrices, against plain references, with their errors.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Nd, ndOf, put, readArray, session, shapeArb } from "./fixtures/nd.js";

function errorOf(s: Awaited<ReturnType<typeof session>>, src: string): { code?: number; message?: string } {
  const r = s.eval(src);
  expect(r.ok, src).toBe(false);
  return { code: r.error?.code, message: r.error?.message };
}

function kronRef(a: Nd, b: Nd): Nd {
  const [ra, ca] = a.shape,
    [rb, cb] = b.shape;
  const shape = [ra * rb, ca * cb];
  const data = new Array<number>(shape[0] * shape[1]).fill(0);
  for (let i = 0; i < ra; i++)
    for (let j = 0; j < ca; j++)
      for (let k = 0; k < rb; k++) for (let l = 0; l < cb; l++) data[(i * rb + k) * shape[1] + j * cb + l] = a.data[i * ca + j] * b.data[k * cb + l];
  return { shape, data };
}

/** Matrices side by side (axis 1) or one above the other (axis 0). */
function stackRef(ms: Nd[], axis: 0 | 1): Nd {
  if (axis === 0) return { shape: [ms.reduce((s, m) => s + m.shape[0], 0), ms[0].shape[1]], data: ms.flatMap((m) => m.data) };
  const rows = ms[0].shape[0];
  const data: number[] = [];
  for (let r = 0; r < rows; r++) for (const m of ms) data.push(...m.data.slice(r * m.shape[1], (r + 1) * m.shape[1]));
  return { shape: [rows, ms.reduce((s, m) => s + m.shape[1], 0)], data };
}

describe("linspace", () => {
  it("gives n evenly spaced numbers with both ends, as numpy does", async () => {
    const s = await session();
    for (const [a, b, n] of [
      [0, 1, 5],
      [-3, 7.5, 11],
      [1, 0, 4],
      [0.1, 0.7, 7],
      [2, 2, 3],
    ]) {
      const out = readArray(s.eval(`linspace(${a}, ${b}, ${n})`).value);
      const step = (b - a) / (n - 1);
      const want = Array.from({ length: n }, (_, i) => (i === n - 1 ? b : i * step + a));
      expect(out).toMatchObject({ kind: "matrix", dtype: "f64", shape: [1, n] });
      expect(out.data).toEqual(want);
    }
    expect(readArray(s.eval("linspace(4, 9, 1)").value).data).toEqual([4]);
    expect(readArray(s.eval("linspace(4, 9, 0)").value).shape).toEqual([1, 0]);
  });

  it("refuses a count that is not a whole number from 0 (3017) and non-numbers (5001)", async () => {
    const s = await session();
    expect(errorOf(s, "linspace(0, 1, -1)").code).toBe(3017);
    expect(errorOf(s, "linspace(0, 1, 2.5)").message).toContain("the number of points");
    expect(errorOf(s, 'linspace("a", 1, 3)').code).toBe(5001);
    expect(errorOf(s, "linspace(0, nil, 3)").code).toBe(5001);
  });
});

describe("randn", () => {
  it("is standard normal and the same for the same seed", async () => {
    const s = await session();
    const a = readArray(s.eval("randn(300, 201, 7)").value);
    expect(a.shape).toEqual([300, 201]);
    const n = a.data.length;
    const mean = a.data.reduce((t, x) => t + x, 0) / n;
    const sd = Math.sqrt(a.data.reduce((t, x) => t + (x - mean) ** 2, 0) / n);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 1)).toBeLessThan(0.02);
    // about 68% within one standard deviation, 95% within two
    expect(Math.abs(a.data.filter((x) => Math.abs(x) < 1).length / n - 0.6827)).toBeLessThan(0.01);
    expect(Math.abs(a.data.filter((x) => Math.abs(x) < 2).length / n - 0.9545)).toBeLessThan(0.01);
    expect(a.data.every(Number.isFinite)).toBe(true);
    expect(readArray(s.eval("randn(300, 201, 7)").value).data).toEqual(a.data);
    expect(readArray(s.eval("randn(3, 3, 8)").value).data).not.toEqual(readArray(s.eval("randn(3, 3, 7)").value).data);
    // an odd count fills every element
    expect(readArray(s.eval("randn(1, 3, 1)").value).data.every((x) => x !== 0 && Number.isFinite(x))).toBe(true);
  });

  it("refuses bad sizes and seeds", async () => {
    const s = await session();
    expect(errorOf(s, "randn(-1, 2, 0)").code).toBe(3017);
    expect(errorOf(s, "randn(2, 1.5, 0)").code).toBe(3017);
    expect(errorOf(s, 'randn(2, 2, "x")').code).toBe(5001);
  });
});

describe("diag", () => {
  it("puts a list, row or column on the diagonal and takes the diagonal of other matrices", async () => {
    const s = await session();
    s.eval("func __diag(x) { return diag(x) }");
    expect(readArray(s.eval("diag([1, 2, 3])").value)).toEqual({ kind: "matrix", dtype: "f64", shape: [3, 3], data: [1, 0, 0, 0, 2, 0, 0, 0, 3] });
    for (const dtype of ["f64", "f32"] as const) {
      for (const shape of [
        [1, 3],
        [3, 1],
      ]) {
        const v = put(s, { shape, data: [4, 5.5, 6] }, dtype);
        expect(readArray(s.call("__diag", v))).toEqual({ kind: "matrix", dtype, shape: [3, 3], data: [4, 0, 0, 0, 5.5, 0, 0, 0, 6] });
      }
      const m = put(s, { shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }, dtype);
      expect(readArray(s.call("__diag", m))).toEqual({ kind: "matrix", dtype, shape: [2, 1], data: [1, 5] });
      const t = put(s, { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }, dtype);
      expect(readArray(s.call("__diag", t)).data).toEqual([1, 4]);
    }
    expect(readArray(s.eval("diag([])").value).shape).toEqual([0, 0]);
  });

  it("refuses what is not a list of numbers or a matrix (5001)", async () => {
    const s = await session();
    expect(errorOf(s, 'diag([1, "a"])').code).toBe(5001);
    expect(errorOf(s, "diag(tensor([2, 2, 2]))").code).toBe(5001);
    expect(errorOf(s, "diag(3)").code).toBe(5001);
  });
});

describe("kron", () => {
  it("matches the block reference on random shapes, f64 and f32", async () => {
    const s = await session();
    s.eval("func __kron(a, b) { return kron(a, b) }");
    const pair = fc.tuple(shapeArb(2, 4, 2).chain(ndOf), shapeArb(2, 4, 2).chain(ndOf));
    fc.assert(
      fc.property(pair, fc.constantFrom("f64", "f32"), fc.constantFrom("f64", "f32"), ([a, b], da, db) => {
        const out = readArray(s.call("__kron", put(s, a, da), put(s, b, db)));
        const want = kronRef(a, b);
        expect(out.shape).toEqual(want.shape);
        expect(out.data).toEqual(want.data);
        expect(out.dtype).toBe(da === "f32" && db === "f32" ? "f32" : "f64");
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it("refuses non-matrices (5001)", async () => {
    const s = await session();
    expect(errorOf(s, "kron(eye(2), 3)").code).toBe(5001);
    expect(errorOf(s, "kron(tensor([1, 2, 2]), eye(2))").code).toBe(5001);
  });
});

describe("hstack and vstack", () => {
  it("concatenate like the reference, keeping f32 only when every piece is f32", async () => {
    const s = await session();
    s.eval("func __h(xs) { return hstack(xs) }");
    s.eval("func __v(xs) { return vstack(xs) }");
    const rows = fc.integer({ min: 1, max: 4 });
    fc.assert(
      fc.property(
        rows,
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom("f64", "f32"), { minLength: 4, maxLength: 4 }),
        (r, widths, dts) => {
          const ms = widths.map((w, i) => ({ shape: [r, w], data: Array.from({ length: r * w }, (_, j) => i * 100 + j + 0.5) }));
          const dtype = ms.every((_, i) => dts[i] === "f32") ? "f32" : "f64";
          const h = readArray(
            s.call(
              "__h",
              ms.map((m, i) => put(s, m, dts[i])),
            ),
          );
          expect(h).toEqual({ kind: "matrix", dtype, ...stackRef(ms, 1) });
          const ts = ms.map((m) => ({ shape: [m.shape[1], m.shape[0]], data: m.data }));
          const v = readArray(
            s.call(
              "__v",
              ts.map((m, i) => put(s, m, dts[i])),
            ),
          );
          expect(v).toEqual({ kind: "matrix", dtype, ...stackRef(ts, 0) });
        },
      ),
      { numRuns: 60, seed: 5 },
    );
  });

  it("name the shapes that disagree (5002) and refuse an empty list (3011) or non-matrices (5001)", async () => {
    const s = await session();
    const h = errorOf(s, "hstack([eye(2), ones(3, 1)])");
    expect(h.code).toBe(5002);
    expect(h.message).toBe("shapes do not fit: [2, 2] and [3, 1] (hstack needs equal row counts)");
    const v = errorOf(s, "vstack([eye(2), ones(1, 2), ones(2, 3)])");
    expect(v.message).toBe("shapes do not fit: [2, 2] and [2, 3] (vstack needs equal column counts)");
    expect(errorOf(s, "vstack([])").code).toBe(3011);
    expect(errorOf(s, "hstack([eye(2), 1])").code).toBe(5001);
    expect(errorOf(s, "hstack(eye(2))").code).toBe(5001);
  });
});
