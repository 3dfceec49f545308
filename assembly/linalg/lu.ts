// LU factorisation with partial pivoting (P A = L U) on an n x n f64 matrix in place, and the
// triangular solves built on it (determinant, solving and the inverse use them). A pivot no
// larger than n * eps * max|A| counts as zero: the matrix is singular. Most of the work runs in
// the product kernel; what is left (strips of NB columns, triangles of NB rows) runs along rows,
// contiguous in memory, two doubles at a time.

/** y[0..n) -= s * x[0..n) */
// @ts-ignore: decorator
@inline function axpyNeg(y: u32, x: u32, s: f64, n: u32): void {
  const sv = f64x2.splat(s);
  let j: u32 = 0;
  for (; j + 2 <= n; j += 2) {
    const o = j << 3;
    v128.store(y + o, f64x2.sub(v128.load(y + o), f64x2.mul(sv, v128.load(x + o))));
  }
  if (j < n) store<f64>(y + (j << 3), load<f64>(y + (j << 3)) - s * load<f64>(x + (j << 3)));
}

import { gemm64 } from "./matmul";

/** Rows or columns a triangular step handles directly; the rest goes through the product kernel. */
export const NB: u32 = 32;

// @ts-ignore: decorator
@inline export function at(a: u32, n: u32, i: u32, j: u32): u32 {
  return a + ((i * n + j) << 3);
}

function swapRows(a: u32, n: u32, i: u32, j: u32): void {
  const x = at(a, n, i, 0), y = at(a, n, j, 0);
  for (let c: u32 = 0; c < n; c += 2) {
    if (c + 2 <= n) {
      const o = c << 3;
      const t = v128.load(x + o);
      v128.store(x + o, v128.load(y + o));
      v128.store(y + o, t);
    } else {
      const t = load<f64>(x + (c << 3));
      store<f64>(x + (c << 3), load<f64>(y + (c << 3)));
      store<f64>(y + (c << 3), t);
    }
  }
}

// the factorisation's state, shared by its recursion
let tiny: f64 = 0;
let sign: i32 = 1;

/**
 * Factors `a` (n x n, f64, row-major) in place: L below the diagonal (unit diagonal implied), U
 * on and above it. `perm` receives the row permutation (u32 each): row i of P A is row perm[i]
 * of A. Returns the permutation sign, or 0 when singular.
 */
export function luFactor(a: u32, n: u32, perm: u32): i32 {
  let scale: f64 = 0;
  for (let i: u32 = 0; i < n * n; i++) scale = max(scale, Math.abs(load<f64>(a + (i << 3))));
  tiny = <f64>n * 2.220446049250313e-16 * scale;
  sign = 1;
  for (let i: u32 = 0; i < n; i++) store<u32>(perm + (i << 2), i);
  return factorColumns(a, n, perm, 0, n) ? sign : 0;
}

/**
 * Factors columns [k0, k0+w) over rows [k0, n), whose earlier columns are done and applied,
 * recursively: the left half, then the top of the right half solved against the left half's
 * unit lower triangle, the rest of the right half updated in one product (a deep one, where
 * NB-column panels would make many shallow ones), then that rest. Strips of at most NB columns
 * are factored one column at a time. Row swaps span whole rows, so they reach every column.
 */
function factorColumns(a: u32, n: u32, perm: u32, k0: u32, w: u32): bool {
  if (w <= NB) return factorStrip(a, n, perm, k0, w);
  const w1 = max(NB, (w >> 1) & ~(NB - 1));
  const k1 = k0 + w1, w2 = w - w1;
  if (!factorColumns(a, n, perm, k0, w1)) return false;
  solveLower(a, n, k0, k1, at(a, n, 0, k1), n, w2);
  gemm64(n - k1, w2, w1, at(a, n, k1, k0), n, at(a, n, k0, k1), n, at(a, n, k1, k1), n, true);
  return factorColumns(a, n, perm, k1, w2);
}

/** Columns [k0, k0+w) over rows [k0, n), one pivot column at a time. */
function factorStrip(a: u32, n: u32, perm: u32, k0: u32, w: u32): bool {
  const k1 = k0 + w;
  for (let k = k0; k < k1; k++) {
    let piv = k;
    let best = Math.abs(load<f64>(at(a, n, k, k)));
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(load<f64>(at(a, n, i, k)));
      if (v > best) {
        best = v;
        piv = i;
      }
    }
    if (best <= tiny || best == 0) return false;
    if (piv != k) {
      sign = -sign;
      swapRows(a, n, k, piv);
      const t = load<u32>(perm + (k << 2));
      store<u32>(perm + (k << 2), load<u32>(perm + (piv << 2)));
      store<u32>(perm + (piv << 2), t);
    }
    const inv = 1 / load<f64>(at(a, n, k, k));
    for (let i = k + 1; i < n; i++) {
      const l = load<f64>(at(a, n, i, k)) * inv;
      store<f64>(at(a, n, i, k), l);
      if (l != 0) axpyNeg(at(a, n, i, k + 1), at(a, n, k, k + 1), l, k1 - k - 1);
    }
  }
  return true;
}

/**
 * B = L^-1 B on rows [r0, r1) of b (row stride ldb, nc columns; b addressed by absolute row), L
 * the unit lower triangle of lu on those rows: blocks of NB rows, each taking the rows above it
 * through the product kernel, then its own triangle.
 */
