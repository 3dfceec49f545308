// The symmetric eigenproblem A = X diag(w) X' for an n x n f64 matrix: Householder reduction to
// tridiagonal form (A = Q T Q'), and the reflectors applied in blocks through the product
// kernel to the eigenvectors of T (from divide.ts), which become those of A: X = Q Z. Also the
// implicit QL iteration with Wilkinson shifts (EISPACK's tql2), which solves divide.ts's small
// blocks, and Q' formed from its reflectors, which the SVD uses.
import { RB, makeReflector, reflectedBeta, formT, applyLeft, applyRight } from "./householder";
import { applyRotations } from "./rotations";
import { dot, axpy, scale } from "./vectors";

/** QL iterations allowed per eigenvalue before giving up (LAPACK allows 30). */
const MAX_ITERATIONS: u32 = 60;

/**
 * Reduces symmetric a (n x n, row stride n, both triangles) to tridiagonal form: diagonal into
 * d, off-diagonal into e (e[i] couples i and i+1, e[n-1] = 0). Reflector k (k < n - 1) acts on
 * coordinates k+1.. and goes to row k of vt (n x n, zero-filled by the caller), its tau to taus.
 * `p` is scratch for 2n doubles. a is overwritten (below the diagonal, with stale values).
 *
 * Only the upper triangle of the trailing matrix is kept, and each step's rank-two update of
 * it also makes the next step's product (tau A22 v, the symmetric product from one triangle)
 * in the same pass over each row: the trailing matrix is read and written once per step, half
 * of it.
 */
export function tridiagonalize(a: u32, n: u32, d: u32, e: u32, vt: u32, taus: u32, p: u32): void {
  if (n == 0) return;
  let pk = p, pn = p + (n << 3);
  let tau = n > 1 ? reflectorOfRow(a, n, 0, vt, taus, d, e) : 0;
  if (tau != 0) {
    const v = vt + ((1) << 3), len = n - 1;
    for (let r: u32 = 0; r < len; r++) store<f64>(pk + (r << 3), tau * dot(a + (((r + 1) * n + 1) << 3), v, len));
  }
  for (let k: u32 = 0; k + 1 < n; k++) {
    const len = n - k - 1;
    const v = vt + ((k * n + k + 1) << 3);
    // w = p - (tau/2)(p'v) v, in pk; then A22 := A22 - v w' - w v', row by row
    if (tau != 0) axpy(pk, v, -0.5 * tau * dot(pk, v, len), len);
    const a22 = a + (((k + 1) * n + k + 1) << 3);
    if (tau != 0) updateRow(a22, pk, v, 0, len);
    // the next reflector, from the first row of A22 now final
    const next = k + 2 < n ? reflectorOfRow(a, n, k + 1, vt, taus, d, e) : 0;
    const vn = vt + (((k + 1) * n + k + 2) << 3);
    if (next != 0) memory.fill(pn, 0, (len - 1) << 3);
    for (let r: u32 = 1; r < len; r++) {
      // row r from its diagonal on; x and y at the same coordinate
      const row = a22 + ((r * n + r) << 3), m = len - r;
      const x = vn + ((r - 1) << 3), y = pn + ((r - 1) << 3);
      if (tau != 0 && next != 0) updateAndMultiply(row, v + (r << 3), pk + (r << 3), load<f64>(v + (r << 3)), load<f64>(pk + (r << 3)), x, y, m);
      else if (tau != 0) updateRow(row, pk + (r << 3), v + (r << 3), 0, m);
      else if (next != 0) {
        store<f64>(y, load<f64>(y) + dot(row, x, m));
        axpy(y + 8, row + 8, load<f64>(x), m - 1);
      }
    }
    if (next != 0) scale(pn, next, len - 1);
    tau = next;
    const t = pk;
    pk = pn;
    pn = t;
  }
  store<f64>(d + ((n - 1) << 3), load<f64>(a + (((n - 1) * n + n - 1) << 3)));
  store<f64>(e + ((n - 1) << 3), 0);
}

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f64x2.relaxed_madd(a, b, c) : f64x2.add(c, f64x2.mul(a, b));
}
// @ts-ignore: decorator
@inline function nmadd(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f64x2.relaxed_nmadd(a, b, c) : f64x2.sub(c, f64x2.mul(a, b));
}

