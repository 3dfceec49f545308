// The linear-algebra kernels against plain references: products on random shapes (fast-check)
// for both builds of the core, and inverse/solve residuals on well-conditioned matrices.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Matrix, Noodle } from "../../src/index.js";
import { ROOT } from "../helpers.js";
// @ts-expect-error: plain JavaScript shared with a child process
import { checkProducts, randomMatrix } from "./fixtures/products.mjs";

const shape = fc.record({ m: fc.integer({ min: 1, max: 37 }), k: fc.integer({ min: 1, max: 37 }), n: fc.integer({ min: 1, max: 37 }) });
const EDGES = [
  { m: 1, k: 1, n: 1 },
  { m: 1, k: 50, n: 9 },
  { m: 9, k: 50, n: 1 },
  { m: 5, k: 300, n: 7 },
  { m: 65, k: 257, n: 33 },
  { m: 130, k: 20, n: 1030 },
  { m: 37, k: 800, n: 11 },
];

describe("matrix product", () => {
  it("f64 products of integer matrices are exact, on random and edge shapes", async () => {
    const s = await Noodle.create({ core: "simd", stdout: () => {} });
    fc.assert(
      fc.property(fc.array(shape, { minLength: 1, maxLength: 4 }), (shapes) => {
        expect(checkProducts(s, shapes, "f64", true).exactFailures).toBe(0);
      }),
      { numRuns: 60, seed: 42 },
    );
    expect(checkProducts(s, EDGES, "f64", true).exactFailures).toBe(0);
  });

  it("products with an empty dimension have the right shape", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    expect(s.eval("[shape(zeros(0, 3) * zeros(3, 4)), zeros(2, 0) * zeros(0, 3) == zeros(2, 3)]").value).toEqual([[0, 4], true]);
  });

  it("f64 and f32 products of real matrices match the reference", async () => {
    const s = await Noodle.create({ core: "simd", stdout: () => {} });
    expect(checkProducts(s, EDGES, "f64", false).worst).toBeLessThan(1e-14);
    expect(checkProducts(s, EDGES, "f32", false).worst).toBeLessThan(1e-5);
  });

  // The relaxed build fuses multiply-adds; Node 20 runs it only with a flag, browsers by default.
  it("the relaxed-SIMD build gives the same results", () => {
    if (!existsSync(ROOT + "dist/index.js")) throw new Error("build first: npm run build");
    const r = spawnSync(process.execPath, ["--experimental-wasm-relaxed-simd", ROOT + "tests/linalg/fixtures/relaxed-products.mjs", JSON.stringify(EDGES)], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.variant).toBe("relaxed");
    expect(out.f64.exactFailures).toBe(0);
    expect(out.f32.worst).toBeLessThan(1e-5);
  });
});

describe("inverse and solve", () => {
  it("leave residuals below 1e-10 on well-conditioned matrices", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    s.eval(`
      func check(A, b) {
        let n = rows(A)
        let x = A \\ b
        let r1 = norm(A * x - b) / (norm(A) * norm(x))
        let r2 = norm(A * inv(A) - eye(n)) / n
        let L = lu(A)
        let r3 = norm(L["P"] * A - L["L"] * L["U"]) / norm(A)
        return [r1, r2, r3]
      }`);
    for (const n of [1, 2, 7, 33, 100, 161]) {
      // diagonally dominant: well-conditioned
      const a = randomMatrix(n, n, n, false).map((row: number[], i: number) => row.map((v, j) => (i === j ? v + n : v)));
      const b = randomMatrix(n, 3, n + 1, false);
      const [r1, r2, r3] = s.call("check", s.matrix(a), s.matrix(b)) as number[];
      expect(Math.max(r1, r2, r3), `n=${n}`).toBeLessThan(1e-10);
    }
  });

  it("reports singular matrices (3010) and shape errors (5002)", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    s.eval("func tryit(f) { try { f(); return 0 } catch e { return e.code } }");
    expect(s.eval("tryit(() => inv([1, 2; 2, 4]))").value).toBe(3010);
    expect(s.eval("tryit(() => [1, 2; 2, 4] \\ [1; 2])").value).toBe(3010);
    expect(s.eval("tryit(() => det([1, 2, 3; 4, 5, 6]))").value).toBe(5002);
    expect(s.eval("tryit(() => [1, 2;] + 1)").value).toBe(0);
    expect(s.eval("tryit(() => [1, 2; 3, 4] + [1, 2, 3;])").value).toBe(5002);
    expect(s.eval("tryit(() => solve(eye(2), [1; 2; 3]))").value).toBe(5002);
    const d = s.eval("det([1, 2; 2, 4])").value;
    expect(d).toBe(0);
  });
});

