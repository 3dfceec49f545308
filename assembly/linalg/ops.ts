// Operators and built-ins on matrices and tensors: elementwise arithmetic with shapes checked
// (5002), scalar scaling, the matrix product, transpose, solve, inverse, determinant, LU, and
// indexing. Results are f32 only when every array operand is f32.
import { HEADER, T_MATRIX, T_TENSOR, T_RAW, T_LIST, typeOf, DTYPE_F32, DTYPE_F64, TEN_NDIM, TEN_SHAPE, TEN_COUNT, TEN_DTYPE, TEN_ELEMS, MAX_TENSOR_DIMS } from "../heap/layout";
import { allocBlock, freeBlock } from "../heap/alloc";
import { isNum, isObj, objOf, numOf, num, obj, NIL } from "../heap/value";
import { raise, raise1, raise2, raise3 } from "../vm/fault";
import { opSymbol, OPS_INDEX, S_MATRIX, S_TENSOR } from "../vm/names";
import { typeValue } from "../vm/ops";
import {
  newMatrix, zeroMatrix, newTensor, isMatrix, isTensor, mRows, mCols, mDtype, mElems, arrayCount, arrayElems, arrayDtype,
  getAt, setAt, sameShape, shapesEqual,
} from "./matrix";
import { matmul } from "./matmul";
import { luFactor, luSolve } from "./lu";
import { luInverse } from "./inverse";
import { broadcast } from "./broadcast";
import { powElement } from "./elementwise";
import { solveLeastSquares } from "./decompositions";
import { newList, listPush, listLen, listGet } from "../objects/list";
import { offered, AO_ZIP } from "../vm/array-offers";
import { E_ELEMENT_TYPE, E_INDEX_OUT_OF_RANGE, E_MEMORY_LIMIT, E_OPERAND_TYPES, E_SHAPE_MISMATCH, E_SINGULAR_MATRIX } from "../vm/contract";

// elementwise operation codes
export const EW_ADD: u32 = 0;
export const EW_SUB: u32 = 1;
export const EW_MUL: u32 = 2;
export const EW_DIV: u32 = 3;
export const EW_POW: u32 = 4;

// @ts-ignore: decorator
@inline export function apply(op: u32, x: f64, y: f64): f64 {
  return op == EW_ADD ? x + y : op == EW_SUB ? x - y : op == EW_MUL ? x * y : op == EW_DIV ? x / y : powElement(x, y);
}

/** out[i] = a[i] op b[i] over f64 arrays, two lanes at a time (but for powers). */
export function zipF64(op: u32, a: u32, b: u32, out: u32, n: u32): void {
  let i: u32 = 0;
  const end = n & ~1;
  switch (op) {
    case EW_ADD: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.add(v128.load(a + (i << 3)), v128.load(b + (i << 3)))); break;
    case EW_SUB: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.sub(v128.load(a + (i << 3)), v128.load(b + (i << 3)))); break;
    case EW_MUL: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.mul(v128.load(a + (i << 3)), v128.load(b + (i << 3)))); break;
    case EW_DIV: for (; i < end; i += 2) v128.store(out + (i << 3), f64x2.div(v128.load(a + (i << 3)), v128.load(b + (i << 3)))); break;
  }
  for (; i < n; i++) store<f64>(out + (i << 3), apply(op, load<f64>(a + (i << 3)), load<f64>(b + (i << 3))));
}

/** out[i] = a[i] op b[i] over f32 arrays, four lanes at a time (but for powers); f32 arithmetic rounds as f64's rounded to f32 does. */
export function zipF32(op: u32, a: u32, b: u32, out: u32, n: u32): void {
  let i: u32 = 0;
  const end = n & ~3;
  switch (op) {
    case EW_ADD: for (; i < end; i += 4) v128.store(out + (i << 2), f32x4.add(v128.load(a + (i << 2)), v128.load(b + (i << 2)))); break;
    case EW_SUB: for (; i < end; i += 4) v128.store(out + (i << 2), f32x4.sub(v128.load(a + (i << 2)), v128.load(b + (i << 2)))); break;
    case EW_MUL: for (; i < end; i += 4) v128.store(out + (i << 2), f32x4.mul(v128.load(a + (i << 2)), v128.load(b + (i << 2)))); break;
    case EW_DIV: for (; i < end; i += 4) v128.store(out + (i << 2), f32x4.div(v128.load(a + (i << 2)), v128.load(b + (i << 2)))); break;
  }
  for (; i < n; i++) store<f32>(out + (i << 2), <f32>apply(op, <f64>load<f32>(a + (i << 2)), <f64>load<f32>(b + (i << 2))));
}

