// Householder reflectors H = I - tau v v' (v[0] = 1) and their blocked application in the
// compact WY form H_b0 ... H_b1-1 = I - V T V' (LAPACK's dlarfg, dlarft, dlarfb), so that most
// of the work of QR, the tridiagonal and bidiagonal reductions' back-transforms and forming Q
// runs in the product kernel. Reflectors are kept as rows of a row-major matrix `vt` (one row
// per reflector, N coordinates, zero before the reflector's first coordinate, 1 there).
import { gemm64 } from "./matmul";
import { axpy, dot, norm2, scale, transposeInto } from "./vectors";

/** Reflectors handled per block. */
export const RB: u32 = 32;

/** beta of the last reflector made: the value the reflected vector's first entry becomes. */
export let reflectedBeta: f64 = 0;
/** The factor the last reflector's entries after the first were scaled by (0 when tau is 0). */
export let reflectedScale: f64 = 0;

/**
 * Turns x (len doubles, contiguous) into the reflector that maps it onto beta e1 (beta =
 * -sign(x0) |x|): x becomes v (x[0] = 1) and its tau is returned, 0 when x is already a
 * multiple of e1 (then H = I and beta = x0). numpy's QR uses the same convention.
 */
export function makeReflector(x: u32, len: u32): f64 {
  const alpha = load<f64>(x);
  const xnorm = len > 1 ? norm2(x + 8, len - 1) : 0;
  store<f64>(x, 1);
  if (xnorm == 0) {
    reflectedBeta = alpha;
    reflectedScale = 0;
    return 0;
  }
  const h = Math.hypot(alpha, xnorm);
  const beta = alpha >= 0 ? -h : h;
  reflectedBeta = beta;
  reflectedScale = 1 / (alpha - beta);
  scale(x + 8, reflectedScale, len - 1);
  return (beta - alpha) / beta;
}

/**
 * T (w x w, row stride RB, upper triangular) of reflectors [b0, b0+w) of vt (row stride ldv),
 * reflector j starting at coordinate first + j: H_b0 ... H_b0+w-1 = I - V T V'.
 */
export function formT(vt: u32, ldv: u32, n: u32, taus: u32, b0: u32, w: u32, first: u32, t: u32, work: u32): void {
  for (let j: u32 = 0; j < w; j++) {
    const tau = load<f64>(taus + ((b0 + j) << 3));
    const s = first + b0 + j;
    for (let i: u32 = 0; i < j; i++) {
      store<f64>(work + (i << 3), tau == 0 ? 0 : -tau * dot(vt + (((b0 + i) * ldv + s) << 3), vt + (((b0 + j) * ldv + s) << 3), n - s));
    }
    for (let i: u32 = 0; i < j; i++) {
      let x: f64 = 0;
      for (let p = i; p < j; p++) x += load<f64>(t + ((i * RB + p) << 3)) * load<f64>(work + (p << 3));
      store<f64>(t + ((i * RB + j) << 3), x);
    }
    store<f64>(t + ((j * RB + j) << 3), tau);
    for (let i = j + 1; i < w; i++) store<f64>(t + ((i * RB + j) << 3), 0);
  }
}

/**
 * Z := Z (H_b0 ... H_b0+w-1)' = Z (I - V T' V') on rows [r0, r1) of z (row stride ldz; columns
 * are the N coordinates). `vcol` and `w` are scratch for N x RB and (r1 - r0) x RB doubles.
 */
export function applyRight(
  z: u32, ldz: u32, r0: u32, r1: u32, vt: u32, ldv: u32, n: u32, b0: u32, w: u32, first: u32, t: u32, vcol: u32, wk: u32,
): void {
  const s = first + b0, len = n - s, rows = r1 - r0;
  if (rows == 0 || len == 0) return;
  const vb = vt + ((b0 * ldv + s) << 3);
  transposeInto(vb, ldv, w, len, vcol, w);
  memory.fill(wk, 0, (rows * w) << 3);
  gemm64(rows, w, len, z + ((r0 * ldz + s) << 3), ldz, vcol, w, wk, w, false);
  // W := W T'
  for (let r: u32 = 0; r < rows; r++) {
    const row = wk + ((r * w) << 3);
    for (let i: u32 = 0; i < w; i++) {
      let x: f64 = 0;
      for (let j = i; j < w; j++) x += load<f64>(t + ((i * RB + j) << 3)) * load<f64>(row + (j << 3));
      store<f64>(row + (i << 3), x);
    }
  }
  gemm64(rows, len, w, wk, w, vb, ldv, z + ((r0 * ldz + s) << 3), ldz, true);
}

/**
 * C := (H_b0 ... H_b0+w-1)' C = (I - V T' V') C for the block of c (row stride ldc) whose rows
 * are the N coordinates from the block's first on, columns [c0, c1); or, when not `transposed`,
 * C := H_b0 ... H_b0+w-1 C = (I - V T V') C. Scratch as applyRight.
 */
export function applyLeft(
  c: u32, ldc: u32, c0: u32, c1: u32, vt: u32, ldv: u32, n: u32, b0: u32, w: u32, first: u32, t: u32, vcol: u32, wk: u32, transposed: bool = true,
): void {
  const s = first + b0, len = n - s, cols = c1 - c0;
  if (cols == 0 || len == 0) return;
  const vb = vt + ((b0 * ldv + s) << 3);
  const cb = c + ((s * ldc + c0) << 3);
  memory.fill(wk, 0, (w * cols) << 3);
  gemm64(w, cols, len, vb, ldv, cb, ldc, wk, cols, false);
  if (transposed) {
    // W := T' W, from the last row up (T' is lower triangular)
    for (let i = w; i-- > 0; ) {
      const wi = wk + ((i * cols) << 3);
      scale(wi, load<f64>(t + ((i * RB + i) << 3)), cols);
      for (let j: u32 = 0; j < i; j++) {
        const tji = load<f64>(t + ((j * RB + i) << 3));
        if (tji != 0) axpy(wi, wk + ((j * cols) << 3), tji, cols);
      }
    }
  } else {
    // W := T W, from the first row down (T is upper triangular)
    for (let i: u32 = 0; i < w; i++) {
      const wi = wk + ((i * cols) << 3);
      scale(wi, load<f64>(t + ((i * RB + i) << 3)), cols);
      for (let j = i + 1; j < w; j++) {
        const tij = load<f64>(t + ((i * RB + j) << 3));
        if (tij != 0) axpy(wi, wk + ((j * cols) << 3), tij, cols);
      }
    }
  }
  transposeInto(vb, ldv, w, len, vcol, w);
  gemm64(len, cols, w, vcol, w, wk, cols, cb, ldc, true);
}
