// The dense kernels against plain reference loops: the blocked SIMD products (f64 and f32, with
// edges and panel boundaries), and LU with its solve and inverse.
import { allocPinned } from "../../assembly/heap/alloc";
import { HEADER } from "../../assembly/heap/layout";
import { matmulF64, matmulF32 } from "../../assembly/linalg/matmul";
import { luFactor, luSolve } from "../../assembly/linalg/lu";
import { luInverse } from "../../assembly/linalg/inverse";
import { freshCoreHeap } from "./heap.include";

let seed: u32 = 12345;
function nextUniform(): f64 {
  seed = seed * 1664525 + 1013904223; // a fixed LCG: the same numbers on every run
  return <f64>(seed >>> 8) / <f64>(1 << 24) - 0.5;
}

/** 16-byte aligned room for `count` elements of `width` bytes. */
function room(count: u32, width: u32): u32 {
  return (allocPinned(count * width + 16) + HEADER + 15) & ~15;
}

function randomF64(count: u32): u32 {
  const p = room(count, 8);
  for (let i: u32 = 0; i < count; i++) store<f64>(p + (i << 3), nextUniform());
  return p;
}

function naiveF64(a: u32, b: u32, m: u32, k: u32, n: u32): u32 {
  const c = room(m * n, 8);
  for (let i: u32 = 0; i < m; i++) {
    for (let j: u32 = 0; j < n; j++) {
      let s: f64 = 0;
      for (let p: u32 = 0; p < k; p++) s += load<f64>(a + ((i * k + p) << 3)) * load<f64>(b + ((p * n + j) << 3));
      store<f64>(c + ((i * n + j) << 3), s);
    }
  }
  return c;
}

function maxDiffF64(x: u32, y: u32, count: u32): f64 {
  let d: f64 = 0;
  for (let i: u32 = 0; i < count; i++) d = max(d, Math.abs(load<f64>(x + (i << 3)) - load<f64>(y + (i << 3))));
  return d;
}

function productMatches(m: u32, k: u32, n: u32): void {
  const a = randomF64(m * k);
  const b = randomF64(k * n);
  const c = room(m * n, 8);
  matmulF64(a, b, c, m, k, n);
  expect<f64>(maxDiffF64(c, naiveF64(a, b, m, k, n), m * n)).toBeLessThan(1e-12 * <f64>k);
}

function productMatchesF32(m: u32, k: u32, n: u32): void {
  const a = room(m * k, 4), b = room(k * n, 4), c = room(m * n, 4);
  for (let i: u32 = 0; i < m * k; i++) store<f32>(a + (i << 2), <f32>nextUniform());
  for (let i: u32 = 0; i < k * n; i++) store<f32>(b + (i << 2), <f32>nextUniform());
  matmulF32(a, b, c, m, k, n);
  let worst: f64 = 0;
  for (let i: u32 = 0; i < m; i++) {
    for (let j: u32 = 0; j < n; j++) {
      let s: f64 = 0;
      for (let p: u32 = 0; p < k; p++) s += <f64>load<f32>(a + ((i * k + p) << 2)) * <f64>load<f32>(b + ((p * n + j) << 2));
      worst = max(worst, Math.abs(<f64>load<f32>(c + ((i * n + j) << 2)) - s));
    }
  }
  expect<f64>(worst).toBeLessThan(1e-6 * <f64>k);
}

describe("matrix product", () => {
  beforeAll(() => {
    freshCoreHeap();
  });

  it("f64: matches the reference on tiles, edges and panel boundaries", () => {
    productMatches(1, 1, 1);
    productMatches(3, 5, 7);
    productMatches(4, 4, 4);
    productMatches(17, 33, 9);
    productMatches(65, 130, 70);
    productMatches(40, 400, 37); // deeper than one packed panel
  });

  it("f32: matches the reference on tiles, edges and panel boundaries", () => {
    productMatchesF32(1, 1, 1);
    productMatchesF32(5, 3, 9);
    productMatchesF32(8, 8, 8);
    productMatchesF32(33, 17, 41);
    productMatchesF32(36, 390, 70);
  });
});

/** ||A x - b||max for A (n x n) and x, b (n x 1). */
function residual(a: u32, x: u32, b: u32, n: u32): f64 {
  let worst: f64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let s: f64 = 0;
    for (let j: u32 = 0; j < n; j++) s += load<f64>(a + ((i * n + j) << 3)) * load<f64>(x + (j << 3));
    worst = max(worst, Math.abs(s - load<f64>(b + (i << 3))));
  }
  return worst;
}

function copyOf(p: u32, count: u32): u32 {
  const q = room(count, 8);
  memory.copy(q, p, count << 3);
  return q;
}

describe("LU", () => {
  beforeAll(() => {
    freshCoreHeap();
  });

  it("factors P A = L U, small and past the blocking width", () => {
    for (let t = 0; t < 3; t++) {
      const n: u32 = t == 0 ? 5 : t == 1 ? 33 : 70;
      const a = randomF64(n * n);
      const lu = copyOf(a, n * n);
      const perm = room(n, 4);
      expect<i32>(abs<i32>(luFactor(lu, n, perm))).toBe(1);
      let worst: f64 = 0;
      for (let i: u32 = 0; i < n; i++) {
        for (let j: u32 = 0; j < n; j++) {
          let s: f64 = 0; // (L U)[i, j], L unit lower
          for (let p: u32 = 0; p <= min(i, j); p++) {
            const l = p == i ? 1.0 : load<f64>(lu + ((i * n + p) << 3));
            s += l * load<f64>(lu + ((p * n + j) << 3));
          }
          const pa = load<f64>(a + ((load<u32>(perm + (i << 2)) * n + j) << 3));
          worst = max(worst, Math.abs(s - pa));
        }
      }
      expect<f64>(worst).toBeLessThan(1e-12 * <f64>n);
    }
  });

  it("solves A x = b", () => {
    const n: u32 = 50;
    const a = randomF64(n * n);
    const b = randomF64(n);
    const lu = copyOf(a, n * n);
    const perm = room(n, 4);
    luFactor(lu, n, perm);
    const x = copyOf(b, n);
    luSolve(lu, n, perm, x, 1, room(n, 8));
    expect<f64>(residual(a, x, b, n)).toBeLessThan(1e-10);
  });

  it("inverts: A times its inverse is the identity", () => {
    const n: u32 = 40;
    const a = randomF64(n * n);
    const lu = copyOf(a, n * n);
    const perm = room(n, 4);
    luFactor(lu, n, perm);
    const inv = room(n * n, 8);
    luInverse(lu, n, perm, inv, room(n, 8));
    const product = naiveF64(a, inv, n, n, n);
    let worst: f64 = 0;
    for (let i: u32 = 0; i < n; i++) {
      for (let j: u32 = 0; j < n; j++) worst = max(worst, Math.abs(load<f64>(product + ((i * n + j) << 3)) - (i == j ? 1.0 : 0.0)));
    }
    expect<f64>(worst).toBeLessThan(1e-9);
  });

  it("reports a singular matrix", () => {
    const n: u32 = 6;
    const a = randomF64(n * n);
    // row 4 = row 1 + row 2
    for (let j: u32 = 0; j < n; j++) store<f64>(a + ((4 * n + j) << 3), load<f64>(a + ((n + j) << 3)) + load<f64>(a + ((2 * n + j) << 3)));
    expect<i32>(luFactor(a, n, room(n, 4))).toBe(0);
  });
});
