// Reductions of spec 1.1 section 5 over a matrix or tensor: sum, mean, std, var (population),
// amin, amax, argmin, argmax and cumsum, of all elements or along one axis. The array is seen as
// (outer, len, inner) around the axis: reducing along it walks `len` elements `inner` apart.
// Along the last axis the runs are contiguous: sums take two f64 lanes twice (four partial
// sums, as numpy's pairwise summation also departs from a plain left-to-right sum; f32 elements
// widened to f64), extremes two f64 or four f32 lanes; across other axes whole rows of `inner`
// f64 accumulators advance together, two lanes at a time.
import { T_MATRIX, typeOf, DTYPE_F32, DTYPE_F64, MAX_TENSOR_DIMS } from "../heap/layout";
import { isNum, objOf, numOf, num, obj, NIL } from "../heap/value";
import { raise1 } from "../vm/fault";
import { builtinName } from "../vm/builtin-names";
import * as B from "../vm/opcodes";
import { E_INVALID_ARGUMENT, E_SHAPE_MISMATCH } from "../vm/contract";
import { newMatrix, newTensor, sameShape, arrayCount, arrayElems, arrayDtype, getAt, setAt } from "./matrix";
import { dimsOf } from "./broadcast";
import { bad } from "./builtins";
import * as M from "./messages";
import { offered, AO_REDUCE } from "../vm/array-offers";

const dims = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const rest = <u32>memory.data(4 * MAX_TENSOR_DIMS);
/** Where the host writes a reduction it computed. */
const reducedByHost = <u32>memory.data(8);

/** Sum of n elements `stride` apart from element `from`; contiguous runs in four partial sums (f32 widened to f64). */
function sumRun(e: u32, from: u32, n: u32, stride: u32, dt: u32): f64 {
  let i: u32 = 0;
  let s: f64 = 0;
  if (stride == 1 && n >= 8) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    const end = n & ~3;
    if (dt == DTYPE_F64) {
      const p = e + (from << 3);
      for (; i < end; i += 4) {
        s0 = f64x2.add(s0, v128.load(p + (i << 3)));
        s1 = f64x2.add(s1, v128.load(p + (i << 3), 16));
      }
    } else {
      const p = e + (from << 2);
      for (; i < end; i += 4) {
        const x = v128.load(p + (i << 2));
        s0 = f64x2.add(s0, f64x2.promote_low_f32x4(x));
        s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<i64>(x, x, 1, 0)));
      }
    }
    const t = f64x2.add(s0, s1);
    s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  }
  for (; i < n; i++) s += getAt(e, from + i * stride, dt);
  return s;
}

/** Sum of squared distances from m of n elements `stride` apart (the second pass of var). */
function squaresRun(e: u32, from: u32, n: u32, stride: u32, dt: u32, m: f64): f64 {
  let i: u32 = 0;
  let s: f64 = 0;
  if (dt == DTYPE_F64 && stride == 1 && n >= 8) {
    const p = e + (from << 3), mean = f64x2.splat(m);
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    const end = n & ~3;
    for (; i < end; i += 4) {
      const d0 = f64x2.sub(v128.load(p + (i << 3)), mean), d1 = f64x2.sub(v128.load(p + (i << 3), 16), mean);
      s0 = f64x2.add(s0, f64x2.mul(d0, d0));
      s1 = f64x2.add(s1, f64x2.mul(d1, d1));
    }
    const t = f64x2.add(s0, s1);
    s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  }
  for (; i < n; i++) {
    const d = getAt(e, from + i * stride, dt) - m;
    s += d * d;
  }
  return s;
}

/**
 * The smallest (or with `most` the largest) of n elements `stride` apart, by WebAssembly's min
 * and max: a NaN wins, as in numpy, and -0 is below 0, so the result does not depend on the
 * order the elements are taken in.
 */
