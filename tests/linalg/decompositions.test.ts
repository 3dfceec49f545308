// qr, chol, eigh, svd, pinv, rank and lstsq (spec 1.1 section 5): the defining equalities
// checked in JavaScript on random, ill-conditioned and rank-deficient matrices, f64 and f32, on
// sizes around the kernels' block sizes (32 and 64); the results against numpy's; and the
// errors with their codes.

import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { type Matrix, Noodle } from "../../src/index.js";
// @ts-expect-error: plain JavaScript shared with a child process
import { randomMatrix } from "./fixtures/products.mjs";

type M = number[][];

const mul = (a: M, b: M): M => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const tr = (a: M): M => (a.length === 0 ? [] : a[0].map((_, j) => a.map((row) => row[j])));
const sub = (a: M, b: M): M => a.map((row, i) => row.map((v, j) => v - b[i][j]));
const fro = (a: M): number => Math.sqrt(a.flat().reduce((s, v) => s + v * v, 0));
const eye = (n: number): M => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
const diag = (s: number[]): M => s.map((v, i) => s.map((_, j) => (i === j ? v : 0)));
const col = (m: Matrix): number[] => Array.from(m.data);
const hilbert = (n: number): M => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => 1 / (i + j + 1)));
/** A symmetric matrix: (X + X') / 2 of a random X. */
const symmetric = (n: number, seed: number): M => {
  const x = randomMatrix(n, n, seed, false) as M;
  return x.map((row, i) => row.map((v, j) => (v + x[j][i]) / 2));
};
/** A symmetric positive definite matrix: X X' + n I. */
const spd = (n: number, seed: number): M => {
  const x = randomMatrix(n, n, seed, false) as M;
  return mul(x, tr(x)).map((row, i) => row.map((v, j) => (i === j ? v + n : v)));
};

let s: Noodle;
beforeAll(async () => {
  s = await Noodle.create({ stdout: () => {} });
  s.eval(`
    func qr_of(A) { let f = qr(A); return [f["Q"], f["R"]] }
    func eigh_of(A) { let f = eigh(A); return [f["values"], f["vectors"]] }
    func svd_of(A) { let f = svd(A); return [f["U"], f["S"], f["V"]] }
    func chol_of(A) { return chol(A) }
    func pinv_of(A) { return pinv(A) }
    func rank_of(A) { return rank(A) }
    func lstsq_of(A, b) { return lstsq(A, b) }
    func ldiv(A, b) { return A \\ b }
    func code(f) { try { f(); return 0 } catch e { return e.code } }
    func message(f) { try { f(); return "" } catch e { return e.message } }
    func chol_code(A) { return code(() => chol(A)) }
  `);
});

const matrix = (a: M, dtype: "f64" | "f32" = "f64") => s.matrix(a, dtype);
const arrays = (v: unknown) => (v as Matrix).toArrays();

/** Checks Q R == A, Q'Q == I and R upper triangular (exact zeros below the diagonal). */
function checkQR(a: M, tol: number, dtype: "f64" | "f32" = "f64") {
  const [Q, R] = s.call("qr_of", matrix(a, dtype)) as Matrix[];
  const m = a.length,
    n = a[0].length,
    k = Math.min(m, n);
  expect([Q.rows, Q.cols, R.rows, R.cols, Q.dtype, R.dtype]).toEqual([m, k, k, n, dtype, dtype]);
  const q = Q.toArrays(),
    r = R.toArrays();
  expect(fro(sub(mul(q, r), a)) / Math.max(fro(a), 1e-300), `QR - A, ${m} x ${n}`).toBeLessThan(tol);
  expect(fro(sub(mul(tr(q), q), eye(k))), `Q'Q - I, ${m} x ${n}`).toBeLessThan(tol * Math.sqrt(k));
  expect(r.every((row, i) => row.every((v, j) => j >= i || v === 0))).toBe(true);
}

