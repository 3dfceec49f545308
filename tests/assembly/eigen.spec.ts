// The kernels of the symmetric tridiagonal eigensolver: the secular equation's roots and
// vectors (the merge step of divide and conquer) and the whole divide-and-conquer solver, on
// problems whose answers are known or checkable by their defining equalities.
import { allocPinned } from "../../assembly/heap/alloc";
import { HEADER } from "../../assembly/heap/layout";
import { secularRoots, secularVectors } from "../../assembly/linalg/secular";
import { tridiagonalEigen, divideScratch } from "../../assembly/linalg/divide";
import { freshCoreHeap } from "./heap.include";

let seed: u32 = 777;
function nextUniform(): f64 {
  seed = seed * 1664525 + 1013904223;
  return <f64>(seed >>> 8) / <f64>(1 << 24) - 0.5;
}

function room(count: u32): u32 {
  return (allocPinned(count * 8 + 16) + HEADER + 15) & ~15;
}

// @ts-ignore: decorator
@inline function at(p: u32, i: u32): f64 {
  return load<f64>(p + (i << 3));
}

/** max |U'U - I| for u (n x k, row stride k). */
function orthogonality(u: u32, n: u32, k: u32): f64 {
  let worst: f64 = 0;
  for (let a: u32 = 0; a < k; a++) {
    for (let b: u32 = 0; b < k; b++) {
      let s: f64 = 0;
      for (let i: u32 = 0; i < n; i++) s += at(u, i * k + a) * at(u, i * k + b);
      worst = max(worst, Math.abs(s - (a == b ? 1 : 0)));
    }
  }
  return worst;
}

/** The secular problem diag(d) + rho z z' of k poles: roots, vectors, and the worst residual. */
function secularResidual(k: u32, d: u32, z: u32, rho: f64): f64 {
  const lam = room(k), delta = room(k * k), rel = room(k), u = room(k * k), rows = room(k), w = room(k), norms = room(k);
  for (let j: u32 = 0; j < k; j++) store<u32>(rows + (j << 2), j);
  secularRoots(k, d, z, rho, lam, delta, rel);
  for (let i: u32 = 0; i < k; i++) {
    // interlacing, d_i <= lam_i <= d_i+1 (a root can round to its pole), and strictly so in
    // the differences kept
    expect<bool>(at(lam, i) >= at(d, i) && at(delta, i * k + i) < 0).toBe(true);
    if (i + 1 < k) expect<bool>(at(lam, i) <= at(d, i + 1) && at(delta, (i + 1) * k + i) > 0).toBe(true);
    // the differences kept are the differences
    for (let j: u32 = 0; j < k; j++) expect<f64>(Math.abs(at(delta, j * k + i) - (at(d, j) - at(lam, i)))).toBeLessThan(1e-14);
  }
  secularVectors(k, d, z, delta, u, rows, w, norms);
  expect<f64>(orthogonality(u, k, k)).toBeLessThan(1e-14 * <f64>k);
  // (diag(d) + rho z z') u_i - lam_i u_i
  let worst: f64 = 0;
  for (let i: u32 = 0; i < k; i++) {
    let zu: f64 = 0;
    for (let j: u32 = 0; j < k; j++) zu += at(z, j) * at(u, j * k + i);
    for (let j: u32 = 0; j < k; j++) {
      worst = max(worst, Math.abs(at(d, j) * at(u, j * k + i) + rho * at(z, j) * zu - at(lam, i) * at(u, j * k + i)));
    }
  }
  return worst;
}

