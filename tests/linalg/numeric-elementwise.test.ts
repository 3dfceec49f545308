// The math functions of spec section 5 applied to each element of a matrix or tensor, and the
// elementwise power `.^`: shape and dtype kept, values against JavaScript's Math, errors.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { broadcastRef, count, type Nd, put, readArray, rounder, session, shapeArb, worst } from "./fixtures/nd.js";

const EXACT = ["abs", "sqrt", "floor", "ceil", "round"];
const LIBM = ["exp", "log", "sin", "cos", "tan"];

/** The spec's round: halves away from zero. */
function roundHalfAway(x: number): number {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

function reference(fn: string): (x: number) => number {
  if (fn === "round") return roundHalfAway;
  return Math[fn as "abs"];
}

/** Awkward values: halves, negative zero, huge and tiny numbers, NaN and infinities. */
const SPECIAL = [
  -2.5,
  -1.5,
  -0.5,
  -0,
  0,
  0.5,
  1.5,
  2.5,
  0.49999999999999994,
  4503599627370497,
  -4503599627370497,
  1e300,
  -1e-300,
  Number.NaN,
  Infinity,
  -Infinity,
  3.7,
  -3.7,
  1e-9,
];

describe("math functions of arrays", () => {
  it("apply to each element of f64 and f32 matrices and tensors, keeping shape and dtype", async () => {
    const s = await session();
    for (const fn of [...EXACT, ...LIBM]) s.eval(`func __${fn}(x) { return ${fn}(x) }`);
    const data = fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(...SPECIAL)), { minLength: 0, maxLength: 40 });
    fc.assert(
      fc.property(shapeArb(4, 5), data, fc.constantFrom("f64", "f32"), (shape, values, dtype) => {
        const n = count(shape);
        const a: Nd = { shape, data: Array.from({ length: n }, (_, i) => values[i % Math.max(values.length, 1)] ?? i) };
        const v = put(s, a, dtype);
        const r = rounder(dtype);
        const input = a.data.map(r);
        for (const fn of [...EXACT, ...LIBM]) {
          const out = readArray(s.call(`__${fn}`, v));
          expect(out.shape).toEqual(shape);
          expect(out.dtype).toBe(dtype);
          expect(out.kind).toBe(shape.length === 2 ? "matrix" : "tensor");
          const want = input.map((x) => r(reference(fn)(x)));
          if (EXACT.includes(fn)) expect(out.data, fn).toEqual(want);
          // the core's libm and the host's may differ in the last bit
          else expect(worst(out.data, want), fn).toBeLessThan(dtype === "f32" ? 1.2e-7 : 1e-15);
        }
        // the argument is not changed
        expect(readArray(v).data).toEqual(input);
      }),
      { numRuns: 80, seed: 3 },
    );
  });

  it("round halves away from zero in every lane, as the number function does", async () => {
    const s = await session();
    for (const dtype of ["f64", "f32"] as const) {
      const data = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.49, 0.49, 7.5];
      const v = put(s, { shape: [1, data.length], data }, dtype);
      s.eval("func __r(x) { return round(x) }");
      expect(readArray(s.call("__r", v)).data).toEqual([-3, -2, -1, 1, 2, 3, -0, 0, 8]);
      for (const x of data) expect(s.eval(`round(${x})`).value).toBe(roundHalfAway(x));
    }
    // exact for numbers too, where adding 0.5 would round: the largest double below 0.5 and odd
    // numbers beyond 2^52
    expect(s.eval("round(0.49999999999999994)").value).toBe(0);
    expect(s.eval("round(4503599627370497)").value).toBe(4503599627370497);
    expect(s.eval("round(-4503599627370497)").value).toBe(-4503599627370497);
  });

  it("refuse other values as before (5001)", async () => {
    const s = await session();
    for (const src of ['sqrt("a")', "exp([1, 2])", "floor(nil)"]) expect(s.eval(src).error?.code, src).toBe(5001);
  });
});