function checkSVD(a: M, tol: number, dtype: "f64" | "f32" = "f64") {
  const [U, S, V] = s.call("svd_of", matrix(a, dtype)) as Matrix[];
  const m = a.length,
    n = a[0].length,
    k = Math.min(m, n);
  expect([U.rows, U.cols, S.rows, S.cols, V.rows, V.cols, S.dtype]).toEqual([m, k, k, 1, n, k, dtype]);
  const u = U.toArrays(),
    v = V.toArrays(),
    sv = col(S);
  expect(
    sv.every((x, i) => x >= 0 && (i === 0 || x <= sv[i - 1])),
    "descending, non-negative",
  ).toBe(true);
  expect(fro(sub(mul(mul(u, diag(sv)), tr(v)), a)) / fro(a), `U S V' - A, ${m} x ${n}`).toBeLessThan(tol);
  expect(fro(sub(mul(tr(u), u), eye(k))), `U'U - I, ${m} x ${n}`).toBeLessThan(tol * Math.sqrt(k));
  expect(fro(sub(mul(tr(v), v), eye(k))), `V'V - I, ${m} x ${n}`).toBeLessThan(tol * Math.sqrt(k));
  return sv;
}

function checkEigh(a: M, tol: number, dtype: "f64" | "f32" = "f64") {
  const [W, X] = s.call("eigh_of", matrix(a, dtype)) as Matrix[];
  const n = a.length;
  expect([W.rows, W.cols, X.rows, X.cols, W.dtype, X.dtype]).toEqual([n, 1, n, n, dtype, dtype]);
  const w = col(W),
    x = X.toArrays();
  expect(
    w.every((v, i) => i === 0 || v >= w[i - 1]),
    "ascending",
  ).toBe(true);
  expect(fro(sub(mul(a, x), mul(x, diag(w)))) / fro(a), `A X - X W, n = ${n}`).toBeLessThan(tol);
  expect(fro(sub(mul(tr(x), x), eye(n))), `X'X - I, n = ${n}`).toBeLessThan(tol * Math.sqrt(n));
  return w;
}

/** Q diag(values) Q' for Q = (I - 2uu')(I - 2vv'), u and v random unit vectors. */
const conjugated = (values: number[], n: number): M => {
  const unit = (seed: number) => {
    const x = (randomMatrix(n, 1, seed, false) as M).map((r) => r[0]);
    const norm = Math.hypot(...x);
    return x.map((v) => v / norm);
  };
  const reflection = (u: number[]) => u.map((ui, i) => u.map((uj, j) => (i === j ? 1 : 0) - 2 * ui * uj));
  const q = mul(reflection(unit(n + 1)), reflection(unit(n + 2)));
  return mul(mul(q, diag(values)), tr(q));
};
/** The symmetric tridiagonal matrix with diagonal d(i) and off-diagonal e(i) between i and i + 1. */
const tridiagonal = (n: number, d: (i: number) => number, e: (i: number) => number): M =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? d(i) : j === i + 1 ? e(i) : i === j + 1 ? e(j) : 0)));

const SIZES = [1, 2, 3, 7, 31, 32, 33, 64, 65, 100];