function extremeRun(e: u32, from: u32, n: u32, stride: u32, dt: u32, most: bool): f64 {
  let i: u32 = 0;
  let best: f64 = most ? -Infinity : Infinity;
  if (stride == 1 && n >= 8) {
    // lanes take the plain comparison (one instruction); a NaN, or a zero whose sign the
    // comparison leaves open, sends the run to the exact loop below
    let b0 = f64x2.splat(best), b1 = b0, nan = f64x2.splat(0);
    const end = n & ~3;
    // one loop for each case: a v128 select in the loop costs more than the comparisons
    if (dt == DTYPE_F64) {
      const p = e + (from << 3);
      if (most) {
        for (; i < end; i += 4) {
          const x0 = v128.load(p + (i << 3)), x1 = v128.load(p + (i << 3), 16);
          b0 = f64x2.pmax(b0, x0);
          b1 = f64x2.pmax(b1, x1);
          nan = v128.or(nan, v128.or(f64x2.ne(x0, x0), f64x2.ne(x1, x1)));
        }
      } else {
        for (; i < end; i += 4) {
          const x0 = v128.load(p + (i << 3)), x1 = v128.load(p + (i << 3), 16);
          b0 = f64x2.pmin(b0, x0);
          b1 = f64x2.pmin(b1, x1);
          nan = v128.or(nan, v128.or(f64x2.ne(x0, x0), f64x2.ne(x1, x1)));
        }
      }
    } else {
      // f32 lanes in f32, then widened (exact)
      const p = e + (from << 2);
      let c = f32x4.splat(<f32>best);
      if (most) {
        for (; i < end; i += 4) {
          const x = v128.load(p + (i << 2));
          c = f32x4.pmax(c, x);
          nan = v128.or(nan, f32x4.ne(x, x));
        }
      } else {
        for (; i < end; i += 4) {
          const x = v128.load(p + (i << 2));
          c = f32x4.pmin(c, x);
          nan = v128.or(nan, f32x4.ne(x, x));
        }
      }
      b0 = f64x2.promote_low_f32x4(c);
      b1 = f64x2.promote_low_f32x4(v128.shuffle<i64>(c, c, 1, 0));
    }
    const b = most ? f64x2.max(b0, b1) : f64x2.min(b0, b1);
    best = most ? max<f64>(f64x2.extract_lane(b, 0), f64x2.extract_lane(b, 1)) : min<f64>(f64x2.extract_lane(b, 0), f64x2.extract_lane(b, 1));
    if (v128.any_true(nan) || best == 0) {
      i = 0;
      best = most ? -Infinity : Infinity;
    }
  }
  if (most) for (; i < n; i++) best = max<f64>(best, getAt(e, from + i * stride, dt));
  else for (; i < n; i++) best = min<f64>(best, getAt(e, from + i * stride, dt));
  return best;
}

/** The place of the first of n elements `stride` apart equal to v (the first NaN for a NaN). */
function firstPlace(e: u32, from: u32, n: u32, stride: u32, dt: u32, v: f64): u32 {
  if (v != v) {
    for (let i: u32 = 0; i < n; i++) {
      const x = getAt(e, from + i * stride, dt);
      if (x != x) return i;
    }
  }
  let i: u32 = 0;
  if (dt == DTYPE_F64 && stride == 1) {
    // skip two at a time to the pair that holds it
    const p = e + (from << 3), want = f64x2.splat(v);
    while (i + 2 <= n && !v128.any_true(f64x2.eq(v128.load(p + (i << 3)), want))) i += 2;
  }
  for (; i < n; i++) if (getAt(e, from + i * stride, dt) == v) return i;
  return 0;
}

/**
 * The reduction `id` of n elements `stride` apart: the value, or for argmin/argmax the position
 * of the first extreme along the run (of the first NaN when there is one, as in numpy).
 */
export function reduceRun(id: u32, e: u32, from: u32, n: u32, stride: u32, dt: u32): f64 {
  switch (id) {
    case B.BI_SUM: return sumRun(e, from, n, stride, dt);
    case B.BI_MEAN: return sumRun(e, from, n, stride, dt) / <f64>n;
    case B.BI_VAR:
    case B.BI_STD: {
      const m = sumRun(e, from, n, stride, dt) / <f64>n;
      const v = squaresRun(e, from, n, stride, dt, m) / <f64>n;
      return id == B.BI_STD ? Math.sqrt(v) : v;
    }
    case B.BI_AMIN: return extremeRun(e, from, n, stride, dt, false);
    case B.BI_AMAX: return extremeRun(e, from, n, stride, dt, true);
  }
  const v = extremeRun(e, from, n, stride, dt, id == B.BI_ARGMAX);
  return <f64>firstPlace(e, from, n, stride, dt, v);
}

