// Cholesky factorisation A = L L' of a symmetric positive definite n x n f64 matrix (row-major),
// blocked: each block of NB columns is factored left-looking within itself (dot products along
// rows), and the lower triangle below it is updated through the product kernel, one band of
// rows at a time so that little above the diagonal is computed.
import { gemm64 } from "./matmul";
import { dot, transposeInto } from "./vectors";

const NB: u32 = 64; // columns factored per block
const BAND: u32 = 64; // rows of the trailing update per product

/**
 * Factors a (n x n, row stride n) in place into L (the upper triangle becomes zero). Returns
 * false when a pivot is not positive (the matrix is not positive definite, or holds a NaN).
 * `wt` is scratch for NB x n doubles.
 */
export function cholFactor(a: u32, n: u32, wt: u32): bool {
  for (let k0: u32 = 0; k0 < n; k0 += NB) {
    const k1 = min(k0 + NB, n), w = k1 - k0;
    for (let j = k0; j < k1; j++) {
      const rj = a + ((j * n + k0) << 3);
      const d = load<f64>(a + ((j * n + j) << 3)) - dot(rj, rj, j - k0);
      if (!(d > 0)) return false;
      const l = Math.sqrt(d), inv = 1 / l;
      store<f64>(a + ((j * n + j) << 3), l);
      for (let i = j + 1; i < n; i++) {
        const ri = a + ((i * n + k0) << 3);
        store<f64>(a + ((i * n + j) << 3), (load<f64>(a + ((i * n + j) << 3)) - dot(ri, rj, j - k0)) * inv);
      }
    }
    if (k1 < n) {
      const rest = n - k1;
      transposeInto(a + ((k1 * n + k0) << 3), n, rest, w, wt, rest);
      for (let i0 = k1; i0 < n; i0 += BAND) {
        const i1 = min(i0 + BAND, n);
        gemm64(i1 - i0, i1 - k1, w, a + ((i0 * n + k0) << 3), n, wt, rest, a + ((i0 * n + k1) << 3), n, true);
      }
    }
  }
  for (let i: u32 = 0; i < n; i++) memory.fill(a + ((i * n + i + 1) << 3), 0, (n - i - 1) << 3);
  return true;
}
