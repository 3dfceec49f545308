// The singular value decomposition of a square n x n f64 matrix: Householder reduction to upper
// bidiagonal form (A = U1 B V1'), then the implicit-shift QR iteration on B (Golub and Kahan, as
// in LINPACK's dsvdc and JAMA), its rotations applied in sweeps to the rows of U1' and V1'
// (formed from the reflectors in blocks, eigh.ts's formReflectorProduct), which become U' =
// Ub' U1' and V' = Vb' V1'.
// Tall and wide matrices are reduced to this case by a QR factorisation first (decompositions.ts).
import { makeReflector, reflectedBeta, reflectedScale } from "./householder";
import { applyRotations, rotateRows } from "./rotations";
import { dot, axpy, scale } from "./vectors";

/** QR sweeps allowed per singular value before giving up. */
const MAX_SWEEPS: u32 = 75;

/**
 * Reduces a (n x n, row stride n) to upper bidiagonal form: diagonal into d, superdiagonal into
 * e (e[n-1] = 0). Left reflector k (on coordinates k..) goes to row k of utv with its tau in
 * tl; right reflector k (on coordinates k+1..) to row k of vtv, tau in tr (both n x n,
 * zero-filled by the caller). `w` is scratch for 2n doubles. a is overwritten.
 *
 * Each step passes over the trailing rows once: a row gets the left reflector's update, then
 * the right one's, and then adds its part to the product the next left reflector needs
 * (w = u' A, gathered from the unscaled column and scaled when the reflector is made).
 */
export function bidiagonalize(a: u32, n: u32, d: u32, e: u32, utv: u32, tl: u32, vtv: u32, tr: u32, w: u32): void {
  if (n == 0) return;
  let wk = w, wn = w + (n << 3);
  // the first left reflector and its product w = u' A[:, 1:]
  let tau = leftReflector(a, n, 0, utv, tl, d);
  if (tau != 0 && n > 1) {
    const u = utv;
    memory.fill(wk, 0, (n - 1) << 3);
    for (let i: u32 = 0; i < n; i++) axpy(wk, a + ((i * n + 1) << 3), load<f64>(u + (i << 3)), n - 1);
  }
  for (let k: u32 = 0; k < n; k++) {
    const cols = n - k - 1;
    if (cols == 0) {
      store<f64>(e + (k << 3), 0);
      break;
    }
    const u = utv + ((k * n + k) << 3);
    const rowk = a + ((k * n + k + 1) << 3);
    if (tau != 0) axpy(rowk, wk, -tau, cols);
    // the right reflector zeroes row k right of the superdiagonal
    const v = vtv + ((k * n + k + 1) << 3);
    memory.copy(v, rowk, cols << 3);
    const tau2 = makeReflector(v, cols);
    store<f64>(tr + (k << 3), tau2);
    store<f64>(e + (k << 3), reflectedBeta);
    // the trailing rows: left update, right update, then their part of the next product
    if (cols > 1) memory.fill(wn, 0, (cols - 1) << 3);
    for (let r = k + 1; r < n; r++) {
      const row = a + ((r * n + k + 1) << 3);
      if (tau != 0) axpy(row, wk, -tau * load<f64>(u + ((r - k) << 3)), cols);
      if (tau2 != 0) axpy(row, v, -tau2 * dot(row, v, cols), cols);
      if (r > k + 1 && cols > 1) axpy(wn, row + 8, load<f64>(row), cols - 1);
    }
    // the next left reflector, from column k+1 now final: w = A[k+1, k+2:] + scale * wn
    tau = leftReflector(a, n, k + 1, utv, tl, d);
    if (tau != 0 && cols > 1) {
      const sc = reflectedScale;
      scale(wn, sc, cols - 1);
      axpy(wn, a + (((k + 1) * n + k + 2) << 3), 1, cols - 1);
    }
    const t = wk;
    wk = wn;
    wn = t;
  }
}

/** Left reflector k from column k of a (rows k..): into row k of utv, tl[k] and d[k]; its tau. */
function leftReflector(a: u32, n: u32, k: u32, utv: u32, tl: u32, d: u32): f64 {
  const len = n - k;
  const u = utv + ((k * n + k) << 3);
  for (let i: u32 = 0; i < len; i++) store<f64>(u + (i << 3), load<f64>(a + (((k + i) * n + k) << 3)));
  const tau = makeReflector(u, len);
  store<f64>(tl + (k << 3), tau);
  store<f64>(d + (k << 3), reflectedBeta);
  return tau;
}

/**
 * The singular values of the bidiagonal (d, e) into d (non-negative, unsorted), with the
 * rotations from the left applied to the rows of ubt and those from the right to the rows of
 * vbt (both n x n, row stride n), unless `vectors` is false. cu, su, cv, sv are scratch for n
 * doubles each. Returns false when the iteration does not converge.
 */