export function solveLower(lu: u32, n: u32, r0: u32, r1: u32, b: u32, ldb: u32, nc: u32): void {
  for (let i0 = r0; i0 < r1; i0 += NB) {
    const i1 = min(i0 + NB, r1);
    if (i0 > r0) gemm64(i1 - i0, nc, i0 - r0, at(lu, n, i0, r0), n, b + ((r0 * ldb) << 3), ldb, b + ((i0 * ldb) << 3), ldb, true);
    solveLowerBlock(lu, n, i0, i1, b, ldb, nc);
  }
}

/**
 * Row i of b (row stride ldb), columns [c, c+8), becomes (b_i - sum over k in [k0, k1) of t_ik
 * b_k) * s, with t_ik read from row i of lu. The eight columns stay in registers while the row
 * takes in all its terms, so it is loaded and stored once.
 */
// @ts-ignore: decorator
@inline function updateRow8(lu: u32, n: u32, i: u32, k0: u32, k1: u32, b: u32, ldb: u32, c: u32, s: f64): void {
  const bi = b + ((i * ldb + c) << 3);
  let y0 = v128.load(bi), y1 = v128.load(bi, 16), y2 = v128.load(bi, 32), y3 = v128.load(bi, 48);
  for (let k = k0; k < k1; k++) {
    const t = v128.load64_splat(at(lu, n, i, k));
    const bk = b + ((k * ldb + c) << 3);
    y0 = f64x2.sub(y0, f64x2.mul(t, v128.load(bk)));
    y1 = f64x2.sub(y1, f64x2.mul(t, v128.load(bk, 16)));
    y2 = f64x2.sub(y2, f64x2.mul(t, v128.load(bk, 32)));
    y3 = f64x2.sub(y3, f64x2.mul(t, v128.load(bk, 48)));
  }
  const sv = f64x2.splat(s);
  v128.store(bi, f64x2.mul(y0, sv));
  v128.store(bi, f64x2.mul(y1, sv), 16);
  v128.store(bi, f64x2.mul(y2, sv), 32);
  v128.store(bi, f64x2.mul(y3, sv), 48);
}

/** The same for the single column c. */
// @ts-ignore: decorator
@inline function updateRow1(lu: u32, n: u32, i: u32, k0: u32, k1: u32, b: u32, ldb: u32, c: u32, s: f64): void {
  let y = load<f64>(b + ((i * ldb + c) << 3));
  for (let k = k0; k < k1; k++) y -= load<f64>(at(lu, n, i, k)) * load<f64>(b + ((k * ldb + c) << 3));
  store<f64>(b + ((i * ldb + c) << 3), y * s);
}

/**
 * Rows [i0, i1) of b (row stride ldb, columns [0, nc)) solved against the block's unit lower
 * triangle in lu, in row order: b_i -= sum over k in [i0, i) of l_ik b_k.
 */
export function solveLowerBlock(lu: u32, n: u32, i0: u32, i1: u32, b: u32, ldb: u32, nc: u32): void {
  let c: u32 = 0;
  for (; c + 8 <= nc; c += 8) for (let i = i0 + 1; i < i1; i++) updateRow8(lu, n, i, i0, i, b, ldb, c, 1);
  for (; c < nc; c++) for (let i = i0 + 1; i < i1; i++) updateRow1(lu, n, i, i0, i, b, ldb, c, 1);
}

/**
 * The same for the upper triangle, rows from the bottom: b_i = (b_i - sum over k in (i, i1) of
 * u_ik b_k) / u_ii.
 */
function solveUpperBlock(lu: u32, n: u32, i0: u32, i1: u32, b: u32, ldb: u32, nc: u32): void {
  let c: u32 = 0;
  for (; c + 8 <= nc; c += 8) for (let i = i1; i-- > i0; ) updateRow8(lu, n, i, i + 1, i1, b, ldb, c, 1 / load<f64>(at(lu, n, i, i)));
  for (; c < nc; c++) for (let i = i1; i-- > i0; ) updateRow1(lu, n, i, i + 1, i1, b, ldb, c, 1 / load<f64>(at(lu, n, i, i)));
}

/** Solves L U X = P B for `nrhs` right-hand sides; b (n x nrhs, row-major) is overwritten with X. */
export function luSolve(lu: u32, n: u32, perm: u32, b: u32, nrhs: u32, work: u32): void {
  // permute rows of b into work, then copy back
  for (let i: u32 = 0; i < n; i++) {
    memory.copy(work + ((i * nrhs) << 3), b + ((load<u32>(perm + (i << 2)) * nrhs) << 3), nrhs << 3);
  }
  memory.copy(b, work, (n * nrhs) << 3);
  solveLower(lu, n, 0, n, b, nrhs, nrhs);
  solveUpper(lu, n, b, nrhs);
}

/** Solves U X = Y with U the upper triangle of `lu`; b (n x nrhs) holds Y and receives X. */
export function solveUpper(lu: u32, n: u32, b: u32, nrhs: u32): void {
  // blocks from the bottom: the rows below through the product kernel, then the block's own triangle
  const blocks = (n + NB - 1) / NB;
  for (let bi = <i32>blocks - 1; bi >= 0; bi--) {
    const i0 = <u32>bi * NB;
    const i1 = min(i0 + NB, n);
    if (i1 < n) gemm64(i1 - i0, nrhs, n - i1, at(lu, n, i0, i1), n, b + ((i1 * nrhs) << 3), nrhs, b + ((i0 * nrhs) << 3), nrhs, true);
    solveUpperBlock(lu, n, i0, i1, b, nrhs, nrhs);
  }
}