describe("qr", () => {
  it("gives Q R == A with orthonormal Q and upper triangular R, square, tall and wide", () => {
    for (const n of SIZES) checkQR(randomMatrix(n, n, n, false), 1e-14);
    for (const [m, n] of [
      [3, 2],
      [50, 7],
      [130, 70],
      [2, 3],
      [7, 50],
      [40, 97],
      [1, 5],
      [5, 1],
    ])
      checkQR(randomMatrix(m, n, m * n, false), 1e-14);
  });

  it("holds on ill-conditioned and rank-deficient matrices", () => {
    checkQR(hilbert(12), 1e-14);
    const a = randomMatrix(40, 20, 5, false) as M;
    for (const row of a) row[7] = row[3] + 1e-15 * row[4];
    checkQR(a, 1e-14);
    checkQR(
      [
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      1e-15,
    );
  });

  it("works in f32, returning f32", () => {
    for (const n of [2, 33, 70]) checkQR(randomMatrix(n + 5, n, n, false), 1e-6, "f32");
  });
});

describe("chol", () => {
  it("gives lower triangular L with L L' == A", () => {
    for (const n of [...SIZES, 129, 200]) {
      const a = spd(n, n);
      const l = arrays(s.call("chol_of", matrix(a)));
      expect(l.every((row, i) => row.every((v, j) => j <= i || v === 0))).toBe(true);
      expect(l.every((row, i) => row[i] > 0)).toBe(true);
      expect(fro(sub(mul(l, tr(l)), a)) / fro(a), `n = ${n}`).toBeLessThan(1e-15 * n + 1e-15);
    }
  });

  it("factors the Hilbert matrix (positive definite, condition about 1e13) and f32 input", () => {
    const h = hilbert(10);
    const l = arrays(s.call("chol_of", matrix(h)));
    expect(fro(sub(mul(l, tr(l)), h)) / fro(h)).toBeLessThan(1e-15);
    const a = spd(40, 3);
    const L = s.call("chol_of", matrix(a, "f32")) as Matrix;
    expect(L.dtype).toBe("f32");
    expect(fro(sub(mul(L.toArrays(), tr(L.toArrays())), a)) / fro(a)).toBeLessThan(1e-6);
  });

  it("refuses matrices that are not symmetric positive definite (3011), past the first block too", () => {
    expect(s.eval("code(() => chol([1, 2; 2, 1]))").value).toBe(3011);
    expect(s.eval("code(() => chol([1, 0; 0, 0]))").value).toBe(3011);
    expect(s.eval("code(() => chol([2, 1; 0, 2]))").value).toBe(3011);
    expect(s.eval("message(() => chol([0;]))").value).toBe("invalid argument to chol: the matrix is not symmetric positive definite");
    const a = spd(100, 4);
    a[90][90] = -1e4;
    expect(s.call("chol_code", matrix(a))).toBe(3011);
  });

  it("checks symmetry and finiteness on both triangles of larger matrices, f64 and f32", () => {
    const big = spd(70, 5);
    const top = Math.max(...big.flat());
    for (const dtype of ["f64", "f32"] as const) {
      // one element above the diagonal off by 1e-3 of the largest, in the middle of a tile and at a tile's edge
      for (const [i, j] of [
        [5, 50],
        [33, 64],
        [2, 69],
      ]) {
        const a = big.map((row) => [...row]);
        a[i][j] += 1e-3 * top;
        expect(s.call("chol_code", matrix(a, dtype)), `asymmetric at ${i}, ${j}, ${dtype}`).toBe(3011);
        a[i][j] = Number.NaN;
        expect(s.call("chol_code", matrix(a, dtype)), `NaN at ${i}, ${j}, ${dtype}`).toBe(3011);
      }
    }
    // asymmetry within rounding is accepted (the lower triangle is factored)
    const a = big.map((row) => [...row]);
    a[3][40] *= 1 + 1e-15;
    expect(s.call("chol_code", matrix(a))).toBe(0);
    expect(s.eval("message(() => chol([1, 0; 0, 0 * (1e308 * 10)]))").value).toBe(
      "invalid argument to chol: the matrix has an element that is NaN or infinite",
    );
  });
});

describe("eigh", () => {
  it("gives A X == X diag(values), orthonormal X, values ascending", () => {
    for (const n of SIZES) checkEigh(symmetric(n, n), 1e-14);
    checkEigh(symmetric(150, 9), 1e-14);
  });

  it("holds on ill-conditioned, repeated and graded spectra", () => {
    checkEigh(hilbert(12), 1e-14);
    checkEigh(eye(40), 1e-15);
    checkEigh(
      Array.from({ length: 30 }, (_, i) => Array.from({ length: 30 }, (_, j) => (i === j ? 10 ** (i / 3) : 0))),
      1e-15,
    );
    // a rank-one matrix: one eigenvalue n, the rest zero
    const w = checkEigh(
      Array.from({ length: 20 }, () => Array(20).fill(1)),
      1e-14,
    );
    expect(w[19]).toBeCloseTo(20, 12);
    expect(Math.max(...w.slice(0, 19).map(Math.abs))).toBeLessThan(1e-13);
  });

  it("holds on clustered and repeated eigenvalues on both sides of the divide-and-conquer cut-off", () => {
    // Q diag(values) Q' for Q the product of two random reflections; the clusters exercise the
    // deflation of the merges, whose blocks have at most 32 rows
    for (const n of [31, 33, 64, 65, 150]) {
      const values = Array.from({ length: n }, (_, i) => [1, 1 + 1e-13 * i, 2, -3 + 1e-9 * (i % 3)][i % 4]);
      const w = checkEigh(conjugated(values, n), 1e-14);
      const sorted = [...values].sort((x, y) => x - y);
      expect(Math.max(...w.map((v, i) => Math.abs(v - sorted[i]))), `values, n = ${n}`).toBeLessThan(1e-13);
    }
    // all equal but one, and all equal
    checkEigh(conjugated([...Array(99).fill(5), -1], 100), 1e-14);
    checkEigh(conjugated(Array(70).fill(-2), 70), 1e-14);
  });

  it("holds on tridiagonal and diagonal matrices that split or nearly split", () => {
    // Wilkinson's W+ of order 101: pairs of eigenvalues closer than 1e-14
    checkEigh(
      tridiagonal(
        101,
        (i) => Math.abs(50 - i),
        () => 1,
      ),
      1e-14,
    );
    // two copies of it coupled by 1e-12, and by 0
    checkEigh(
      tridiagonal(
        202,
        (i) => Math.abs(50 - (i % 101)),
        (i) => (i === 100 ? 1e-12 : 1),
      ),
      1e-14,
    );
    checkEigh(
      tridiagonal(
        202,
        (i) => Math.abs(50 - (i % 101)),
        (i) => (i === 100 ? 0 : 1),
      ),
      1e-14,
    );
    // (1, 2, 1): eigenvalues 2 - 2 cos(k pi / (n + 1))
    for (const n of [32, 33, 200]) {
      const w = checkEigh(
        tridiagonal(
          n,
          () => 2,
          () => -1,
        ),
        1e-14,
      );
      expect(Math.max(...w.map((v, k) => Math.abs(v - (2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)))))), `1 2 1, n = ${n}`).toBeLessThan(1e-14);
    }
    // diagonal with repeats past the cut-off: every rank-one coupling is zero
    const d = Array.from({ length: 90 }, (_, i) => (i * 7) % 5);
    const w = checkEigh(diag(d), 1e-300);
    expect(w).toEqual([...d].sort((x, y) => x - y));
  });

  it("holds on matrices scaled near the ends of the exponent range", () => {
    // checked on the unscaled matrix, whose squares do not overflow or underflow in the check
    const a = symmetric(70, 7);
    for (const f of [1e-290, 1e290]) {
      const [W, X] = s.call("eigh_of", matrix(a.map((row) => row.map((v) => v * f)))) as Matrix[];
      const w = col(W).map((v) => v / f),
        x = X.toArrays();
      expect(fro(sub(mul(a, x), mul(x, diag(w)))) / fro(a), `A X - X W, scaled by ${f}`).toBeLessThan(1e-14);
      expect(fro(sub(mul(tr(x), x), eye(70))), `X'X - I, scaled by ${f}`).toBeLessThan(1e-14 * Math.sqrt(70));
    }
  });

  it("works in f32, returning f32", () => {
    checkEigh(symmetric(45, 2), 1e-5, "f32");
  });

  it("refuses a matrix that is not symmetric (3011) or not square (5002)", () => {
    expect(s.eval("code(() => eigh([1, 2; 3, 4]))").value).toBe(3011);
    expect(s.eval("message(() => eigh([1, 2; 3, 4]))").value).toBe("invalid argument to eigh: the matrix is not symmetric");
    expect(s.eval("code(() => eigh([1, 2, 3; 4, 5, 6]))").value).toBe(5002);
    // asymmetry at rounding level is forgiven: the symmetric part is used
    expect(s.eval("code(() => eigh([1, 2; 2 + 1e-15, 1]))").value).toBe(0);
  });
});

