// A sequence of plane rotations on neighbouring rows of a row-major f64 matrix, as the implicit
// QR iterations of the symmetric eigensolver and the SVD produce them (LAPACK's dlasr). Rotation
// r acts on rows p and p+1, p = p0 + r: x' = c x + s y, y' = -s x + c y. The whole sequence is
// applied to eight columns at a time, the row shared by consecutive rotations kept in
// registers, so each rotation costs one load and one store of the row it finishes.

// c x + s y; with relaxed SIMD (a separate build of the core) one of the products is fused.
// @ts-ignore: decorator
@inline function rot(c: v128, s: v128, x: v128, y: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f64x2.relaxed_madd(c, x, f64x2.mul(s, y)) : f64x2.add(f64x2.mul(c, x), f64x2.mul(s, y));
}

/**
 * Applies `count` rotations (cosines at cs, sines at sn, f64 each) to rows [p0, p0 + count] of
 * z (row stride ld, ncols columns), in the order of increasing p when `ascending`, else
 * decreasing.
 */
export function applyRotations(z: u32, ld: u32, ncols: u32, p0: u32, count: u32, cs: u32, sn: u32, ascending: bool): void {
  if (count == 0) return;
  const stride = ld << 3;
  const base = z + ((p0 * ld) << 3);
  let j: u32 = 0;
  for (; j + 8 <= ncols; j += 8) {
    const col = base + (j << 3);
    if (ascending) {
      let x0 = v128.load(col), x1 = v128.load(col, 16), x2 = v128.load(col, 32), x3 = v128.load(col, 48);
      for (let r: u32 = 0; r < count; r++) {
        const c = v128.load64_splat(cs + (r << 3)), s = v128.load64_splat(sn + (r << 3)), ns = f64x2.neg(s);
        const px = col + r * stride, py = px + stride;
        const y0 = v128.load(py), y1 = v128.load(py, 16), y2 = v128.load(py, 32), y3 = v128.load(py, 48);
        v128.store(px, rot(c, s, x0, y0));
        v128.store(px, rot(c, s, x1, y1), 16);
        v128.store(px, rot(c, s, x2, y2), 32);
        v128.store(px, rot(c, s, x3, y3), 48);
        x0 = rot(ns, c, x0, y0);
        x1 = rot(ns, c, x1, y1);
        x2 = rot(ns, c, x2, y2);
        x3 = rot(ns, c, x3, y3);
      }
      const pl = col + count * stride;
      v128.store(pl, x0);
      v128.store(pl, x1, 16);
      v128.store(pl, x2, 32);
      v128.store(pl, x3, 48);
    } else {
      const pl = col + count * stride;
      let y0 = v128.load(pl), y1 = v128.load(pl, 16), y2 = v128.load(pl, 32), y3 = v128.load(pl, 48);
      for (let r = count; r-- > 0; ) {
        const c = v128.load64_splat(cs + (r << 3)), s = v128.load64_splat(sn + (r << 3)), ns = f64x2.neg(s);
        const px = col + r * stride, py = px + stride;
        const x0 = v128.load(px), x1 = v128.load(px, 16), x2 = v128.load(px, 32), x3 = v128.load(px, 48);
        v128.store(py, rot(ns, c, x0, y0));
        v128.store(py, rot(ns, c, x1, y1), 16);
        v128.store(py, rot(ns, c, x2, y2), 32);
        v128.store(py, rot(ns, c, x3, y3), 48);
        y0 = rot(c, s, x0, y0);
        y1 = rot(c, s, x1, y1);
        y2 = rot(c, s, x2, y2);
        y3 = rot(c, s, x3, y3);
      }
      v128.store(col, y0);
      v128.store(col, y1, 16);
      v128.store(col, y2, 32);
      v128.store(col, y3, 48);
    }
  }
  for (; j < ncols; j++) {
    const col = base + (j << 3);
    if (ascending) {
      for (let r: u32 = 0; r < count; r++) rotate1(col + r * stride, stride, load<f64>(cs + (r << 3)), load<f64>(sn + (r << 3)));
    } else {
      for (let r = count; r-- > 0; ) rotate1(col + r * stride, stride, load<f64>(cs + (r << 3)), load<f64>(sn + (r << 3)));
    }
  }
}

// @ts-ignore: decorator
@inline function rotate1(px: u32, stride: u32, c: f64, s: f64): void {
  const x = load<f64>(px), y = load<f64>(px + stride);
  store<f64>(px, c * x + s * y);
  store<f64>(px + stride, c * y - s * x);
}

/** One rotation of two whole rows p and q (not necessarily neighbours) of z. */
export function rotateRows(z: u32, ld: u32, ncols: u32, p: u32, q: u32, c: f64, s: f64): void {
  const x = z + ((p * ld) << 3), y = z + ((q * ld) << 3);
  const cv = f64x2.splat(c), sv = f64x2.splat(s), nsv = f64x2.neg(sv);
  let j: u32 = 0;
  for (; j + 2 <= ncols; j += 2) {
    const o = j << 3;
    const xv = v128.load(x + o), yv = v128.load(y + o);
    v128.store(x + o, rot(cv, sv, xv, yv));
    v128.store(y + o, rot(nsv, cv, xv, yv));
  }
  if (j < ncols) {
    const o = j << 3;
    const xs = load<f64>(x + o), ys = load<f64>(y + o);
    store<f64>(x + o, c * xs + s * ys);
    store<f64>(y + o, c * ys - s * xs);
  }
}
