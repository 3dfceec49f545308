// The eigensystem of a symmetric tridiagonal matrix by divide and conquer (Cuppen's method, as
// LAPACK's dstedc): T is cut in two halves coupled by a rank-one term, each half is solved (the
// small ones by the implicit QL iteration), and the two are merged: the eigensystem of
// diag(D1, D2) + rho z z' comes from deflation (eigenvalues the rank-one term leaves alone to
// rounding, LAPACK's dlaed2) and the secular equation (secular.ts), and the eigenvectors of T
// are the halves' eigenvectors times the rank-one problem's, two products through the product
// kernel. Most of the work is in those products.
import { gemm64 } from "./matmul";
import { tridiagonalQL } from "./eigh";
import { secularRoots, secularVectors } from "./secular";

const EPS: f64 = 2.220446049250313e-16;
/** Blocks of up to this order are solved by the QL iteration. */
export const LEAF: u32 = 32;

// a column's rows in a merge: those of the first half, of the second, or both (after a rotation)
const TOP: u32 = 1;
const BOTTOM: u32 = 2;

// the problem: eigenvalues d, couplings e, eigenvectors q (row stride ld), and scratch
let ld: u32 = 0, dv: u32 = 0, ev: u32 = 0, qv: u32 = 0;
let leafZ: u32 = 0, leafD: u32 = 0, leafE: u32 = 0, leafC: u32 = 0, leafS: u32 = 0;
let zv: u32 = 0, order: u32 = 0, poles: u32 = 0, weights: u32 = 0, cols: u32 = 0, kinds: u32 = 0, rowOf: u32 = 0;
let deflated: u32 = 0, deflatedValues: u32 = 0, roots: u32 = 0, rel: u32 = 0, norms: u32 = 0, delta: u32 = 0, vectors: u32 = 0, gathered: u32 = 0;

/** The doubles of scratch tridiagonalEigen needs for order n, besides its n x n `spare`. */
export function divideScratch(n: u32): u32 {
  return LEAF * LEAF + 4 * LEAF + 12 * n + 2 * n * n;
}

/**
 * The eigenvalues (into d, unsorted) and eigenvectors (the columns of q, n x n, row stride n)
 * of the symmetric tridiagonal matrix with diagonal d and off-diagonal e (e[i] couples i and
 * i + 1; e is kept). `work` is scratch for divideScratch(n) doubles and `spare` for n x n
 * (16-byte aligned; the caller's, free at this point). Returns false when the QL iteration of a
 * small block does not converge.
 */
export function tridiagonalEigen(d: u32, e: u32, n: u32, q: u32, work: u32, spare: u32): bool {
  memory.fill(q, 0, (n * n) << 3);
  if (n == 0) return true;
  let big: f64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    big = max(big, Math.abs(load<f64>(d + (i << 3))));
    if (i + 1 < n) big = max(big, Math.abs(load<f64>(e + (i << 3))));
  }
  if (big == 0) {
    for (let i: u32 = 0; i < n; i++) store<f64>(q + ((i * n + i) << 3), 1);
    return true;
  }
  // scaled by a power of two (exactly) to a largest entry near 1, as the tolerances assume
  const exponent = Math.floor(Math.log2(big));
  const down = Math.pow(2, -exponent);
  ld = n;
  dv = d;
  qv = q;
  let p = work;
  ev = p; p += n << 3;
  for (let i: u32 = 0; i < n; i++) {
    store<f64>(d + (i << 3), load<f64>(d + (i << 3)) * down);
    store<f64>(ev + (i << 3), i + 1 < n ? load<f64>(e + (i << 3)) * down : 0);
  }
  leafZ = p; p += (LEAF * LEAF) << 3;
  leafD = p; p += LEAF << 3;
  leafE = p; p += LEAF << 3;
  leafC = p; p += LEAF << 3;
  leafS = p; p += LEAF << 3;
  zv = p; p += n << 3;
  poles = p; p += n << 3;
  weights = p; p += n << 3;
  deflatedValues = p; p += n << 3;
  roots = p; p += n << 3;
  rel = p; p += n << 3;
  norms = p; p += n << 3;
  order = p; p += n << 2;
  cols = p; p += n << 2;
  kinds = p; p += n << 2;
  rowOf = p; p += n << 2;
  deflated = p; p += n << 2;
  p = (p + 15) & ~15;
  delta = p; p += (n * n) << 3;
  vectors = p;
  gathered = spare;
  if (!solve(0, n)) return false;
  const up = Math.pow(2, exponent);
  for (let i: u32 = 0; i < n; i++) store<f64>(d + (i << 3), load<f64>(d + (i << 3)) * up);
  return true;
}