describe("secular equation", () => {
  beforeAll(() => {
    freshCoreHeap();
  });

  it("one pole", () => {
    const d = room(1), z = room(1);
    store<f64>(d, 2);
    store<f64>(z, 1);
    expect<f64>(secularResidual(1, d, z, 0.5)).toBeLessThan(1e-15);
  });

  it("random poles and weights: interlacing roots, orthonormal vectors, small residual", () => {
    const k: u32 = 60;
    const d = room(k), z = room(k);
    let x: f64 = -1;
    let zz: f64 = 0;
    for (let j: u32 = 0; j < k; j++) {
      x += 0.01 + Math.abs(nextUniform());
      store<f64>(d + (j << 3), x);
      store<f64>(z + (j << 3), nextUniform());
      zz += at(z, j) * at(z, j);
    }
    for (let j: u32 = 0; j < k; j++) store<f64>(z + (j << 3), at(z, j) / Math.sqrt(zz));
    expect<f64>(secularResidual(k, d, z, 1.5)).toBeLessThan(1e-14);
  });

  it("poles 1e-10 apart and weights spanning ten orders of magnitude", () => {
    const k: u32 = 24;
    const d = room(k), z = room(k);
    for (let j: u32 = 0; j < k; j++) {
      store<f64>(d + (j << 3), <f64>(j / 3) + 1e-10 * <f64>(j % 3));
      store<f64>(z + (j << 3), Math.pow(10, -<f64>(j % 11)) * (j % 2 == 0 ? 1 : -1));
    }
    expect<f64>(secularResidual(k, d, z, 0.8)).toBeLessThan(1e-14);
  });
});

/** Solves the tridiagonal (d, e) of order n; checks T X = X diag(d) and X'X = I; d is replaced. */
function solveAndCheck(d: u32, e: u32, n: u32): void {
  const d0 = room(n);
  memory.copy(d0, d, n << 3);
  const q = room(n * n);
  expect<bool>(tridiagonalEigen(d, e, n, q, room(divideScratch(n)), room(n * n))).toBe(true);
  let worst: f64 = 0;
  for (let c: u32 = 0; c < n; c++) {
    for (let r: u32 = 0; r < n; r++) {
      let t = at(d0, r) * at(q, r * n + c);
      if (r > 0) t += at(e, r - 1) * at(q, (r - 1) * n + c);
      if (r + 1 < n) t += at(e, r) * at(q, (r + 1) * n + c);
      worst = max(worst, Math.abs(t - at(d, c) * at(q, r * n + c)));
    }
  }
  expect<f64>(worst).toBeLessThan(1e-13);
  expect<f64>(orthogonality(q, n, n)).toBeLessThan(1e-14 * <f64>n);
}

describe("divide and conquer", () => {
  beforeAll(() => {
    freshCoreHeap();
  });

  it("the (-1, 2, -1) matrix: the known eigenvalues 2 - 2 cos(k pi / (n + 1)), n on both sides of the cut-off", () => {
    const sizes: u32[] = [1, 2, 3, 32, 33, 65, 150];
    for (let t = 0; t < sizes.length; t++) {
      const n = sizes[t];
      const d = room(n), e = room(n);
      for (let i: u32 = 0; i < n; i++) {
        store<f64>(d + (i << 3), 2);
        store<f64>(e + (i << 3), -1);
      }
      solveAndCheck(d, e, n);
      // each known value is found
      for (let k: u32 = 1; k <= n; k++) {
        const want = 2 - 2 * Math.cos((<f64>k * Math.PI) / <f64>(n + 1));
        let nearest: f64 = Infinity;
        for (let i: u32 = 0; i < n; i++) nearest = min(nearest, Math.abs(at(d, i) - want));
        expect<f64>(nearest).toBeLessThan(1e-14);
      }
    }
  });

  it("random entries, and a zero coupling between the halves", () => {
    const n: u32 = 120;
    const d = room(n), e = room(n);
    for (let i: u32 = 0; i < n; i++) {
      store<f64>(d + (i << 3), nextUniform());
      store<f64>(e + (i << 3), i == 59 ? 0 : nextUniform());
    }
    solveAndCheck(d, e, n);
  });

  it("a diagonal matrix with repeated values", () => {
    const n: u32 = 100;
    const d = room(n), e = room(n);
    for (let i: u32 = 0; i < n; i++) {
      store<f64>(d + (i << 3), <f64>(i % 4));
      store<f64>(e + (i << 3), 0);
    }
    solveAndCheck(d, e, n);
  });
});