describe("inverse", () => {
  /** Gauss-Jordan elimination with partial pivoting: a reference that shares nothing with the LU path. */
  function gaussJordan(a: number[][]): number[][] {
    const n = a.length;
    const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
    for (let c = 0; c < n; c++) {
      let p = c;
      for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
      [m[c], m[p]] = [m[p], m[c]];
      const d = m[c][c];
      for (let j = 0; j < 2 * n; j++) m[c][j] /= d;
      for (let r = 0; r < n; r++) {
        if (r === c || m[r][c] === 0) continue;
        const f = m[r][c];
        for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
      }
    }
    return m.map((row) => row.slice(n));
  }

  it("matches Gauss-Jordan and leaves small residuals, on sizes around the block size", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    s.eval("func inverse(A) { return inv(A) }");
    for (const n of [1, 2, 5, 31, 32, 33, 64, 65, 97, 130]) {
      // a random matrix plus a large entry per row off the diagonal: partial pivoting must permute rows
      const a = randomMatrix(n, n, 3 * n, false).map((row: number[], i: number) => row.map((v, j) => (j === (i + 5) % n ? v + 3 : v)));
      const x = (s.call("inverse", s.matrix(a)) as Matrix).toArrays();
      const want = gaussJordan(a);
      let diff = 0,
        scale = 0,
        residual = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          diff = Math.max(diff, Math.abs(x[i][j] - want[i][j]));
          scale = Math.max(scale, Math.abs(want[i][j]));
          let ax = 0;
          for (let k = 0; k < n; k++) ax += a[i][k] * x[k][j];
          residual = Math.max(residual, Math.abs(ax - (i === j ? 1 : 0)));
        }
      }
      expect(diff / scale, `n=${n}`).toBeLessThan(1e-10);
      expect(residual, `n=${n}`).toBeLessThan(1e-10);
    }
  });

  it("is exact where the arithmetic is, and keeps f32 for f32 input", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    expect(s.eval("inv([4;]) == [0.25;]").value).toBe(true);
    expect(s.eval("inv([2, 1; 1, 1]) == [1, -1; -1, 2]").value).toBe(true);
    expect(s.eval("inv([0, 1, 0; 0, 0, 1; 1, 0, 0]) == [0, 0, 1; 1, 0, 0; 0, 1, 0]").value).toBe(true);
    expect(s.eval("str(inv(f32([2, 0; 0, 4])))").value).toBe("f32[0.5, 0; 0, 0.25]");
  });

  it("reports singular matrices (3010), also past the first block", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    s.eval("func tryit(f) { try { f(); return 0 } catch e { return e.code } }");
    expect(s.eval("tryit(() => inv([0;]))").value).toBe(3010);
    expect(s.eval("tryit(() => inv(zeros(3, 3)))").value).toBe(3010);
    // 70 x 70 with its last row equal to its first: the zero pivot comes in the third block
    const a = randomMatrix(70, 70, 9, false);
    a[69] = [...a[0]];
    s.eval("func invOf(A) { return tryit(() => inv(A)) }");
    expect(s.call("invOf", s.matrix(a))).toBe(3010);
  });
});

describe("element-wise operations and reductions", () => {
  it("follow the reference on random matrices", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    s.eval("func ops(A, B) { return [A + B, A - B, A .* B, A ./ B, 2 * A, A / 4, -A, A', sum(A), mean(A), trace(A * B'), norm(A)] }");
    const a = randomMatrix(5, 7, 1, false),
      b = randomMatrix(5, 7, 2, false).map((r: number[]) => r.map((v) => v + 3));
    const [add, sub, mul, div, scale, quarter, neg, tr, total, mean, traceAB, norm] = s.call("ops", s.matrix(a), s.matrix(b)) as unknown[];
    const each = (m: unknown, f: (i: number, j: number) => number) =>
      (m as Matrix).toArrays().every((row, i) => row.every((v, j) => Math.abs(v - f(i, j)) < 1e-12));
    expect(each(add, (i, j) => a[i][j] + b[i][j])).toBe(true);
    expect(each(sub, (i, j) => a[i][j] - b[i][j])).toBe(true);
    expect(each(mul, (i, j) => a[i][j] * b[i][j])).toBe(true);
    expect(each(div, (i, j) => a[i][j] / b[i][j])).toBe(true);
    expect(each(scale, (i, j) => 2 * a[i][j])).toBe(true);
    expect(each(quarter, (i, j) => a[i][j] / 4)).toBe(true);
    expect(each(neg, (i, j) => -a[i][j])).toBe(true);
    expect(each(tr, (i, j) => a[j][i])).toBe(true);
    const flat = a.flat();
    expect(total as number).toBeCloseTo(
      flat.reduce((x: number, y: number) => x + y, 0),
      12,
    );
    expect(mean as number).toBeCloseTo(flat.reduce((x: number, y: number) => x + y, 0) / flat.length, 12);
    let t = 0;
    for (let i = 0; i < 5; i++) for (let p = 0; p < 7; p++) t += a[i][p] * b[i][p];
    expect(traceAB as number).toBeCloseTo(t, 10);
    expect(norm as number).toBeCloseTo(Math.sqrt(flat.reduce((x: number, y: number) => x + y * y, 0)), 12);
  });
});

describe("transpose, element-wise operations and reductions on random shapes", () => {
  it("match plain references, including one row, one column and sizes off the SIMD width", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    s.eval("func ops(A, B) { return [A', A + B, A .* B, A - 2 * B, sum(A), det(A * A' + eye(rows(A)))] }");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 1000 }), (m, n, seed) => {
        const a = randomMatrix(m, n, seed, true),
          b = randomMatrix(m, n, seed + 1, true);
        const [tr, add, mul, sub, total] = s.call("ops", s.matrix(a), s.matrix(b)) as [Matrix, Matrix, Matrix, Matrix, number];
        expect(tr.toArrays()).toEqual(Array.from({ length: n }, (_, j) => Array.from({ length: m }, (_, i) => a[i][j])));
        expect(add.toArrays()).toEqual(a.map((row: number[], i: number) => row.map((v, j) => v + b[i][j])));
        expect(mul.toArrays()).toEqual(a.map((row: number[], i: number) => row.map((v, j) => v * b[i][j])));
        expect(sub.toArrays()).toEqual(a.map((row: number[], i: number) => row.map((v, j) => v - 2 * b[i][j])));
        expect(total).toBe(a.flat().reduce((x: number, y: number) => x + y, 0));
        [tr, add, mul, sub].forEach((x) => x.dispose());
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});