// @ts-ignore: decorator
@inline function lanes(op: u32, x: v128, y: v128): v128 {
  return op == EW_ADD ? f64x2.add(x, y) : op == EW_SUB ? f64x2.sub(x, y) : op == EW_MUL ? f64x2.mul(x, y) : f64x2.div(x, y);
}

/** One loop of withNumber; inlined with constant op, order and dtype, so each case is a loop of its own. */
// @ts-ignore: decorator
@inline function numberLoop(op: u32, arrayFirst: bool, f32: bool, e: u32, y: v128, out: u32, n: u32): u32 {
  let i: u32 = 0;
  if (f32) {
    for (; i + 2 <= n; i += 2) {
      const x = f64x2.promote_low_f32x4(v128.load64_zero(e + (i << 2)));
      v128.store64_lane(out + (i << 2), f32x4.demote_f64x2_zero(arrayFirst ? lanes(op, x, y) : lanes(op, y, x)), 0);
    }
  } else {
    for (; i + 2 <= n; i += 2) {
      const x = v128.load(e + (i << 3));
      v128.store(out + (i << 3), arrayFirst ? lanes(op, x, y) : lanes(op, y, x));
    }
  }
  return i;
}

// @ts-ignore: decorator
@inline function numberLoops(op: u32, arrayFirst: bool, dt: u32, e: u32, y: v128, out: u32, n: u32): u32 {
  return dt == DTYPE_F32 ? numberLoop(op, arrayFirst, true, e, y, out, n) : numberLoop(op, arrayFirst, false, e, y, out, n);
}

/**
 * out[i] = e[i] op s (or s op e[i] when not arrayFirst) two f64 lanes at a time, f32 elements
 * widened and the result rounded once, as the scalar loop does; returns how many were done (the
 * rest, and powers, are the caller's).
 */
function withNumber(op: u32, e: u32, s: f64, out: u32, n: u32, dt: u32, arrayFirst: bool): u32 {
  const y = f64x2.splat(s);
  switch (op) {
    case EW_ADD: return arrayFirst ? numberLoops(EW_ADD, true, dt, e, y, out, n) : numberLoops(EW_ADD, false, dt, e, y, out, n);
    case EW_SUB: return arrayFirst ? numberLoops(EW_SUB, true, dt, e, y, out, n) : numberLoops(EW_SUB, false, dt, e, y, out, n);
    case EW_MUL: return arrayFirst ? numberLoops(EW_MUL, true, dt, e, y, out, n) : numberLoops(EW_MUL, false, dt, e, y, out, n);
    case EW_DIV: return arrayFirst ? numberLoops(EW_DIV, true, dt, e, y, out, n) : numberLoops(EW_DIV, false, dt, e, y, out, n);
  }
  return 0;
}

export function shapeError(a: u32, b: u32): void {
  raise2(E_SHAPE_MISMATCH, shapeList(a), shapeList(b));
}

/** The shape of matrix or tensor p as a list value: `shape(x)`, and the shapes in messages. */
export function shapeList(p: u32): u64 {
  const list = newList(4);
  if (typeOf(p) == T_MATRIX) {
    listPush(list, num(<f64>mRows(p)));
    listPush(list, num(<f64>mCols(p)));
  } else {
    const n = load<u32>(p, TEN_NDIM);
    for (let i: u32 = 0; i < n; i++) listPush(list, num(<f64>load<u32>(p + TEN_SHAPE + (i << 2))));
  }
  return obj(list);
}

/**
 * a op b where at least one side is a matrix or tensor and the other is one of the same shape or
 * a number. Returns NIL with a fault raised when the operands do not fit.
 */