describe("svd", () => {
  it("gives U diag(S) V' == A with orthonormal U and V, S descending, square, tall and wide", () => {
    for (const n of SIZES) checkSVD(randomMatrix(n, n, 100 + n, false), 1e-14);
    for (const [m, n] of [
      [50, 7],
      [130, 70],
      [7, 50],
      [40, 97],
      [1, 5],
      [5, 1],
    ])
      checkSVD(randomMatrix(m, n, m + n, false), 1e-14);
  });

  it("holds on ill-conditioned and rank-deficient matrices", () => {
    const sv = checkSVD(hilbert(12), 1e-14);
    expect(sv[11] / sv[0]).toBeLessThan(1e-15);
    const a = randomMatrix(30, 12, 7, false) as M;
    for (const row of a) row[11] = row[0] + row[1];
    const sa = checkSVD(a, 1e-14);
    expect(sa[11] / sa[0]).toBeLessThan(1e-14);
    checkSVD(
      [
        [0, 0],
        [0, 0],
      ]
        .map((r) => r.map(() => 0))
        .concat([[0, 1]]),
      1e-15,
    );
  });

  it("works in f32, returning f32", () => {
    checkSVD(randomMatrix(40, 25, 3, false), 1e-5, "f32");
  });

  it("keeps its accuracy at the ends of the double range", () => {
    const a = randomMatrix(20, 12, 8, false) as M;
    const want = checkSVD(a, 1e-14);
    for (const scale of [1e-300, 1e-305, 1e300]) {
      const [, S] = s.call("svd_of", matrix(a.map((row) => row.map((v) => v * scale)))) as Matrix[];
      expect(relDiff([col(S).map((v) => v / scale)], [want]), `scale ${scale}`).toBeLessThan(1e-13);
      expect(s.call("rank_of", matrix(a.map((row) => row.map((v) => v * scale)))), `scale ${scale}`).toBe(12);
    }
  });
});

