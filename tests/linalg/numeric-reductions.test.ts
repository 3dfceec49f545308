// Reductions of spec 1.1 section 5: sum, mean, std, var, amin, amax, argmin, argmax and cumsum,
// of all elements and along each axis of f64 and f32 matrices and tensors, against plain
// JavaScript loops (fast-check), with the shapes of their results and their errors.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { count, type Nd, ndArb, put, REDUCERS, read, readArray, rounder, runs, session, shapeArb, strides, worst } from "./fixtures/nd.js";

const NAMES = Object.keys(REDUCERS);

/** The shape numpy-style reduction gives here: a matrix keeps the axis as 1; a tensor loses it. */
function resultShape(shape: number[], axis: number): number[] {
  if (shape.length === 2) return axis === 0 ? [1, shape[1]] : [shape[0], 1];
  return shape.filter((_, k) => k !== axis);
}

function cumsumRef(a: Nd, axis: number): number[] {
  const st = strides(a.shape);
  const out = a.data.slice();
  for (let i = 0; i < out.length; i++) {
    const at = Math.floor(i / st[axis]) % a.shape[axis];
    if (at > 0) out[i] += out[i - st[axis]];
  }
  return out;
}

describe("reductions along an axis", () => {
  it("match plain loops on random f64 and f32 arrays, for every axis (negative ones too)", async () => {
    const s = await session();
    for (const fn of [...NAMES, "cumsum"]) {
      s.eval(`func __${fn}(x, a) { return ${fn}(x, a) }`);
      s.eval(`func __${fn}All(x) { return ${fn}(x) }`);
    }
    // halves are exact in f32 and their sums exact in any order
    const arb = shapeArb(4, 5).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.array(fc.integer({ min: -40, max: 40 }), { minLength: count(shape), maxLength: count(shape) })),
    );
    fc.assert(
      fc.property(arb, fc.constantFrom("f64", "f32"), ([shape, ints], dtype) => {
        const a: Nd = { shape, data: ints.map((x) => x / 2) };
        const v = put(s, a, dtype);
        const r = rounder(dtype);
        const nd = shape.length;
        for (const fn of NAMES) {
          const isArg = fn.startsWith("arg");
          const tol = isArg || fn === "sum" || fn.startsWith("am") ? 0 : dtype === "f32" ? 2.5e-7 : 1e-14;
          // all elements: a number
          const all = read(s.call(`__${fn}All`, v));
          expect(typeof all).toBe("number");
          expect(worst([all as number], [REDUCERS[fn](a.data)]), `${fn} of ${shape}`).toBeLessThanOrEqual(tol);
          for (let axis = -nd; axis < nd; axis++) {
            const ax = axis < 0 ? axis + nd : axis;
            const { runs: rs } = runs(a, ax);
            const want = rs.map((run) => (isArg ? REDUCERS[fn](run) : r(REDUCERS[fn](run))));
            const got = read(s.call(`__${fn}`, v, axis));
            const rshape = resultShape(shape, ax);
            if (rshape.length === 0) {
              expect(worst([got as number], want), `${fn} ${shape} axis ${axis}`).toBeLessThanOrEqual(tol);
              continue;
            }
            const out = got as Exclude<typeof got, number>;
            expect(out.shape, `${fn} ${shape} axis ${axis}`).toEqual(rshape);
            expect(out.kind).toBe(rshape.length === 2 ? "matrix" : "tensor");
            expect(out.dtype).toBe(isArg ? "f64" : dtype);
            expect(worst(out.data, want), `${fn} ${shape} axis ${axis}`).toBeLessThanOrEqual(tol);
          }
        }
        // cumsum keeps the shape along an axis; without one it is a row of all elements
        const row = readArray(s.call("__cumsumAll", v));
        expect(row.shape).toEqual([1, count(shape)]);
        expect(row.data).toEqual(cumsumRef({ shape: [count(shape)], data: a.data }, 0));
        for (let axis = 0; axis < nd; axis++) {
          const out = readArray(s.call("__cumsum", v, axis));
          expect(out).toEqual({ kind: nd === 2 ? "matrix" : "tensor", dtype, shape, data: cumsumRef(a, axis) });
        }
      }),
      { numRuns: 80, seed: 21 },
    );
  });

  it("sum long runs of real numbers closely (the four-lane sums along the last axis)", async () => {
    const s = await session();
    s.eval("func __sum(x, a) { return sum(x, a) }");
    s.eval("func __mean(x, a) { return mean(x, a) }");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 300 }), (rows, cols) => {
        const a: Nd = { shape: [rows, cols], data: Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 1.7) * 1000) };
        const v = put(s, a);
        for (const axis of [0, 1]) {
          const { runs: rs } = runs(a, axis);
          expect(worst(readArray(s.call("__sum", v, axis)).data, rs.map(REDUCERS.sum))).toBeLessThan(1e-11);
          expect(worst(readArray(s.call("__mean", v, axis)).data, rs.map(REDUCERS.mean))).toBeLessThan(1e-11);
        }
      }),
      { numRuns: 40, seed: 4 },
    );
  });

  it("follow numpy on NaN: amin and amax give it, argmin and argmax its first place", async () => {
    const s = await session();
    s.eval("let __m = matrix([[3, 0 / 1, 1], [2, 5, 4]])");
    s.eval("__m[0, 1] = sqrt(-1)");
    expect(s.eval("amin(__m)").value).toBeNaN();
    expect(s.eval("amax(__m)").value).toBeNaN();
    expect(s.eval("argmin(__m)").value).toBe(1);
    expect(readArray(s.eval("argmax(__m, 1)").value).data).toEqual([1, 1]);
    expect(readArray(s.eval("amin(__m, 0)").value).data).toEqual([2, Number.NaN, 1]);
  });

  it("take the extremes of long runs with NaN, zeros of both signs and infinities as numpy does, in every lane", async () => {
    const s = await session();
    for (const fn of ["amin", "amax", "argmin", "argmax"]) {
      s.eval(`func __${fn}(x, a) { return ${fn}(x, a) }`);
      s.eval(`func __${fn}All(x) { return ${fn}(x) }`);
    }
    // a few of the awkward values at a time, so that runs of only zeros and positives come up
    const pool = fc.subarray([Number.NaN, -0, 0, 1, -1, 2.5, -2.5, Infinity, -Infinity], { minLength: 1 });
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 }), pool)
      .chain(([r, c, xs]) => fc.tuple(fc.constant([r, c]), fc.array(fc.constantFrom(...xs), { minLength: r * c, maxLength: r * c })));
    fc.assert(
      fc.property(arb, fc.constantFrom("f64", "f32"), ([shape, data], dtype) => {
        const a: Nd = { shape: [...shape], data };
        const v = put(s, a, dtype);
        for (const fn of ["amin", "amax", "argmin", "argmax"]) {
          // Math.min and Math.max put -0 below 0, as WebAssembly's min and max do
          const all = s.call(`__${fn}All`, v) as number;
          expect(Object.is(all, REDUCERS[fn](data)), `${fn} of ${data}`).toBe(true);
          for (const axis of [0, 1]) {
            const out = readArray(s.call(`__${fn}`, v, axis));
            const want = runs(a, axis).runs.map(REDUCERS[fn]);
            expect(
              out.data.every((x, i) => Object.is(x, want[i])),
              `${fn} axis ${axis} of ${shape}: ${data}`,
            ).toBe(true);
          }
        }
      }),
      { numRuns: 200, seed: 13 },
    );
    // every lane meets a zero of one sign first and the other sign later
    for (const dtype of ["f64", "f32"] as const) {
      const up = put(s, { shape: [1, 9], data: [-0, -0, -0, -0, 0, 0, 0, 0, -1] }, dtype);
      const down = put(s, { shape: [1, 9], data: [0, 0, 0, 0, -0, -0, -0, -0, 1] }, dtype);
      expect(Object.is(s.call("__amaxAll", up), 0)).toBe(true);
      expect(Object.is(s.call("__aminAll", down), -0)).toBe(true);
      expect(Object.is(readArray(s.call("__amax", up, 1)).data[0], 0)).toBe(true);
    }
  });

  it("start running sums from the first element, along any axis (-0 stays -0, as in numpy)", async () => {
    const s = await session();
    s.eval("func __cumsum(x, a) { return cumsum(x, a) }");
    s.eval("func __cumsumAll(x) { return cumsum(x) }");
    for (const dtype of ["f64", "f32"] as const) {
      const v = put(s, { shape: [2, 3], data: [-0, -0, 1, -0, 2, -0] }, dtype);
      const same = (xs: number[], ys: number[]) => xs.length === ys.length && xs.every((x, i) => Object.is(x, ys[i]));
      expect(same(readArray(s.call("__cumsum", v, 0)).data, [-0, -0, 1, -0, 2, 1]), dtype).toBe(true);
      expect(same(readArray(s.call("__cumsum", v, 1)).data, [-0, -0, 1, -0, 2, 2]), dtype).toBe(true);
      expect(same(readArray(s.call("__cumsumAll", v)).data, [-0, -0, 1, 1, 3, 3]), dtype).toBe(true);
    }
  });

  it("reduce a one-axis tensor along its axis to a number, and handle empty arrays", async () => {
    const s = await session();
    expect(s.eval("sum(reshape(matrix([[1, 2, 3]]), [3]), 0)").value).toBe(6);
    expect(s.eval("sum(zeros(0, 3))").value).toBe(0);
    expect(readArray(s.eval("sum(zeros(0, 3), 0)").value)).toEqual({ kind: "matrix", dtype: "f64", shape: [1, 3], data: [0, 0, 0] });
    expect(readArray(s.eval("cumsum(zeros(2, 0))").value).shape).toEqual([1, 0]);
    for (const fn of ["mean", "std", "var", "amin", "amax", "argmin", "argmax"]) {
      const e = s.eval(`${fn}(zeros(0, 3))`);
      expect(e.error?.code, fn).toBe(3011);
      expect(s.eval(`${fn}(zeros(0, 3), 0)`).error?.code, fn).toBe(3011);
    }
  });

  it("refuse an axis out of range (5002, naming the shape), or not a number, and axes of lists (5001)", async () => {
    const s = await session();
    const e = s.eval("sum(tensor([2, 3, 4]), 3)");
    expect(e.error?.code).toBe(5002);
    expect(e.error?.message).toBe("shapes do not fit: sum along axis 3 of [2, 3, 4]");
    expect(s.eval("argmax(eye(2), -3)").error?.message).toBe("shapes do not fit: argmax along axis -3 of [2, 2]");
    expect(s.eval("std(eye(2), 0.5)").error?.code).toBe(5002);
    expect(s.eval('var(eye(2), "0")').error?.code).toBe(5001);
    expect(s.eval("sum([1, 2], 0)").error?.code).toBe(5001);
    expect(s.eval("std([1, 2])").error?.code).toBe(5001);
    // a list without an axis is summed as before
    expect(s.eval("mean([1, 2, 6])").value).toBe(3);
  });

  it("give random arrays' all-element reductions as a loop over their elements does", async () => {
    const s = await session();
    s.eval("func __all(x) { return [sum(x), mean(x), amin(x), amax(x), argmin(x), argmax(x)] }");
    fc.assert(
      fc.property(ndArb(4, 6), (a) => {
        const got = s.call("__all", put(s, a)) as number[];
        const want = ["sum", "mean", "amin", "amax", "argmin", "argmax"].map((fn) => REDUCERS[fn](a.data));
        expect(worst(got, want)).toBeLessThan(1e-15);
      }),
      { numRuns: 100, seed: 9 },
    );
  });
});