export function elementwise(op: u32, a: u64, b: u64): u64 {
  const aArr = isMatrix(a) || isTensor(a), bArr = isMatrix(b) || isTensor(b);
  if (aArr && bArr) {
    const pa = objOf(a), pb = objOf(b);
    if (!shapesEqual(pa, pb)) {
      // tensors broadcast as numpy's arrays do; matrices keep to equal shapes
      if (isTensor(a) || isTensor(b)) return broadcast(op, pa, pb);
      shapeError(pa, pb);
      return NIL;
    }
    const dt = arrayDtype(pa) == DTYPE_F32 && arrayDtype(pb) == DTYPE_F32 ? DTYPE_F32 : DTYPE_F64;
    const out = sameShape(pa, dt);
    if (out == 0) return NIL;
    const n = arrayCount(pa);
    const ea = arrayElems(pa), eb = arrayElems(pb), eo = arrayElems(out);
    const da = arrayDtype(pa), db = arrayDtype(pb);
    if (dt == DTYPE_F64 && da == DTYPE_F64 && db == DTYPE_F64) {
      zipF64(op, ea, eb, eo, n);
    } else if (dt == DTYPE_F32) {
      if (!offered(AO_ZIP, op, ea, eb, eo, n, 0)) zipF32(op, ea, eb, eo, n);
    } else {
      for (let i: u32 = 0; i < n; i++) setAt(eo, i, dt, apply(op, getAt(ea, i, da), getAt(eb, i, db)));
    }
    return obj(out);
  }
  if ((aArr && isNum(b)) || (bArr && isNum(a))) {
    const arr = aArr ? objOf(a) : objOf(b);
    const s = aArr ? numOf(b) : numOf(a);
    const dt = arrayDtype(arr);
    const out = sameShape(arr, dt);
    if (out == 0) return NIL;
    const n = arrayCount(arr);
    const e = arrayElems(arr), eo = arrayElems(out);
    for (let i = withNumber(op, e, s, eo, n, dt, aArr); i < n; i++) {
      const x = getAt(e, i, dt);
      setAt(eo, i, dt, aArr ? apply(op, x, s) : apply(op, s, x));
    }
    return obj(out);
  }
  return NIL;
}

export function negate(v: u64): u64 {
  const p = objOf(v);
  const dt = arrayDtype(p);
  const out = sameShape(p, dt);
  if (out == 0) return NIL;
  const n = arrayCount(p), e = arrayElems(p), eo = arrayElems(out);
  // the sign bit flipped, 16 bytes at a time (a tail of the last element or three)
  const bytes = n << (dt == DTYPE_F32 ? 2 : 3);
  let at: u32 = 0;
  if (dt == DTYPE_F32) for (; at + 16 <= bytes; at += 16) v128.store(eo + at, f32x4.neg(v128.load(e + at)));
  else for (; at + 16 <= bytes; at += 16) v128.store(eo + at, f64x2.neg(v128.load(e + at)));
  for (let i = at >> (dt == DTYPE_F32 ? 2 : 3); i < n; i++) setAt(eo, i, dt, -getAt(e, i, dt));
  return obj(out);
}

/** The matrix product; inner dimensions must agree. */
export function matrixProduct(a: u32, b: u32): u64 {
  const m = mRows(a), k = mCols(a), n = mCols(b);
  if (k != mRows(b)) {
    shapeError(a, b);
    return NIL;
  }
  const dt = mDtype(a) == DTYPE_F32 && mDtype(b) == DTYPE_F32 ? DTYPE_F32 : DTYPE_F64;
  const aa = converted(a, dt), bb = converted(b, dt);
  if (aa == 0 || bb == 0) return NIL;
  const c = newMatrix(m, n, dt);
  if (c == 0) return NIL;
  matmul(mElems(aa), mElems(bb), mElems(c), m, k, n, dt);
  return obj(c);
}

/** p itself when it already has dtype dt, else a converted copy. */
function converted(p: u32, dt: u32): u32 {
  if (mDtype(p) == dt) return p;
  return castMatrix(p, dt);
}

export function castMatrix(p: u32, dt: u32): u32 {
  const out = sameShape(p, dt);
  if (out == 0) return 0;
  const n = arrayCount(p), e = arrayElems(p), eo = arrayElems(out), d = arrayDtype(p);
  for (let i: u32 = 0; i < n; i++) setAt(eo, i, dt, getAt(e, i, d));
  return out;
}

export function transpose(p: u32): u64 {
  const r = mRows(p), c = mCols(p), dt = mDtype(p);
  const out = newMatrix(c, r, dt);
  if (out == 0) return NIL;
  const e = mElems(p), eo = mElems(out);
  // blocked, so both sides stay in cache for large matrices
  const B: u32 = 32;
  for (let i0: u32 = 0; i0 < r; i0 += B) {
    for (let j0: u32 = 0; j0 < c; j0 += B) {
      const i1 = min(i0 + B, r), j1 = min(j0 + B, c);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) setAt(eo, j * r + i, dt, getAt(e, i * c + j, dt));
    }
  }
  return obj(out);
}