/**
 * One row of the trailing upper triangle, m doubles from its diagonal at a: a -= vi w + wi v
 * (v, w from the same coordinate), then its part of the symmetric product y += A x: y[0] gets
 * a . x, and y[j] gets a[j] x[0] for j > 0 (the entries below the diagonal that a stands for).
 */
function updateAndMultiply(a: u32, v: u32, w: u32, vi: f64, wi: f64, x: u32, y: u32, m: u32): void {
  const xi = load<f64>(x);
  const a0 = load<f64>(a) - vi * load<f64>(w) - wi * load<f64>(v);
  store<f64>(a, a0);
  const viv = f64x2.splat(vi), wiv = f64x2.splat(wi), xiv = f64x2.splat(xi);
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let j: u32 = 1;
  for (; j + 4 <= m; j += 4) {
    const o = j << 3;
    const a1 = nmadd(viv, v128.load(w + o), nmadd(wiv, v128.load(v + o), v128.load(a + o)));
    const a2 = nmadd(viv, v128.load(w + o, 16), nmadd(wiv, v128.load(v + o, 16), v128.load(a + o, 16)));
    v128.store(a + o, a1);
    v128.store(a + o, a2, 16);
    s0 = madd(a1, v128.load(x + o), s0);
    s1 = madd(a2, v128.load(x + o, 16), s1);
    v128.store(y + o, madd(a1, xiv, v128.load(y + o)));
    v128.store(y + o, madd(a2, xiv, v128.load(y + o, 16)), 16);
  }
  s0 = f64x2.add(s0, s1);
  let s = a0 * xi + f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  for (; j < m; j++) {
    const o = j << 3;
    const aj = load<f64>(a + o) - vi * load<f64>(w + o) - wi * load<f64>(v + o);
    store<f64>(a + o, aj);
    s += aj * load<f64>(x + o);
    store<f64>(y + o, load<f64>(y + o) + aj * xi);
  }
  store<f64>(y, load<f64>(y) + s);
}

/** Reflector k from row k of a (coordinates k+1..): into row k of vt, taus[k], d[k] and e[k]; its tau. */
function reflectorOfRow(a: u32, n: u32, k: u32, vt: u32, taus: u32, d: u32, e: u32): f64 {
  const v = vt + ((k * n + k + 1) << 3);
  memory.copy(v, a + ((k * n + k + 1) << 3), (n - k - 1) << 3);
  const tau = makeReflector(v, n - k - 1);
  store<f64>(taus + (k << 3), tau);
  store<f64>(d + (k << 3), load<f64>(a + ((k * n + k) << 3)));
  store<f64>(e + (k << 3), reflectedBeta);
  return tau;
}

/** Row r of the trailing matrix (len doubles at row) minus v[r] w + w[r] v. */
// @ts-ignore: decorator
@inline function updateRow(row: u32, w: u32, v: u32, r: u32, len: u32): void {
  axpy(row, w, -load<f64>(v + (r << 3)), len);
  axpy(row, v, -load<f64>(w + (r << 3)), len);
}

/**
 * Eigenvalues of the tridiagonal (d, e) into d (unsorted), the rotations applied to the rows of
 * zt (n x n, row stride n): the identity on entry gives the eigenvectors of T as rows, Q' gives
 * those of A = Q T Q'. cs and sn are scratch for n
 * doubles each. Returns false when an eigenvalue does not converge.
 */