/** Solves the block [s, s + len) into d[s..] and the block's square of q. */
function solve(s: u32, len: u32): bool {
  if (len <= LEAF) return leaf(s, len);
  const m = len >> 1;
  // T = diag(T1, T2) + |rho| u u', u = e_(m-1) + sign(rho) e_m
  const rho = load<f64>(ev + ((s + m - 1) << 3));
  const a = dv + ((s + m - 1) << 3);
  store<f64>(a, load<f64>(a) - Math.abs(rho));
  store<f64>(a, load<f64>(a, 8) - Math.abs(rho), 8);
  if (!solve(s, m) || !solve(s + m, len - m)) return false;
  merge(s, len, m, rho);
  return true;
}

/** A small block by the QL iteration on the identity, its rows transposed into q's columns. */
function leaf(s: u32, len: u32): bool {
  memory.copy(leafD, dv + (s << 3), len << 3);
  memory.copy(leafE, ev + (s << 3), len << 3);
  store<f64>(leafE + ((len - 1) << 3), 0);
  memory.fill(leafZ, 0, (len * len) << 3);
  for (let i: u32 = 0; i < len; i++) store<f64>(leafZ + ((i * len + i) << 3), 1);
  if (!tridiagonalQL(leafD, leafE, len, leafZ, leafC, leafS)) return false;
  memory.copy(dv + (s << 3), leafD, len << 3);
  for (let c: u32 = 0; c < len; c++) {
    for (let r: u32 = 0; r < len; r++) store<f64>(qv + (((s + r) * ld + s + c) << 3), load<f64>(leafZ + ((c * len + r) << 3)));
  }
  return true;
}

// @ts-ignore: decorator
@inline function qAt(r: u32, c: u32): u32 {
  return qv + ((r * ld + c) << 3);
}

/**
 * Merges the solved halves [s, s + m) and [s + m, s + len) coupled by rho: the block's
 * eigenvalues into d[s..] (the secular roots first, then the deflated values) and its
 * eigenvectors into the block of q.
 */