// ---------------------------------------------------------------- LU based

/** A scratch f64 block of n doubles (freed by the caller with freeBlock). */
function scratch(bytes: u32): u32 {
  const p = allocBlock(bytes + 8, T_RAW);
  if (p == 0) raise(E_MEMORY_LIMIT);
  return p;
}

// @ts-ignore: decorator
@inline function aligned(block: u32): u32 { return (block + HEADER + 15) & ~15; }

/** An f64 copy of square matrix p, factored; returns [block, perm block, sign] via globals. */
let luBlock: u32 = 0;
let permBlock: u32 = 0;
let luSign: i32 = 0;

function factor(p: u32, name: u64): bool {
  const n = mRows(p);
  if (n != mCols(p)) {
    raise2(E_SHAPE_MISMATCH, shapeList(p), name);
    return false;
  }
  luBlock = scratch((n * n) << 3);
  permBlock = scratch(n << 2);
  if (luBlock == 0 || permBlock == 0) return false;
  const a = aligned(luBlock);
  const e = mElems(p), dt = mDtype(p);
  if (dt == DTYPE_F32) for (let i: u32 = 0; i < n * n; i++) store<f64>(a + (i << 3), getAt(e, i, dt));
  else memory.copy(a, e, (n * n) << 3);
  luSign = luFactor(a, n, aligned(permBlock));
  return true;
}

function release(): void {
  if (luBlock != 0) freeBlock(luBlock);
  if (permBlock != 0) freeBlock(permBlock);
  luBlock = 0;
  permBlock = 0;
}

export function determinant(p: u32, name: u64): u64 {
  if (!factor(p, name)) return NIL;
  const n = mRows(p);
  let d: f64 = <f64>luSign;
  if (luSign != 0) {
    const a = aligned(luBlock);
    for (let i: u32 = 0; i < n; i++) d *= load<f64>(a + ((i * n + i) << 3));
  }
  release();
  return num(d);
}

/** Solves A X = B (B a matrix with as many rows as A); inverse when b is 0. */
export function solveWith(p: u32, b: u32, name: u64): u64 {
  // a system that is not square is solved in the least-squares sense (spec 1.1)
  if (b != 0 && mRows(p) != mCols(p)) return solveLeastSquares(p, b);
  if (!factor(p, name)) return NIL;
  const n = mRows(p);
  if (luSign == 0) {
    release();
    raise(E_SINGULAR_MATRIX);
    return NIL;
  }
  const nrhs = b == 0 ? n : mCols(b);
  if (b != 0 && mRows(b) != n) {
    release();
    shapeError(p, b);
    return NIL;
  }
  const dt = mDtype(p) == DTYPE_F32 && (b == 0 || mDtype(b) == DTYPE_F32) ? DTYPE_F32 : DTYPE_F64;
  const x = newMatrix(n, nrhs, DTYPE_F64);
  // the inverse needs one row of scratch, a solve a copy of its right-hand side
  const work = scratch(((b == 0 ? 1 : n) * nrhs) << 3);
  if (x == 0 || work == 0) {
    release();
    return NIL;
  }
  const ex = mElems(x);
  if (b == 0) {
    luInverse(aligned(luBlock), n, aligned(permBlock), ex, aligned(work));
  } else {
    const eb = mElems(b), db = mDtype(b);
    for (let i: u32 = 0; i < n * nrhs; i++) store<f64>(ex + (i << 3), getAt(eb, i, db));
    luSolve(aligned(luBlock), n, aligned(permBlock), ex, nrhs, aligned(work));
  }
  freeBlock(work);
  release();
  return obj(dt == DTYPE_F32 ? castMatrix(x, DTYPE_F32) : x);
}