/** Whether reduction `id` has a value for no elements (sum does: 0). */
// @ts-ignore: decorator
@inline function needsElements(id: u32): bool {
  return id != B.BI_SUM && id != B.BI_CUMSUM;
}

/** The axis argument as an axis of an array with nd axes (negative counts from the end), or -1 after raising. */
function axisOf(id: u32, p: u32, v: u64, nd: u32): i32 {
  if (!isNum(v)) {
    bad(id, v);
    return -1;
  }
  const x = numOf(v);
  if (x == Math.floor(x) && x >= -<f64>nd && x < <f64>nd) return <i32>(x < 0 ? x + <f64>nd : x);
  M.begin();
  M.name(id);
  M.text(" along axis ");
  M.value(v);
  M.text(" of ");
  M.shape(p);
  M.raiseText(E_SHAPE_MISMATCH);
  return -1;
}

function noElements(id: u32): u64 {
  raise1(E_INVALID_ARGUMENT, obj(builtinName(id)));
  return NIL;
}

/** Running sums of all elements of p in row-major order, as a 1 x n row of its dtype. */
function cumsumAll(p: u32): u64 {
  const n = arrayCount(p), e = arrayElems(p), dt = arrayDtype(p);
  const out = newMatrix(1, n, dt);
  if (out == 0) return NIL;
  const eo = arrayElems(out);
  let s: f64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    s = i == 0 ? getAt(e, 0, dt) : s + getAt(e, i, dt); // from the first element: -0 stays -0, as in numpy
    setAt(eo, i, dt, s);
  }
  return obj(out);
}

/** The reduction `id` of the matrix or tensor v: over all elements when axis is NIL. */
export function reduceArray(id: u32, v: u64, axis: u64): u64 {
  const p = objOf(v);
  const n = arrayCount(p), e = arrayElems(p), dt = arrayDtype(p);
  if (axis == NIL) {
    if (id == B.BI_CUMSUM) return cumsumAll(p);
    if (n == 0 && needsElements(id)) return noElements(id);
    if (dt == DTYPE_F32 && offered(AO_REDUCE, id, e, 0, reducedByHost, n, 0)) return num(load<f64>(reducedByHost));
    return num(reduceRun(id, e, 0, n, 1, dt));
  }
  const nd = dimsOf(p, dims);
  const ax = axisOf(id, p, axis, nd);
  if (ax < 0) return NIL;
  const len = load<u32>(dims + (ax << 2));
  let outer: u32 = 1, inner: u32 = 1;
  for (let k: u32 = 0; k < nd; k++) {
    if (k < <u32>ax) outer *= load<u32>(dims + (k << 2));
    else if (k > <u32>ax) inner *= load<u32>(dims + (k << 2));
  }
  if (id == B.BI_CUMSUM) return cumsumAxis(p, outer, len, inner);
  if (len == 0 && outer * inner > 0 && needsElements(id)) return noElements(id);
  // the result: a matrix keeps the reduced axis with length 1; a tensor loses it
  const isArg = id == B.BI_ARGMIN || id == B.BI_ARGMAX;
  const odt = isArg ? DTYPE_F64 : dt;
  let out: u32 = 0;
  if (typeOf(p) == T_MATRIX) out = ax == 0 ? newMatrix(1, inner, odt) : newMatrix(outer, 1, odt);
  else {
    let m: u32 = 0;
    for (let k: u32 = 0; k < nd; k++) if (k != <u32>ax) store<u32>(rest + (m++ << 2), load<u32>(dims + (k << 2)));
    if (m == 0) return num(reduceRun(id, e, 0, len, 1, dt));
    out = m == 2 ? newMatrix(load<u32>(rest), load<u32>(rest, 4), odt) : newTensor(m, rest, odt);
  }
  if (out == 0) return NIL;
  const eo = arrayElems(out);
  if (inner > 1 && dt == DTYPE_F64 && (id == B.BI_SUM || id == B.BI_MEAN)) {
    sumRows(e, outer, len, inner, eo, odt, id == B.BI_MEAN);
    return obj(out);
  }
  if (inner > 1 && dt == DTYPE_F64 && len > 0 && (id == B.BI_AMIN || id == B.BI_AMAX)) {
    extremeRows(e, outer, len, inner, eo, id == B.BI_AMAX);
    return obj(out);
  }
  for (let o: u32 = 0; o < outer; o++) {
    for (let i: u32 = 0; i < inner; i++) setAt(eo, o * inner + i, odt, reduceRun(id, e, o * len * inner + i, len, inner, dt));
  }
  return obj(out);
}

