// Dense matrix product C = A * B (row-major), f64 and f32. The loop order i-k-j streams rows of
// B and C, so the inner loop is a contiguous multiply-add the engine vectorises well.
import { DTYPE_F32 } from "../heap/layout";

export function matmulF64(a: u32, b: u32, c: u32, m: u32, k: u32, n: u32): void {
  memory.fill(c, 0, (m * n) << 3);
  for (let i: u32 = 0; i < m; i++) {
    const ci = c + ((i * n) << 3);
    const ai = a + ((i * k) << 3);
    for (let p: u32 = 0; p < k; p++) {
      const x = load<f64>(ai + (p << 3));
      if (x == 0) continue;
      const bp = b + ((p * n) << 3);
      const xv = f64x2.splat(x);
      let j: u32 = 0;
      for (; j + 2 <= n; j += 2) {
        const o = j << 3;
        v128.store(ci + o, f64x2.add(v128.load(ci + o), f64x2.mul(xv, v128.load(bp + o))));
      }
      for (; j < n; j++) store<f64>(ci + (j << 3), load<f64>(ci + (j << 3)) + x * load<f64>(bp + (j << 3)));
    }
  }
}

export function matmulF32(a: u32, b: u32, c: u32, m: u32, k: u32, n: u32): void {
  memory.fill(c, 0, (m * n) << 2);
  for (let i: u32 = 0; i < m; i++) {
    const ci = c + ((i * n) << 2);
    const ai = a + ((i * k) << 2);
    for (let p: u32 = 0; p < k; p++) {
      const x = load<f32>(ai + (p << 2));
      if (x == 0) continue;
      const bp = b + ((p * n) << 2);
      const xv = f32x4.splat(x);
      let j: u32 = 0;
      for (; j + 4 <= n; j += 4) {
        const o = j << 2;
        v128.store(ci + o, f32x4.add(v128.load(ci + o), f32x4.mul(xv, v128.load(bp + o))));
      }
      for (; j < n; j++) store<f32>(ci + (j << 2), load<f32>(ci + (j << 2)) + x * load<f32>(bp + (j << 2)));
    }
  }
}

export function matmul(a: u32, b: u32, c: u32, m: u32, k: u32, n: u32, dtype: u32): void {
  if (dtype == DTYPE_F32) matmulF32(a, b, c, m, k, n);
  else matmulF64(a, b, c, m, k, n);
}