export function bidiagonalQR(d: u32, e: u32, n: u32, ubt: u32, vbt: u32, cu: u32, su: u32, cv: u32, sv: u32, vectors: bool): bool {
  const eps: f64 = 2.220446049250313e-16;
  const tiny: f64 = 1.6033346880071782e-291; // 2^-966
  let p = <i32>n;
  let sweeps: u32 = 0;
  while (p > 0) {
    // the largest k < p-1 with a negligible e[k], or -1
    let k = p - 2;
    for (; k >= 0; k--) {
      if (Math.abs(S(e, k)) <= tiny + eps * (Math.abs(S(d, k)) + Math.abs(S(d, k + 1)))) {
        store<f64>(e + (k << 3), 0);
        break;
      }
    }
    let kase: i32;
    if (k == p - 2) kase = 4;
    else {
      let ks = p - 1;
      for (; ks > k; ks--) {
        const t = (ks != p ? Math.abs(S(e, ks)) : 0) + (ks != k + 1 ? Math.abs(S(e, ks - 1)) : 0);
        if (Math.abs(S(d, ks)) <= tiny + eps * t) {
          store<f64>(d + (ks << 3), 0);
          break;
        }
      }
      if (ks == k) kase = 3;
      else if (ks == p - 1) kase = 1;
      else {
        kase = 2;
        k = ks;
      }
    }
    k++;
    if (kase == 1) {
      // a negligible d[p-1]: chase e[p-2] out from the right
      let f = S(e, p - 2);
      store<f64>(e + ((p - 2) << 3), 0);
      for (let j = p - 2; j >= k; j--) {
        const t = Math.hypot(S(d, j), f);
        const c = S(d, j) / t, s = f / t;
        store<f64>(d + (j << 3), t);
        if (j != k) {
          f = -s * S(e, j - 1);
          store<f64>(e + ((j - 1) << 3), c * S(e, j - 1));
        }
        if (vectors) rotateRows(vbt, n, n, <u32>j, <u32>(p - 1), c, s);
      }
    } else if (kase == 2) {
      // a negligible d[k-1]: split there, chasing e[k-1] out to the right
      let f = S(e, k - 1);
      store<f64>(e + ((k - 1) << 3), 0);
      for (let j = k; j < p; j++) {
        const t = Math.hypot(S(d, j), f);
        const c = S(d, j) / t, s = f / t;
        store<f64>(d + (j << 3), t);
        f = -s * S(e, j);
        store<f64>(e + (j << 3), c * S(e, j));
        if (vectors) rotateRows(ubt, n, n, <u32>j, <u32>(k - 1), c, s);
      }
    } else if (kase == 3) {
      if (++sweeps > MAX_SWEEPS * n) return false;
      // one QR sweep on rows and columns [k, p), shifted by the eigenvalue of the trailing 2 x 2
      // of B'B nearer its last entry
      const scale = max(max(max(max(Math.abs(S(d, p - 1)), Math.abs(S(d, p - 2))), Math.abs(S(e, p - 2))), Math.abs(S(d, k))), Math.abs(S(e, k)));
      const sp = S(d, p - 1) / scale, spm1 = S(d, p - 2) / scale, epm1 = S(e, p - 2) / scale;
      const sk = S(d, k) / scale, ek = S(e, k) / scale;
      const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2;
      const cc = sp * epm1 * (sp * epm1);
      let shift: f64 = 0;
      if (b != 0 || cc != 0) {
        shift = Math.sqrt(b * b + cc);
        if (b < 0) shift = -shift;
        shift = cc / (b + shift);
      }
      let f = (sk + sp) * (sk - sp) + shift;
      let g = sk * ek;
      for (let j = k; j < p - 1; j++) {
        let t = Math.hypot(f, g);
        let c = f / t, s = g / t;
        if (j != k) store<f64>(e + ((j - 1) << 3), t);
        f = c * S(d, j) + s * S(e, j);
        store<f64>(e + (j << 3), c * S(e, j) - s * S(d, j));
        g = s * S(d, j + 1);
        store<f64>(d + ((j + 1) << 3), c * S(d, j + 1));
        store<f64>(cv + (<u32>(j - k) << 3), c);
        store<f64>(sv + (<u32>(j - k) << 3), s);
        t = Math.hypot(f, g);
        c = f / t;
        s = g / t;
        store<f64>(d + (j << 3), t);
        f = c * S(e, j) + s * S(d, j + 1);
        store<f64>(d + ((j + 1) << 3), -s * S(e, j) + c * S(d, j + 1));
        g = s * S(e, j + 1);
        store<f64>(e + ((j + 1) << 3), c * S(e, j + 1));
        store<f64>(cu + (<u32>(j - k) << 3), c);
        store<f64>(su + (<u32>(j - k) << 3), s);
      }
      store<f64>(e + ((p - 2) << 3), f);
      if (vectors) {
        applyRotations(vbt, n, n, <u32>k, <u32>(p - 1 - k), cv, sv, true);
        applyRotations(ubt, n, n, <u32>k, <u32>(p - 1 - k), cu, su, true);
      }
    } else {
      // converged: d[k] is a singular value; make it non-negative
      if (S(d, k) < 0) {
        store<f64>(d + (k << 3), -S(d, k));
        if (!vectors) {
          p--;
          continue;
        }
        const row = vbt + ((<u32>k * n) << 3);
        for (let i: u32 = 0; i < n; i++) store<f64>(row + (i << 3), -load<f64>(row + (i << 3)));
      } else if (S(d, k) == 0) store<f64>(d + (k << 3), 0);
      p--;
    }
  }
  return true;
}

// @ts-ignore: decorator
@inline function S(x: u32, i: i32): f64 {
  return load<f64>(x + (<u32>i << 3));
}