/** lu(A): L (unit lower), U (upper) and P with P * A == L * U, as three matrices. */
export function luParts(p: u32, name: u64, out: u32): bool {
  if (!factor(p, name)) return false;
  const n = mRows(p);
  const L = zeroMatrix(n, n, DTYPE_F64), U = zeroMatrix(n, n, DTYPE_F64), P = zeroMatrix(n, n, DTYPE_F64);
  if (L == 0 || U == 0 || P == 0) {
    release();
    return false;
  }
  const a = aligned(luBlock), perm = aligned(permBlock);
  const el = mElems(L), eu = mElems(U), ep = mElems(P);
  for (let i: u32 = 0; i < n; i++) {
    for (let j: u32 = 0; j < n; j++) {
      const v = load<f64>(a + ((i * n + j) << 3));
      if (j < i) store<f64>(el + ((i * n + j) << 3), v);
      else store<f64>(eu + ((i * n + j) << 3), v);
    }
    store<f64>(el + ((i * n + i) << 3), 1);
    store<f64>(ep + ((i * n + load<u32>(perm + (i << 2))) << 3), 1);
  }
  release();
  store<u32>(out, L);
  store<u32>(out, U, 4);
  store<u32>(out, P, 8);
  return true;
}

// ---------------------------------------------------------------- indexing

/** Resolves index value v against a dimension of length n; -1 when out of range or not integral. */
function dimIndex(v: u64, n: u32): i64 {
  if (!isNum(v)) return -1;
  let x = numOf(v);
  if (x != Math.floor(x)) return -1;
  if (x < 0) x += <f64>n;
  if (x < 0 || x >= <f64>n) return -1;
  return <i64>x;
}

/** A slice bound: nil is open; negatives count from the end; clamped to [0, n]. */
function bound(v: u64, n: u32, dflt: u32): i64 {
  if (v == NIL) return dflt;
  if (!isNum(v)) return -1;
  let x = Math.floor(numOf(v));
  if (x < 0) x += <f64>n;
  return <i64>max(0.0, min(<f64>n, x));
}

/**
 * A[i, j] with each index a number or a slice: `regs` holds two values per dimension (index,
 * or from and to), `sliceMask` says which dimensions are slices. Numbers index elements; any
 * slice gives a new matrix (a copy).
 */
export function getIndexN(t: u64, regs: u32, n: u32, sliceMask: u32): u64 {
  if (isMatrix(t) && n == 2) {
    const p = objOf(t);
    const R = mRows(p), C = mCols(p), dt = mDtype(p), e = mElems(p);
    let r0: i64, r1: i64, c0: i64, c1: i64;
    if (sliceMask & 1) {
      r0 = bound(load<u64>(regs), R, 0);
      r1 = bound(load<u64>(regs, 8), R, R);
    } else {
      r0 = dimIndex(load<u64>(regs), R);
      r1 = r0 + 1;
    }
    if (sliceMask & 2) {
      c0 = bound(load<u64>(regs, 16), C, 0);
      c1 = bound(load<u64>(regs, 24), C, C);
    } else {
      c0 = dimIndex(load<u64>(regs, 16), C);
      c1 = c0 + 1;
    }
    if (r0 < 0 || c0 < 0 || r1 < 0 || c1 < 0) {
      raise2(E_INDEX_OUT_OF_RANGE, (sliceMask & 1) == 0 && r0 < 0 ? load<u64>(regs) : load<u64>(regs, 16), num(<f64>((sliceMask & 1) == 0 && r0 < 0 ? R : C)));
      return NIL;
    }
    if (sliceMask == 0) return num(getAt(e, <u32>(r0 * C + c0), dt));
    const rows = r1 > r0 ? <u32>(r1 - r0) : 0, cols = c1 > c0 ? <u32>(c1 - c0) : 0;
    const out = newMatrix(rows, cols, dt);
    if (out == 0) return NIL;
    const eo = mElems(out);
    for (let i: u32 = 0; i < rows; i++) {
      for (let j: u32 = 0; j < cols; j++) setAt(eo, i * cols + j, dt, getAt(e, (<u32>r0 + i) * C + <u32>c0 + j, dt));
    }
    return obj(out);
  }
  if (isTensor(t) && sliceMask == 0) {
    const p = objOf(t);
    const at = tensorOffset(p, regs, n);
    if (at < 0) return NIL;
    return num(getAt(load<u32>(p, TEN_ELEMS), <u32>at, load<u32>(p, TEN_DTYPE)));
  }
  raise2(E_OPERAND_TYPES, NIL, NIL);
  return NIL;
}

