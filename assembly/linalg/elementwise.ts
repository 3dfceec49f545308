// The math functions of spec section 5 applied to each element of a matrix or tensor, giving a
// new array of the same shape and dtype, and the elementwise power `.^`. abs, sqrt, floor, ceil
// and round take two f64 or four f32 lanes at a time; exp, log, sin, cos, tan and pow are the
// core's own (AssemblyScript's libm), so an array's results are the same on every host.
import { DTYPE_F32 } from "../heap/layout";
import { isNum, objOf, numOf, num, obj, NIL } from "../heap/value";
import { hostMath, MATH_POW } from "../vm/host";
import { operandError } from "../vm/ops";
import { OPS_EPOW } from "../vm/names";
import * as B from "../vm/opcodes";
import { isMatrix, isTensor, arrayCount, arrayElems, arrayDtype, sameShape } from "./matrix";
import { elementwise, EW_POW } from "./ops";
import { offered, AO_MAP, AO_POW } from "../vm/array-offers";

/** round: the nearest integer, halves away from zero (exact: x - trunc(x) has no rounding error). */
// @ts-ignore: decorator
@inline export function roundHalfAway(x: f64): f64 {
  const t = trunc<f64>(x);
  return copysign<f64>(abs<f64>(x - t) >= 0.5 ? abs<f64>(t) + 1 : abs<f64>(t), x);
}

/** x ** y for array elements: a square is exact, as `x .* x` is. */
// @ts-ignore: decorator
@inline export function powElement(x: f64, y: f64): f64 {
  return y == 2 ? x * x : Math.pow(x, y);
}

/** Builtin `id` (abs ... round) of one number. */
export function math1(id: u32, x: f64): f64 {
  switch (id) {
    case B.BI_ABS: return abs<f64>(x);
    case B.BI_SQRT: return Math.sqrt(x);
    case B.BI_FLOOR: return Math.floor(x);
    case B.BI_CEIL: return Math.ceil(x);
    case B.BI_ROUND: return roundHalfAway(x);
    case B.BI_EXP: return Math.exp(x);
    case B.BI_LOG: return Math.log(x);
    case B.BI_SIN: return Math.sin(x);
    case B.BI_COS: return Math.cos(x);
    default: return Math.tan(x);
  }
}

const SIGN64 = i64x2.splat(0x8000000000000000);
const SIGN32 = i32x4.splat(0x80000000);

/** round of two f64 lanes, as roundHalfAway. */
// @ts-ignore: decorator
@inline function round64(x: v128): v128 {
  const t = f64x2.trunc(x), at = f64x2.abs(t);
  const up = f64x2.ge(f64x2.abs(f64x2.sub(x, t)), f64x2.splat(0.5));
  return v128.bitselect(x, f64x2.add(at, v128.and(up, f64x2.splat(1))), SIGN64);
}

// @ts-ignore: decorator
@inline function round32(x: v128): v128 {
  const t = f32x4.trunc(x), at = f32x4.abs(t);
  const up = f32x4.ge(f32x4.abs(f32x4.sub(x, t)), f32x4.splat(0.5));
  return v128.bitselect(x, f32x4.add(at, v128.and(up, f32x4.splat(1))), SIGN32);
}

/** out[i] = f(src[i]) over n f64; returns how many were done with SIMD (the rest is the caller's). */
function lanes64(id: u32, src: u32, out: u32, n: u32): u32 {
  const end = n & ~1;
  let i: u32 = 0;
  switch (id) {
    case B.BI_ABS: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.abs(v128.load(src + (i << 3)))); break;
    case B.BI_SQRT: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.sqrt(v128.load(src + (i << 3)))); break;
    case B.BI_FLOOR: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.floor(v128.load(src + (i << 3)))); break;
    case B.BI_CEIL: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.ceil(v128.load(src + (i << 3)))); break;
    case B.BI_ROUND: for (; i < end; i += 2) v128.store(out + (i << 3), round64(v128.load(src + (i << 3)))); break;
  }
  return i;
}