export function tridiagonalQL(d: u32, e: u32, n: u32, zt: u32, cs: u32, sn: u32): bool {
  const eps: f64 = 2.220446049250313e-16;
  let f: f64 = 0, tst1: f64 = 0;
  for (let l: u32 = 0; l < n; l++) {
    tst1 = max(tst1, Math.abs(load<f64>(d + (l << 3))) + Math.abs(load<f64>(e + (l << 3))));
    let m = l;
    while (m < n - 1 && Math.abs(load<f64>(e + (m << 3))) > eps * tst1) m++;
    if (m > l) {
      let iter: u32 = 0;
      do {
        if (++iter > MAX_ITERATIONS) return false;
        // the implicit shift
        let g = load<f64>(d + (l << 3));
        const el = load<f64>(e + (l << 3));
        let p = (load<f64>(d + ((l + 1) << 3)) - g) / (2 * el);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        store<f64>(d + (l << 3), el / (p + r));
        store<f64>(d + ((l + 1) << 3), el * (p + r));
        const dl1 = load<f64>(d + ((l + 1) << 3));
        let h = g - load<f64>(d + (l << 3));
        for (let i = l + 2; i < n; i++) store<f64>(d + (i << 3), load<f64>(d + (i << 3)) - h);
        f += h;
        // the implicit QL sweep, from m - 1 up to l
        p = load<f64>(d + (m << 3));
        let c: f64 = 1, c2: f64 = 1, c3: f64 = 1, s: f64 = 0, s2: f64 = 0;
        const el1 = load<f64>(e + ((l + 1) << 3));
        for (let i = m; i-- > l; ) {
          c3 = c2;
          c2 = c;
          s2 = s;
          const ei = load<f64>(e + (i << 3)), di = load<f64>(d + (i << 3));
          g = c * ei;
          h = c * p;
          r = Math.hypot(p, ei);
          store<f64>(e + ((i + 1) << 3), s * r);
          s = ei / r;
          c = p / r;
          p = c * di - s * g;
          store<f64>(d + ((i + 1) << 3), h + s * (c * g + s * di));
          store<f64>(cs + ((i - l) << 3), c);
          store<f64>(sn + ((i - l) << 3), -s);
        }
        applyRotations(zt, n, n, l, m - l, cs, sn, false);
        p = (-s * s2 * c3 * el1 * load<f64>(e + (l << 3))) / dl1;
        store<f64>(e + (l << 3), s * p);
        store<f64>(d + (l << 3), c * p);
      } while (Math.abs(load<f64>(e + (l << 3))) > eps * tst1);
    }
    store<f64>(d + (l << 3), load<f64>(d + (l << 3)) + f);
    store<f64>(e + (l << 3), 0);
  }
  return true;
}

/**
 * Q' = H_first+count-1 ... H_first (n x n, into qt) for reflectors [first, first + count) of vt
 * (row k acting on coordinates first + k..): the identity with blocks of reflectors applied
 * from the last. Rows above a block's first coordinate are still rows of the identity there,
 * so each block touches only the rows from its own on, which saves a third of the work of
 * applying them to a full matrix. ts is scratch for RB x RB, vcol and wk for n x RB, tw for RB
 * doubles.
 */
export function formReflectorProduct(qt: u32, n: u32, vt: u32, taus: u32, first: u32, count: u32, ts: u32, vcol: u32, wk: u32, tw: u32): void {
  memory.fill(qt, 0, (n * n) << 3);
  for (let i: u32 = 0; i < n; i++) store<f64>(qt + ((i * n + i) << 3), 1);
  if (count == 0) return;
  for (let b0 = ((count - 1) / RB) * RB; ; b0 -= RB) {
    const w = min(RB, count - b0);
    formT(vt, n, n, taus, b0, w, first, ts, tw);
    applyRight(qt, n, first + b0, n, vt, n, n, b0, w, first, ts, vcol, wk);
    if (b0 == 0) break;
  }
}

/**
 * Z := H_first ... H_first+count-1 Z for reflectors [first, first + count) of vt (as
 * formReflectorProduct) and z n x n: the eigenvectors of T, as columns, become those of
 * A = Q T Q'. The blocks of reflectors are applied from the last. Scratch as
 * formReflectorProduct.
 */
export function applyReflectorProduct(z: u32, n: u32, vt: u32, taus: u32, first: u32, count: u32, ts: u32, vcol: u32, wk: u32, tw: u32): void {
  if (count == 0) return;
  for (let b0 = ((count - 1) / RB) * RB; ; b0 -= RB) {
    const w = min(RB, count - b0);
    formT(vt, n, n, taus, b0, w, first, ts, tw);
    applyLeft(z, n, 0, n, vt, n, n, b0, w, first, ts, vcol, wk, false);
    if (b0 == 0) break;
  }
}