/** A[i, j] = v (plain indices only). */
export function setIndexN(t: u64, regs: u32, n: u32, v: u64): void {
  if (!(isMatrix(t) && n == 2) && !isTensor(t)) {
    raise2(E_OPERAND_TYPES, obj(opSymbol(OPS_INDEX)), typeValue(t));
    return;
  }
  if (!isNum(v)) {
    elementTypeError(t, regs, n, v);
    return;
  }
  if (isMatrix(t) && n == 2) {
    const p = objOf(t);
    const i = dimIndex(load<u64>(regs), mRows(p)), j = dimIndex(load<u64>(regs, 16), mCols(p));
    if (i < 0 || j < 0) {
      raise2(E_INDEX_OUT_OF_RANGE, i < 0 ? load<u64>(regs) : load<u64>(regs, 16), num(<f64>(i < 0 ? mRows(p) : mCols(p))));
      return;
    }
    setAt(mElems(p), <u32>(i * mCols(p) + j), mDtype(p), numOf(v));
    return;
  }
  if (isTensor(t)) {
    const p = objOf(t);
    const at = tensorOffset(p, regs, n);
    if (at >= 0) setAt(load<u32>(p, TEN_ELEMS), <u32>at, load<u32>(p, TEN_DTYPE), numOf(v));
    return;
  }
  raise2(E_OPERAND_TYPES, NIL, NIL);
}

/** 5005: a value that is not a number stored in a matrix or tensor; names the place it was stored at. */
function elementTypeError(t: u64, regs: u32, n: u32, v: u64): void {
  const at = newList(n);
  if (at == 0) return;
  for (let k: u32 = 0; k < n; k++) listPush(at, load<u64>(regs + (k << 4)));
  raise3(E_ELEMENT_TYPE, obj(isMatrix(t) ? S_MATRIX : S_TENSOR), typeValue(v), obj(at));
}

/**
 * The element offset in tensor p of the `n` plain indices in `regs` (16 bytes apart), or -1 after
 * raising 5002 (wrong number of indices) or 3002 (an index out of range).
 */
function tensorOffset(p: u32, regs: u32, n: u32): i64 {
  if (n != load<u32>(p, TEN_NDIM)) {
    raise2(E_SHAPE_MISMATCH, shapeList(p), num(<f64>n));
    return -1;
  }
  let flat: i64 = 0;
  for (let d: u32 = 0; d < n; d++) {
    const len = load<u32>(p + TEN_SHAPE + (d << 2));
    const k = dimIndex(load<u64>(regs + (d << 4)), len);
    if (k < 0) {
      raise2(E_INDEX_OUT_OF_RANGE, load<u64>(regs + (d << 4)), num(<f64>len));
      return -1;
    }
    flat = flat * <i64>len + k;
  }
  return flat;
}

/** Structural equality of two arrays: same kind, shape and element values. */
export function arraysEqual(a: u32, b: u32): bool {
  if (!shapesEqual(a, b)) return false;
  const n = arrayCount(a), ea = arrayElems(a), eb = arrayElems(b), da = arrayDtype(a), db = arrayDtype(b);
  for (let i: u32 = 0; i < n; i++) if (getAt(ea, i, da) != getAt(eb, i, db)) return false;
  return true;
}

/** A matrix from a list of equal-length lists of numbers. */
export function matrixFromLists(v: u64): u64 {
  const rows = listLen(objOf(v));
  let cols: u32 = 0;
  for (let i: u32 = 0; i < rows; i++) {
    const row = listGet(objOf(v), i);
    if (!isObj(row) || typeOf(objOf(row)) != T_LIST) {
      raise2(E_OPERAND_TYPES, NIL, NIL);
      return NIL;
    }
    const n = listLen(objOf(row));
    if (i == 0) cols = n;
    else if (n != cols) {
      raise2(E_SHAPE_MISMATCH, num(<f64>cols), num(<f64>n));
      return NIL;
    }
  }
  const m = newMatrix(rows, cols, DTYPE_F64);
  if (m == 0) return NIL;
  const e = mElems(m);
  for (let i: u32 = 0; i < rows; i++) {
    const row = objOf(listGet(objOf(v), i));
    for (let j: u32 = 0; j < cols; j++) {
      const x = listGet(row, j);
      if (!isNum(x)) {
        raise2(E_OPERAND_TYPES, NIL, NIL);
        return NIL;
      }
      store<f64>(e + ((i * cols + j) << 3), numOf(x));
    }
  }
  return obj(m);
}

export { MAX_TENSOR_DIMS, TEN_COUNT };