describe("pinv, rank and lstsq", () => {
  it("rank counts the singular values above max(m, n) eps s_max", () => {
    expect(s.eval("[rank([1, 2; 2, 4]), rank(eye(3)), rank(zeros(3, 4)), rank([1, 2, 3;])]").value).toEqual([1, 3, 0, 1]);
    const a = randomMatrix(30, 12, 7, false) as M;
    for (const row of a) row[11] = row[0] + row[1];
    expect(s.call("rank_of", matrix(a))).toBe(11);
    expect(s.call("rank_of", matrix(tr(a)))).toBe(11);
    expect(s.call("rank_of", matrix(hilbert(8)))).toBe(8);
  });

  it("pinv satisfies the Penrose conditions, also for rank-deficient and wide matrices", () => {
    for (const [m, n, dep] of [
      [6, 6, false],
      [20, 8, true],
      [8, 20, true],
      [70, 40, false],
    ] as const) {
      const a = randomMatrix(m, n, m * 7 + n, false) as M;
      if (dep) for (const row of a) row[n - 1] = row[0] - row[1];
      const x = arrays(s.call("pinv_of", matrix(a)));
      expect([x.length, x[0].length]).toEqual([n, m]);
      const axa = mul(mul(a, x), a),
        xax = mul(mul(x, a), x);
      expect(fro(sub(axa, a)) / fro(a)).toBeLessThan(1e-13);
      expect(fro(sub(xax, x)) / fro(x)).toBeLessThan(1e-13);
      const ax = mul(a, x),
        xa = mul(x, a);
      expect(fro(sub(ax, tr(ax)))).toBeLessThan(1e-13);
      expect(fro(sub(xa, tr(xa)))).toBeLessThan(1e-13);
    }
  });

  it("lstsq solves the normal equations; A \\ b with a non-square A is the same", () => {
    for (const [m, n, k] of [
      [3, 2, 1],
      [50, 7, 3],
      [130, 70, 2],
      [20, 20, 1],
    ]) {
      const a = randomMatrix(m, n, m + 3 * n, false) as M,
        b = randomMatrix(m, k, m + 5, false) as M;
      const x = arrays(s.call("lstsq_of", matrix(a), matrix(b)));
      // A'(A x - b) == 0
      const g = mul(tr(a), sub(mul(a, x), b));
      expect(fro(g) / (fro(a) * fro(b)), `${m} x ${n}`).toBeLessThan(1e-13);
      if (m !== n) expect(arrays(s.call("ldiv", matrix(a), matrix(b)))).toEqual(x);
    }
  });

  it("lstsq gives the minimum-norm solution when columns are dependent or rows fewer", () => {
    // x = [1, 1] and [0.5, 0.5, ...]: the minimum norm among all solutions
    const x1 = s.call(
      "lstsq_of",
      matrix([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
      matrix([[2], [4], [6]]),
    ) as Matrix;
    expect(col(x1).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 1]);
    const x2 = s.call("ldiv", matrix([[1, 1, 1, 1]]), matrix([[2]])) as Matrix;
    expect(col(x2).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it("keeps f32 only when every operand is f32", () => {
    const dtype = (v: unknown) => (v as Matrix).dtype;
    expect(dtype(s.call("pinv_of", matrix(eye(2), "f32")))).toBe("f32");
    expect(dtype(s.call("lstsq_of", matrix([[1], [1]], "f32"), matrix([[1], [3]], "f32")))).toBe("f32");
    expect(dtype(s.call("lstsq_of", matrix([[1], [1]], "f32"), matrix([[1], [3]])))).toBe("f64");
    expect(dtype(s.call("ldiv", matrix([[1], [1]]), matrix([[1], [3]], "f32")))).toBe("f64");
  });
});

describe("edge cases and errors", () => {
  it("empty and 1 x 1 matrices", () => {
    expect(s.eval('[shape(qr(zeros(0, 0))["Q"]), shape(svd(zeros(3, 0))["V"]), shape(pinv(zeros(2, 0))), rank(zeros(0, 0))]').value).toEqual([
      [0, 0],
      [0, 0],
      [0, 2],
      0,
    ]);
    expect(s.eval('[str(chol([9;])), str(eigh([-2;])["values"]), str(svd([-3;])["S"]), str(pinv([4;]))]').value).toEqual(["[3;]", "[-2;]", "[3;]", "[0.25;]"]);
  });

  it("wrong argument types are 5001, mismatched shapes 5002, NaN and infinity 3011", () => {
    for (const f of ["qr", "chol", "eigh", "svd", "pinv", "rank"]) {
      expect(s.eval(`code(() => ${f}(3))`).value, f).toBe(5001);
      expect(s.eval(`code(() => ${f}([[1, 2]]))`).value, f).toBe(5001);
      expect(s.eval(`code(() => ${f}(tensor([2, 2, 2])))`).value, f).toBe(5001);
      expect(s.eval(`code(() => ${f}([1, -1e308 * 10; -1e308 * 10, 1]))`).value, f).toBe(3011);
      expect(s.eval(`code(() => ${f}([1, 0; 0, 0 * (1e308 * 10)]))`).value, f).toBe(3011);
    }
    expect(s.eval("code(() => lstsq([1; 1], [1; 0 * (1e308 * 10)]))").value).toBe(3011);
    expect(s.eval("message(() => svd([1, 0; 0, 0 * (1e308 * 10)]))").value).toBe("invalid argument to svd: the matrix has an element that is NaN or infinite");
    expect(s.eval("code(() => lstsq(eye(2), 1))").value).toBe(5001);
    expect(s.eval("code(() => lstsq(eye(3), [1; 2]))").value).toBe(5002);
    expect(s.eval("code(() => [1, 2; 3, 4; 5, 6] \\ [1; 2])").value).toBe(5002);
    expect(s.eval("code(() => chol([1, 2, 3; 4, 5, 6]))").value).toBe(5002);
    expect(s.eval("message(() => chol([1, 2, 3; 4, 5, 6]))").value).toBe("shapes do not fit: [2, 3] and chol");
  });
});

// ---------------------------------------------------------------- against numpy

const numpy = (() => {
  const r = spawnSync("python3", ["-c", "import numpy; print(numpy.__version__)"], { encoding: "utf8" });
  return r.status === 0
    ? { ok: true, reason: "", version: r.stdout.trim() }
    : { ok: false, reason: `python3 cannot import numpy: ${(r.stderr || String(r.error)).trim().split("\n").pop()}`, version: "" };
})();

const NUMPY_SCRIPT = `
import json, sys, numpy as np
out = []
for case in json.load(sys.stdin):
    a = np.array(case["a"], dtype=float)
    op = case["op"]
    if op == "qr":
        q, r = np.linalg.qr(a)
        out.append([q.tolist(), r.tolist()])
    elif op == "chol":
        out.append([np.linalg.cholesky(a).tolist()])
    elif op == "eigh":
        w, x = np.linalg.eigh(a)
        out.append([w.tolist(), x.tolist()])
    elif op == "svd":
        u, sv, vt = np.linalg.svd(a, full_matrices=False)
        out.append([u.tolist(), sv.tolist(), vt.T.tolist()])
    elif op == "pinv":
        out.append([np.linalg.pinv(a, rtol=None).tolist()])
    elif op == "rank":
        out.append([int(np.linalg.matrix_rank(a))])
    elif op == "lstsq":
        out.append([np.linalg.lstsq(a, np.array(case["b"], dtype=float), rcond=None)[0].tolist()])
print(json.dumps(out))
`;

/** Largest difference between two matrices relative to the largest entry of the second. */
const relDiff = (a: M, b: M) => {
  const x = a.flat(),
    y = b.flat();
  expect(x.length).toBe(y.length);
  return x.reduce((d, v, i) => Math.max(d, Math.abs(v - y[i])), 0) / y.reduce((d, v) => Math.max(d, Math.abs(v)), 1e-300);
};
/** The same after giving each column of a the sign of the matching column of b. */
const relDiffUpToSigns = (a: M, b: M) => {
  const signs = a[0].map((_, j) => Math.sign(a.reduce((t, row, i) => t + row[j] * b[i][j], 0)) || 1);
  return relDiff(
    a.map((row) => row.map((v, j) => v * signs[j])),
    b,
  );
};

describe.skipIf(!numpy.ok)(`against numpy${numpy.ok ? "" : ` (skipped: ${numpy.reason})`}`, () => {
  it(`agrees with numpy ${numpy.version} on random inputs`, () => {
    const cases: { op: string; a: M; b?: M }[] = [];
    for (const [m, n] of [
      [6, 6],
      [40, 40],
      [70, 33],
      [33, 70],
    ]) {
      const a = randomMatrix(m, n, 1000 + m + n, false) as M;
      cases.push({ op: "qr", a }, { op: "svd", a }, { op: "pinv", a }, { op: "rank", a });
      if (m >= n) cases.push({ op: "lstsq", a, b: randomMatrix(m, 2, m, false) });
    }
    for (const n of [5, 40, 80]) cases.push({ op: "chol", a: spd(n, 2000 + n) }, { op: "eigh", a: symmetric(n, 3000 + n) });
    // past the divide-and-conquer cut-off at two levels
    cases.push({ op: "eigh", a: symmetric(130, 3130) });
    const deficient = randomMatrix(25, 10, 11, false) as M;
    for (const row of deficient) row[9] = 2 * row[2] - row[5];
    cases.push({ op: "rank", a: deficient }, { op: "pinv", a: deficient }, { op: "lstsq", a: deficient, b: randomMatrix(25, 1, 12, false) });
    const r = spawnSync("python3", ["-c", NUMPY_SCRIPT], {
      input: JSON.stringify(cases),
      encoding: "utf8",
      maxBuffer: 64 << 20,
      env: { ...process.env, OPENBLAS_NUM_THREADS: "1" },
    });
    expect(r.status, r.stderr).toBe(0);
    const want = JSON.parse(r.stdout) as unknown[][];
    cases.forEach((c, i) => {
      const label = `${c.op} ${c.a.length} x ${c.a[0].length}`;
      const w = want[i];
      switch (c.op) {
        case "qr": {
          // the same Householder convention as LAPACK's, so the same signs
          const [Q, R] = s.call("qr_of", matrix(c.a)) as Matrix[];
          expect(relDiff(Q.toArrays(), w[0] as M), label).toBeLessThan(1e-12);
          expect(relDiff(R.toArrays(), w[1] as M), label).toBeLessThan(1e-12);
          break;
        }
        case "chol":
          expect(relDiff(arrays(s.call("chol_of", matrix(c.a))), w[0] as M), label).toBeLessThan(1e-13);
          break;
        case "eigh": {
          const [W, X] = s.call("eigh_of", matrix(c.a)) as Matrix[];
          expect(relDiff([col(W)], [w[0] as number[]]), label).toBeLessThan(1e-13);
          expect(relDiffUpToSigns(X.toArrays(), w[1] as M), label).toBeLessThan(1e-10);
          break;
        }
        case "svd": {
          const [U, S, V] = s.call("svd_of", matrix(c.a)) as Matrix[];
          expect(relDiff([col(S)], [w[1] as number[]]), label).toBeLessThan(1e-13);
          expect(relDiffUpToSigns(U.toArrays(), w[0] as M), label).toBeLessThan(1e-10);
          expect(relDiffUpToSigns(V.toArrays(), w[2] as M), label).toBeLessThan(1e-10);
          break;
        }
        case "pinv":
          expect(relDiff(arrays(s.call("pinv_of", matrix(c.a))), w[0] as M), label).toBeLessThan(1e-11);
          break;
        case "rank":
          expect(s.call("rank_of", matrix(c.a)), label).toBe(w[0]);
          break;
        case "lstsq":
          expect(relDiff(arrays(s.call("lstsq_of", matrix(c.a), matrix(c.b as M))), w[0] as M), label).toBeLessThan(1e-11);
          break;
      }
    });
  });
});