describe(".^", () => {
  it("raises matrices and tensors to a number, a number to them, and arrays to arrays", async () => {
    const s = await session();
    s.eval("func __pow(a, b) { return a .^ b }");
    const pair = shapeArb(3, 4).chain((shape) =>
      fc.tuple(
        fc.constant(shape),
        fc.array(fc.double({ min: 0.01, max: 20, noNaN: true }), { minLength: count(shape), maxLength: count(shape) }),
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: count(shape), maxLength: count(shape) }),
      ),
    );
    fc.assert(
      fc.property(pair, fc.constantFrom("f64", "f32"), fc.double({ min: -4, max: 4, noNaN: true }), ([shape, xs, ys], dtype, p) => {
        const r = rounder(dtype);
        const a = put(s, { shape, data: xs }, dtype),
          b = put(s, { shape, data: ys }, dtype);
        const ax = xs.map(r),
          by = ys.map(r);
        const tol = dtype === "f32" ? 1.2e-7 : 1e-15;
        const byNumber = readArray(s.call("__pow", a, p));
        expect(byNumber.dtype).toBe(dtype);
        expect(
          worst(
            byNumber.data,
            ax.map((x) => r(x ** p)),
          ),
        ).toBeLessThan(tol);
        const ofNumber = readArray(s.call("__pow", 1.5, a));
        expect(
          worst(
            ofNumber.data,
            ax.map((x) => r(1.5 ** x)),
          ),
        ).toBeLessThan(tol);
        const both = readArray(s.call("__pow", a, b));
        expect(both.shape).toEqual(shape);
        expect(
          worst(
            both.data,
            ax.map((x, i) => r(x ** by[i])),
          ),
        ).toBeLessThan(tol);
        // squares are exact, as x .* x is
        expect(readArray(s.call("__pow", a, 2)).data).toEqual(ax.map((x) => r(x * x)));
      }),
      { numRuns: 60, seed: 8 },
    );
  });

  it("broadcasts with tensors and keeps matrices to equal shapes", async () => {
    const s = await session();
    s.eval("func __pow(a, b) { return a .^ b }");
    const a: Nd = { shape: [2, 1, 3], data: [1, 2, 3, 4, 5, 6] },
      b: Nd = { shape: [2, 1], data: [2, 3] };
    const out = readArray(s.call("__pow", put(s, a), put(s, b)));
    const want = broadcastRef(a, b, (x, y) => x ** y);
    expect(out.shape).toEqual(want.shape);
    expect(out.data).toEqual(want.data);
    const e = s.eval("ones(2, 2) .^ ones(3, 2)");
    expect(e.error?.code).toBe(5002);
    expect(e.error?.message).toBe("shapes do not fit: [2, 2] and [3, 2]");
  });

  it("is a right-associative power binding tighter than prefix minus, and refuses other operands (5001)", async () => {
    const s = await session();
    expect(s.eval("2 .^ 3 .^ 2").value).toBe(512);
    expect(s.eval("-2 .^ 2").value).toBe(-4);
    expect(readArray(s.eval("let __A = matrix([[1, 2], [3, 4]])\n2 * __A.^2").value).data).toEqual([2, 8, 18, 32]);
    const e = s.eval('matrix([[1]]) .^ "a"');
    expect(e.error?.code).toBe(5001);
    expect(e.error?.message).toBe("unsupported operand types for .^: matrix and string");
    expect(s.eval("[1, 2] .^ 2").error?.code).toBe(5001);
  });
});

describe("arithmetic in lanes", () => {
  it("gives each element what one f64 operation rounded to the dtype gives, with a number on either side, and negates", async () => {
    const s = await session();
    const ops: [string, (x: number, y: number) => number][] = [
      ["+", (x, y) => x + y],
      ["-", (x, y) => x - y],
      [".*", (x, y) => x * y],
      ["./", (x, y) => x / y],
    ];
    ops.forEach(([op], i) => s.eval(`func __ew${i}(a, b) { return a ${op} b }`));
    s.eval("func __neg(a) { return -a }");
    const arb = shapeArb(3, 7).chain((shape) =>
      fc.tuple(
        fc.constant(shape),
        fc.array(fc.double({ noNaN: false }), { minLength: count(shape), maxLength: count(shape) }),
        fc.array(fc.double({ min: -1e3, max: 1e3 }), { minLength: count(shape), maxLength: count(shape) }),
      ),
    );
    fc.assert(
      fc.property(arb, fc.constantFrom("f64", "f32"), fc.constantFrom(0.1, -3, 1e-30, 7.25, 0, -0), ([shape, xs, ys], dtype, k) => {
        const r = rounder(dtype);
        const a = put(s, { shape, data: xs }, dtype),
          b = put(s, { shape, data: ys }, dtype);
        const ax = xs.map(r),
          by = ys.map(r);
        const same = (got: number[], want: number[]) => got.length === want.length && got.every((x, j) => Object.is(x, want[j]));
        expect(
          same(
            readArray(s.call("__neg", a)).data,
            ax.map((x) => -x),
          ),
          "-A",
        ).toBe(true);
        ops.forEach(([op, f], i) => {
          expect(
            same(
              readArray(s.call(`__ew${i}`, a, k)).data,
              ax.map((x) => r(f(x, k))),
            ),
            `A ${op} ${k}`,
          ).toBe(true);
          expect(
            same(
              readArray(s.call(`__ew${i}`, k, a)).data,
              ax.map((x) => r(f(k, x))),
            ),
            `${k} ${op} A`,
          ).toBe(true);
          expect(
            same(
              readArray(s.call(`__ew${i}`, a, b)).data,
              ax.map((x, j) => r(f(x, by[j]))),
            ),
            `A ${op} B`,
          ).toBe(true);
        });
      }),
      { numRuns: 100, seed: 12 },
    );
  });
});

describe("var", () => {
  it("is the variance when called and still declares a variable", async () => {
    const s = await session();
    expect(s.eval("var v = var(matrix([[1, 2], [3, 4]]))\nv").value).toBe(1.25);
    expect(s.eval("var(matrix([[1, 3]]))").value).toBe(1);
    expect(s.eval("var = 3").ok).toBe(false);
  });
});
