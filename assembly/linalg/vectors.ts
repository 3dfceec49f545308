// Kernels on contiguous f64 vectors and blocks that the decompositions share: dot products,
// multiply-adds, scaling and blocked transposition, two lanes at a time.

/** x · y over n doubles. */
export function dot(x: u32, y: u32, n: u32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = i << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
  }
  s0 = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  for (; i < n; i++) s += load<f64>(x + (i << 3)) * load<f64>(y + (i << 3));
  return s;
}

/** y += a x over n doubles. */
export function axpy(y: u32, x: u32, a: f64, n: u32): void {
  const av = f64x2.splat(a);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = i << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(av, v128.load(x + o))));
    v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(av, v128.load(x + o, 16))), 16);
  }
  for (; i < n; i++) store<f64>(y + (i << 3), load<f64>(y + (i << 3)) + a * load<f64>(x + (i << 3)));
}

/** x *= a over n doubles. */
export function scale(x: u32, a: f64, n: u32): void {
  const av = f64x2.splat(a);
  let i: u32 = 0;
  for (; i + 2 <= n; i += 2) v128.store(x + (i << 3), f64x2.mul(av, v128.load(x + (i << 3))));
  if (i < n) store<f64>(x + (i << 3), a * load<f64>(x + (i << 3)));
}

/** The 2-norm of n doubles, scaled where squares would overflow or underflow. */
export function norm2(x: u32, n: u32): f64 {
  let big: f64 = 0;
  for (let i: u32 = 0; i < n; i++) big = max(big, Math.abs(load<f64>(x + (i << 3))));
  if (big == 0 || big != big) return big;
  if (big > 1e-150 && big < 1e150) return Math.sqrt(dot(x, x, n));
  let s: f64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const t = load<f64>(x + (i << 3)) / big;
    s += t * t;
  }
  return big * Math.sqrt(s);
}

/** dst (c x r, row stride ldd) = the transpose of src (r x c, row stride lds), in 32 x 32 tiles. */
export function transposeInto(src: u32, lds: u32, r: u32, c: u32, dst: u32, ldd: u32): void {
  for (let i0: u32 = 0; i0 < r; i0 += 32) {
    const i1 = min(i0 + 32, r);
    for (let j0: u32 = 0; j0 < c; j0 += 32) {
      const j1 = min(j0 + 32, c);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) store<f64>(dst + ((j * ldd + i) << 3), load<f64>(src + ((i * lds + j) << 3)));
      }
    }
  }
}