function lanes32(id: u32, src: u32, out: u32, n: u32): u32 {
  const end = n & ~3;
  let i: u32 = 0;
  switch (id) {
    case B.BI_ABS: for (; i < end; i += 4) v128.store(out + (i << 2), f32x4.abs(v128.load(src + (i << 2)))); break;
    case B.BI_SQRT: for (; i < end; i += 4) v128.store(out + (i << 2), f32x4.sqrt(v128.load(src + (i << 2)))); break;
    case B.BI_FLOOR: for (; i < end; i += 4) v128.store(out + (i << 2), f32x4.floor(v128.load(src + (i << 2)))); break;
    case B.BI_CEIL: for (; i < end; i += 4) v128.store(out + (i << 2), f32x4.ceil(v128.load(src + (i << 2)))); break;
    case B.BI_ROUND: for (; i < end; i += 4) v128.store(out + (i << 2), round32(v128.load(src + (i << 2)))); break;
  }
  return i;
}

/** abs, sqrt, exp, log, sin, cos, tan, floor, ceil or round (builtin `id`) of each element of array v. */
export function mapArray(id: u32, v: u64): u64 {
  const p = objOf(v);
  const dt = arrayDtype(p), n = arrayCount(p);
  const out = sameShape(p, dt);
  if (out == 0) return NIL;
  const src = arrayElems(p), dst = arrayElems(out);
  if (dt == DTYPE_F32) {
    if (!offered(AO_MAP, id, src, 0, dst, n, 0)) mapF32(id, src, dst, n);
  } else {
    for (let i = lanes64(id, src, dst, n); i < n; i++) store<f64>(dst + (i << 3), math1(id, load<f64>(src + (i << 3))));
  }
  return obj(out);
}

/** out[i] = f(src[i]) over n f32 (builtin `id`, as mapArray). */
export function mapF32(id: u32, src: u32, dst: u32, n: u32): void {
  // f32 elements go through f64 and are rounded once: for sqrt that is the f32 square root
  for (let i = lanes32(id, src, dst, n); i < n; i++) store<f32>(dst + (i << 2), <f32>math1(id, <f64>load<f32>(src + (i << 2))));
}

/** out[i] = src[i] ** y over n f32. */
export function powF32(src: u32, dst: u32, n: u32, y: f64): void {
  let i: u32 = 0;
  if (y == 2) for (; i + 4 <= n; i += 4) {
    const x = v128.load(src + (i << 2));
    v128.store(dst + (i << 2), f32x4.mul(x, x));
  }
  for (; i < n; i++) store<f32>(dst + (i << 2), <f32>powElement(<f64>load<f32>(src + (i << 2)), y));
}

/** Each element of array p to the power y. */
function powerByNumber(p: u32, y: f64): u64 {
  const dt = arrayDtype(p), n = arrayCount(p);
  const out = sameShape(p, dt);
  if (out == 0) return NIL;
  const src = arrayElems(p), dst = arrayElems(out);
  let i: u32 = 0;
  if (dt == DTYPE_F32) {
    if (!offered(AO_POW, 0, src, 0, dst, n, y)) powF32(src, dst, n, y);
  } else {
    if (y == 2) for (; i + 2 <= n; i += 2) {
      const x = v128.load(src + (i << 3));
      v128.store(dst + (i << 3), f64x2.mul(x, x));
    }
    for (; i < n; i++) store<f64>(dst + (i << 3), powElement(load<f64>(src + (i << 3)), y));
  }
  return obj(out);
}

/**
 * a .^ b: elementwise power of a matrix or tensor by a number, of a number by an array, or of two
 * arrays as the other elementwise operators pair them; two numbers as `**`.
 */
export function elementPower(a: u64, b: u64): u64 {
  if (isNum(a) && isNum(b)) return num(hostMath(MATH_POW, numOf(a), numOf(b)));
  const aArr = isMatrix(a) || isTensor(a), bArr = isMatrix(b) || isTensor(b);
  if (aArr && isNum(b)) return powerByNumber(objOf(a), numOf(b));
  if ((aArr && bArr) || (bArr && isNum(a))) return elementwise(EW_POW, a, b);
  operandError(OPS_EPOW, a, b);
  return NIL;
}