/**
 * Sums (or means) of f64 elements across an axis that is not the last: for each outer index, the
 * `len` rows of `inner` elements are added into one row, two lanes at a time; each sum still adds
 * its elements in order, as one run would.
 */
function sumRows(e: u32, outer: u32, len: u32, inner: u32, eo: u32, odt: u32, mean: bool): void {
  for (let o: u32 = 0; o < outer; o++) {
    const dst = eo + ((o * inner) << 3);
    memory.fill(dst, 0, inner << 3);
    for (let k: u32 = 0; k < len; k++) {
      const src = e + (((o * len + k) * inner) << 3);
      let i: u32 = 0;
      for (; i + 2 <= inner; i += 2) v128.store(dst + (i << 3), f64x2.add(v128.load(dst + (i << 3)), v128.load(src + (i << 3))));
      for (; i < inner; i++) store<f64>(dst + (i << 3), load<f64>(dst + (i << 3)) + load<f64>(src + (i << 3)));
    }
    if (mean) for (let i: u32 = 0; i < inner; i++) store<f64>(dst + (i << 3), load<f64>(dst + (i << 3)) / <f64>len);
  }
}

/** amin or amax of f64 elements across an axis that is not the last, a row of `inner` at a time. */
function extremeRows(e: u32, outer: u32, len: u32, inner: u32, eo: u32, most: bool): void {
  for (let o: u32 = 0; o < outer; o++) {
    const dst = eo + ((o * inner) << 3);
    memory.copy(dst, e + ((o * len * inner) << 3), inner << 3);
    for (let k: u32 = 1; k < len; k++) {
      const src = e + (((o * len + k) * inner) << 3);
      let i: u32 = 0;
      if (most) for (; i + 2 <= inner; i += 2) v128.store(dst + (i << 3), f64x2.max(v128.load(dst + (i << 3)), v128.load(src + (i << 3))));
      else for (; i + 2 <= inner; i += 2) v128.store(dst + (i << 3), f64x2.min(v128.load(dst + (i << 3)), v128.load(src + (i << 3))));
      for (; i < inner; i++) {
        const a = load<f64>(dst + (i << 3)), b = load<f64>(src + (i << 3));
        store<f64>(dst + (i << 3), most ? max<f64>(a, b) : min<f64>(a, b));
      }
    }
  }
}

/** Running sums along an axis: an array of the same kind, shape and dtype. */
function cumsumAxis(p: u32, outer: u32, len: u32, inner: u32): u64 {
  const dt = arrayDtype(p), e = arrayElems(p);
  const out = sameShape(p, dt);
  if (out == 0) return NIL;
  const eo = arrayElems(out);
  if (dt == DTYPE_F64 && inner > 1) {
    // a row at a time, two lanes at once: each running sum still adds in order
    for (let o: u32 = 0; o < outer; o++) {
      const first = (o * len * inner) << 3;
      if (len > 0) memory.copy(eo + first, e + first, inner << 3);
      for (let k: u32 = 1; k < len; k++) {
        const at = first + ((k * inner) << 3), prev = at - (inner << 3);
        let i: u32 = 0;
        for (; i + 2 <= inner; i += 2) v128.store(eo + at + (i << 3), f64x2.add(v128.load(eo + prev + (i << 3)), v128.load(e + at + (i << 3))));
        for (; i < inner; i++) store<f64>(eo + at + (i << 3), load<f64>(eo + prev + (i << 3)) + load<f64>(e + at + (i << 3)));
      }
    }
    return obj(out);
  }
  for (let o: u32 = 0; o < outer; o++) {
    for (let i: u32 = 0; i < inner; i++) {
      let s: f64 = 0;
      for (let k: u32 = 0; k < len; k++) {
        const at = (o * len + k) * inner + i;
        s = k == 0 ? getAt(e, at, dt) : s + getAt(e, at, dt);
        setAt(eo, at, dt, s);
      }
    }
  }
  return obj(out);
}
