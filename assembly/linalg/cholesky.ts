// Cholesky factorisation A = L L' of a symmetric positive definite n x n f64 matrix (row-major),
// blocked: each block of NB columns is factored in three steps, (1) its diagonal block,
// left-looking with dot products along rows; (2) the panel below it, by substitution on a
// transposed copy, so that each step is a multiply-add along a whole column of the panel, SUB
// columns at a time, the later columns updated by each group through the product kernel; (3)
// the lower triangle below the block, updated through the product kernel one band of rows at a
// time, so that little above the diagonal is computed.
import { gemm64 } from "./matmul";
import { axpy, dot, scale, transposeInto } from "./vectors";

const NB: u32 = 64; // columns factored per block
const BAND: u32 = 64; // rows of the trailing update per product
const SUB: u32 = 16; // columns of a panel solved by substitution before the later ones are updated

/** The doubles of scratch cholFactor needs for an n x n matrix. */
export function cholScratch(n: u32): u32 {
  return NB * n;
}

/**
 * Factors a (n x n, row stride n, zero above the diagonal) in place into L, reading only the
 * lower triangle. Returns false when a pivot is not positive (the matrix is not positive
 * definite, or holds a NaN). `wt` is scratch for cholScratch(n) doubles.
 */
export function cholFactor(a: u32, n: u32, wt: u32): bool {
  for (let k0: u32 = 0; k0 < n; k0 += NB) {
    const k1 = min(k0 + NB, n), w = k1 - k0;
    // (1) the diagonal block
    for (let j = k0; j < k1; j++) {
      const rj = a + ((j * n + k0) << 3);
      const d = load<f64>(a + ((j * n + j) << 3)) - dot(rj, rj, j - k0);
      if (!(d > 0)) return false;
      const l = Math.sqrt(d), inv = 1 / l;
      store<f64>(a + ((j * n + j) << 3), l);
      for (let i = j + 1; i < k1; i++) {
        const ri = a + ((i * n + k0) << 3);
        store<f64>(a + ((i * n + j) << 3), (load<f64>(a + ((i * n + j) << 3)) - dot(ri, rj, j - k0)) * inv);
      }
    }
    if (k1 == n) break;
    // (2) the panel: L21 = A21 L11'^-1, column j of L21 being row j - k0 of wt
    const rest = n - k1;
    transposeInto(a + ((k1 * n + k0) << 3), n, rest, w, wt, rest);
    for (let s0 = k0; s0 < k1; s0 += SUB) {
      const s1 = min(s0 + SUB, k1);
      for (let j = s0; j < s1; j++) {
        const wj = wt + (((j - k0) * rest) << 3);
        for (let p = s0; p < j; p++) axpy(wj, wt + (((p - k0) * rest) << 3), -load<f64>(a + ((j * n + p) << 3)), rest);
        scale(wj, 1 / load<f64>(a + ((j * n + j) << 3)), rest);
      }
      // the later columns less what these contribute, through the product kernel
      if (s1 < k1) gemm64(k1 - s1, rest, s1 - s0, a + ((s1 * n + s0) << 3), n, wt + (((s0 - k0) * rest) << 3), rest, wt + (((s1 - k0) * rest) << 3), rest, true);
    }
    transposeInto(wt, rest, w, rest, a + ((k1 * n + k0) << 3), n);
    // (3) the trailing lower triangle: A22 -= L21 L21'
    for (let i0 = k1; i0 < n; i0 += BAND) {
      const i1 = min(i0 + BAND, n);
      gemm64(i1 - i0, i1 - k1, w, a + ((i0 * n + k0) << 3), n, wt, rest, a + ((i0 * n + k1) << 3), n, true);
    }
  }
  // the products of (3) wrote above the diagonal only inside the diagonal BAND x BAND blocks
  // (bands start at multiples of NB, a multiple of BAND)
  for (let i: u32 = 0; i < n; i++) {
    const end = min(n, (i / BAND + 1) * BAND);
    if (end > i + 1) memory.fill(a + ((i * n + i + 1) << 3), 0, (end - i - 1) << 3);
  }
  return true;
}