function merge(s: u32, len: u32, m: u32, rho: f64): void {
  // z: the last row of the first half's vectors and the first of the second's, scaled to a unit
  // vector (rho doubled to match)
  const r1 = Math.SQRT1_2, r2 = rho < 0 ? -Math.SQRT1_2 : Math.SQRT1_2;
  for (let j: u32 = 0; j < m; j++) store<f64>(zv + (j << 3), r1 * load<f64>(qAt(s + m - 1, s + j)));
  for (let j = m; j < len; j++) store<f64>(zv + (j << 3), r2 * load<f64>(qAt(s + m, s + j)));
  const r = 2 * Math.abs(rho);
  // the block's columns in the order of their eigenvalues
  const dBlock = dv + (s << 3);
  for (let j: u32 = 0; j < len; j++) store<u32>(order + (j << 2), j);
  for (let j: u32 = 1; j < len; j++) {
    const o = load<u32>(order + (j << 2)), v = load<f64>(dBlock + (o << 3));
    let i = j;
    while (i > 0 && load<f64>(dBlock + (load<u32>(order + ((i - 1) << 2)) << 3)) > v) {
      store<u32>(order + (i << 2), load<u32>(order + ((i - 1) << 2)));
      i--;
    }
    store<u32>(order + (i << 2), o);
  }
  let dmax: f64 = 0, zmax: f64 = 0;
  for (let j: u32 = 0; j < len; j++) {
    dmax = max(dmax, Math.abs(load<f64>(dBlock + (j << 3))));
    zmax = max(zmax, Math.abs(load<f64>(zv + (j << 3))));
  }
  const tol = 8 * EPS * max(dmax, zmax);
  // the rank-one term is negligible: the halves' eigensystems are the block's
  if (r * zmax <= tol) return;
  for (let j: u32 = 0; j < len; j++) store<u32>(kinds + (j << 2), j < m ? TOP : BOTTOM);
  // deflation: a negligible weight leaves its eigenpair as it is; two eigenvalues closer than
  // the rank-one term can tell apart are rotated so that one weight becomes zero
  let k: u32 = 0, nd: u32 = 0, pj: i32 = -1;
  for (let jj: u32 = 0; jj < len; jj++) {
    const j = load<u32>(order + (jj << 2));
    const zj = load<f64>(zv + (j << 3));
    if (r * Math.abs(zj) <= tol) {
      store<u32>(deflated + (nd << 2), j);
      store<f64>(deflatedValues + (nd++ << 3), load<f64>(dBlock + (j << 3)));
      continue;
    }
    if (pj < 0) {
      pj = j;
      continue;
    }
    const p = <u32>pj;
    const zp = load<f64>(zv + (p << 3));
    const h = Math.hypot(zj, zp), c = zj / h, sn = -zp / h;
    const dj = load<f64>(dBlock + (j << 3)), dp = load<f64>(dBlock + (p << 3));
    if (Math.abs((dj - dp) * c * sn) <= tol) {
      store<f64>(zv + (j << 3), h);
      store<f64>(zv + (p << 3), 0);
      rotateColumns(s, len, s + p, s + j, c, sn);
      const kind = load<u32>(kinds + (p << 2)) | load<u32>(kinds + (j << 2));
      store<u32>(kinds + (p << 2), kind);
      store<u32>(kinds + (j << 2), kind);
      const dpNew = dp * c * c + dj * sn * sn;
      store<f64>(dBlock + (j << 3), dp * sn * sn + dj * c * c);
      store<f64>(dBlock + (p << 3), dpNew);
      store<u32>(deflated + (nd << 2), p);
      store<f64>(deflatedValues + (nd++ << 3), dpNew);
    } else {
      store<f64>(poles + (k << 3), dp);
      store<f64>(weights + (k << 3), zp);
      store<u32>(cols + (k++ << 2), p);
    }
    pj = j;
  }
  if (pj >= 0) {
    store<f64>(poles + (k << 3), load<f64>(dBlock + (<u32>pj << 3)));
    store<f64>(weights + (k << 3), load<f64>(zv + (<u32>pj << 3)));
    store<u32>(cols + (k++ << 2), <u32>pj);
  }
  secularRoots(k, poles, weights, r, roots, delta, rel);
  // the rank-one problem's vectors, their rows ordered by the rows of q they meet: the first
  // half's columns, the columns of both, the second half's
  let n1: u32 = 0, n2: u32 = 0;
  for (let j: u32 = 0; j < k; j++) {
    const kind = load<u32>(kinds + (load<u32>(cols + (j << 2)) << 2));
    if (kind == TOP) n1++;
    else if (kind != BOTTOM) n2++;
  }
  let t1: u32 = 0, t2 = n1, t3 = n1 + n2;
  for (let j: u32 = 0; j < k; j++) {
    const kind = load<u32>(kinds + (load<u32>(cols + (j << 2)) << 2));
    const row = kind == TOP ? t1++ : kind == BOTTOM ? t3++ : t2++;
    store<u32>(rowOf + (j << 2), row);
  }
  secularVectors(k, poles, weights, delta, vectors, rowOf, rel, norms);
  // the halves' columns gathered in the same order: the first half's rows of the top and mixed
  // columns, the second half's rows of the mixed and bottom ones; then the deflated columns
  const top = n1 + n2, bottom = k - n1, nb = len - m;
  const gTop = gathered, gBottom = gathered + ((m * top) << 3), gDeflated = gBottom + ((nb * bottom) << 3);
  for (let j: u32 = 0; j < k; j++) {
    const row = load<u32>(rowOf + (j << 2)), c = s + load<u32>(cols + (j << 2));
    if (row < top) for (let i: u32 = 0; i < m; i++) store<f64>(gTop + ((i * top + row) << 3), load<f64>(qAt(s + i, c)));
    if (row >= n1) for (let i: u32 = 0; i < nb; i++) store<f64>(gBottom + ((i * bottom + row - n1) << 3), load<f64>(qAt(s + m + i, c)));
  }
  for (let t: u32 = 0; t < nd; t++) {
    const c = s + load<u32>(deflated + (t << 2));
    for (let i: u32 = 0; i < len; i++) store<f64>(gDeflated + ((i * nd + t) << 3), load<f64>(qAt(s + i, c)));
  }
  for (let i: u32 = 0; i < len; i++) memory.fill(qAt(s + i, s), 0, len << 3);
  gemm64(m, k, top, gTop, top, vectors, k, qAt(s, s), ld, false);
  gemm64(nb, k, bottom, gBottom, bottom, vectors + ((n1 * k) << 3), k, qAt(s + m, s), ld, false);
  for (let i: u32 = 0; i < len; i++) memory.copy(qAt(s + i, s + k), gDeflated + ((i * nd) << 3), nd << 3);
  memory.copy(dBlock, roots, k << 3);
  memory.copy(dBlock + (k << 3), deflatedValues, nd << 3);
}

/** Columns x and y of the block's rows [s, s + len) of q: x' = c x + sn y, y' = c y - sn x. */
function rotateColumns(s: u32, len: u32, x: u32, y: u32, c: f64, sn: f64): void {
  for (let i = s; i < s + len; i++) {
    const px = qAt(i, x), py = qAt(i, y);
    const a = load<f64>(px), b = load<f64>(py);
    store<f64>(px, c * a + sn * b);
    store<f64>(py, c * b - sn * a);
  }
}
