// Householder QR of an m x n f64 matrix (row-major), blocked: each panel of RB columns is
// factored on a transposed copy (so its columns are contiguous), and the rest of the matrix is
// updated through the product kernel in the compact WY form. Q is formed the same way, from the
// last block back (LAPACK's dgeqrf and dorgqr; the same reflectors as numpy's qr).
import { RB, makeReflector, reflectedBeta, formT, applyLeft, applyRight } from "./householder";
import { dot, axpy } from "./vectors";

/**
 * Factors a (m x n, row stride n) in place: on return its upper triangle (first k = min(m, n)
 * rows) is R and the rest is zero. Reflector j goes to row j of vt (k x m, zero-filled by the
 * caller), its tau to taus[j], and each block's T to ts (k x RB). Scratch: panel (RB x m),
 * vcol (m x RB), wk (RB x n), tw (RB).
 */
export function qrFactor(a: u32, m: u32, n: u32, vt: u32, taus: u32, ts: u32, panel: u32, vcol: u32, wk: u32, tw: u32): void {
  const k = min(m, n);
  for (let k0: u32 = 0; k0 < k; k0 += RB) {
    const k1 = min(k0 + RB, k), w = k1 - k0;
    // the panel's columns as rows, from row k0 down
    for (let i = k0; i < m; i++) for (let j = k0; j < k1; j++) store<f64>(panel + (((j - k0) * m + i) << 3), load<f64>(a + ((i * n + j) << 3)));
    for (let j = k0; j < k1; j++) {
      const x = panel + (((j - k0) * m + j) << 3), len = m - j;
      const tau = makeReflector(x, len);
      const beta = reflectedBeta;
      store<f64>(taus + (j << 3), tau);
      if (tau != 0) {
        for (let r = j + 1; r < k1; r++) {
          const pr = panel + (((r - k0) * m + j) << 3);
          axpy(pr, x, -tau * dot(pr, x, len), len);
        }
      }
      memory.copy(vt + ((j * m + j) << 3), x, len << 3);
      store<f64>(x, beta);
    }
    for (let i = k0; i < m; i++) {
      for (let j = k0; j < k1; j++) store<f64>(a + ((i * n + j) << 3), i <= j ? load<f64>(panel + (((j - k0) * m + i) << 3)) : 0);
    }
    const t = ts + ((k0 * RB) << 3);
    formT(vt, m, m, taus, k0, w, 0, t, tw);
    if (k1 < n) applyLeft(a, n, k1, n, vt, m, m, k0, w, 0, t, vcol, wk);
  }
}

/**
 * Q' (k x m, row-major, into qt) from qrFactor's reflectors: the first k rows of the identity
 * times H_k-1 ... H_0, block by block from the last. Rows above a block's first coordinate are
 * still rows of the identity there, so each block touches only the rows from its own on.
 * Scratch: vcol (m x RB), wk (k x RB).
 */
export function qrFormQt(qt: u32, m: u32, n: u32, vt: u32, ts: u32, vcol: u32, wk: u32): void {
  const k = min(m, n);
  memory.fill(qt, 0, (k * m) << 3);
  for (let i: u32 = 0; i < k; i++) store<f64>(qt + ((i * m + i) << 3), 1);
  if (k == 0) return;
  for (let k0 = ((k - 1) / RB) * RB; ; k0 -= RB) {
    const w = min(RB, k - k0);
    applyRight(qt, m, k0, k, vt, m, m, k0, w, 0, ts + ((k0 * RB) << 3), vcol, wk);
    if (k0 == 0) break;
  }
}
