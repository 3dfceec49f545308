// Matrix and tensor objects: allocation, element access by dtype, and shape helpers. Element
// storage is a separate RAW block, 16-byte aligned for SIMD kernels; large blocks come from the
// allocator's large bins, never the small-object classes.
import {
  HEADER, T_MATRIX, T_TENSOR, T_RAW, typeOf,
  MAT_BLOCK, MAT_ROWS, MAT_COLS, MAT_DTYPE, MAT_ELEMS, MAT_SIZE,
  TEN_BLOCK, TEN_NDIM, TEN_DTYPE, TEN_ELEMS, TEN_COUNT, TEN_SHAPE, DTYPE_F32,
} from "../heap/layout";
import { allocBlock } from "../heap/alloc";
import { isObj, objOf } from "../heap/value";
import { allocStorage } from "../objects/list";
import { raise } from "../vm/fault";
import { E_MEMORY_LIMIT } from "../vm/contract";

/** Largest element count of one matrix or tensor (keeps byte sizes within 32 bits). */
export const MAX_ELEMENTS: u64 = 0x1000_0000;

/** Storage for `count` elements of `dtype`; returns the aligned address of element 0 (0 on failure). */
function allocElements(owner: u32, count: u64, dtype: u32, blockField: u32): u32 {
  if (count > MAX_ELEMENTS) {
    raise(E_MEMORY_LIMIT);
    return 0;
  }
  const bytes = <u32>count << (dtype == DTYPE_F32 ? 2 : 3);
  const block = allocStorage(owner, bytes + 8);
  if (block == 0) return 0;
  store<u32>(owner + blockField, block);
  return (block + HEADER + 15) & ~15;
}

export function newMatrix(rows: u32, cols: u32, dtype: u32): u32 {
  const p = allocBlock(MAT_SIZE - HEADER, T_MATRIX);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return 0;
  }
  store<u32>(p, 0, MAT_BLOCK);
  store<u32>(p, rows, MAT_ROWS);
  store<u32>(p, cols, MAT_COLS);
  store<u32>(p, dtype, MAT_DTYPE);
  const elems = allocElements(p, <u64>rows * <u64>cols, dtype, MAT_BLOCK);
  if (elems == 0 && <u64>rows * <u64>cols > 0) return 0;
  store<u32>(p, elems, MAT_ELEMS);
  return p;
}

/** A zero-filled matrix. */
export function zeroMatrix(rows: u32, cols: u32, dtype: u32): u32 {
  const p = newMatrix(rows, cols, dtype);
  if (p != 0) memory.fill(load<u32>(p, MAT_ELEMS), 0, (rows * cols) << (dtype == DTYPE_F32 ? 2 : 3));
  return p;
}

/** A tensor of the given shape (dims at `shape`, u32 each). */
export function newTensor(ndim: u32, shape: u32, dtype: u32): u32 {
  const p = allocBlock(TEN_SHAPE - HEADER + (ndim << 2), T_TENSOR);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return 0;
  }
  let count: u64 = 1;
  for (let i: u32 = 0; i < ndim; i++) {
    const d = load<u32>(shape + (i << 2));
    store<u32>(p + TEN_SHAPE + (i << 2), d);
    count *= <u64>d;
    if (count > MAX_ELEMENTS) count = MAX_ELEMENTS + 1;
  }
  store<u32>(p, 0, TEN_BLOCK);
  store<u32>(p, ndim, TEN_NDIM);
  store<u32>(p, dtype, TEN_DTYPE);
  store<u32>(p, <u32>min<u64>(count, MAX_ELEMENTS + 1), TEN_COUNT);
  const elems = allocElements(p, count, dtype, TEN_BLOCK);
  if (elems == 0 && count > 0) return 0;
  store<u32>(p, elems, TEN_ELEMS);
  return p;
}

// @ts-ignore: decorator
@inline export function isMatrix(v: u64): bool {
  return isObj(v) && typeOf(objOf(v)) == T_MATRIX;
}
// @ts-ignore: decorator
@inline export function isTensor(v: u64): bool {
  return isObj(v) && typeOf(objOf(v)) == T_TENSOR;
}

// @ts-ignore: decorator
@inline export function mRows(p: u32): u32 { return load<u32>(p, MAT_ROWS); }
// @ts-ignore: decorator
@inline export function mCols(p: u32): u32 { return load<u32>(p, MAT_COLS); }
// @ts-ignore: decorator
@inline export function mDtype(p: u32): u32 { return load<u32>(p, MAT_DTYPE); }
// @ts-ignore: decorator
@inline export function mElems(p: u32): u32 { return load<u32>(p, MAT_ELEMS); }

/** Element count, data address and dtype of a matrix or tensor object. */
export function arrayCount(p: u32): u32 {
  return typeOf(p) == T_MATRIX ? mRows(p) * mCols(p) : load<u32>(p, TEN_COUNT);
}
export function arrayElems(p: u32): u32 {
  return typeOf(p) == T_MATRIX ? mElems(p) : load<u32>(p, TEN_ELEMS);
}
export function arrayDtype(p: u32): u32 {
  return typeOf(p) == T_MATRIX ? mDtype(p) : load<u32>(p, TEN_DTYPE);
}

// @ts-ignore: decorator
@inline export function getAt(elems: u32, i: u32, dtype: u32): f64 {
  return dtype == DTYPE_F32 ? <f64>load<f32>(elems + (i << 2)) : load<f64>(elems + (i << 3));
}
// @ts-ignore: decorator
@inline export function setAt(elems: u32, i: u32, dtype: u32, x: f64): void {
  if (dtype == DTYPE_F32) store<f32>(elems + (i << 2), <f32>x);
  else store<f64>(elems + (i << 3), x);
}

/** A new array object of the same kind and shape as p (matrix or tensor), uninitialised. */
export function sameShape(p: u32, dtype: u32): u32 {
  if (typeOf(p) == T_MATRIX) return newMatrix(mRows(p), mCols(p), dtype);
  return newTensor(load<u32>(p, TEN_NDIM), p + TEN_SHAPE, dtype);
}

/** Whether two arrays have the same kind and shape. */
export function shapesEqual(a: u32, b: u32): bool {
  const t = typeOf(a);
  if (t != typeOf(b)) return false;
  if (t == T_MATRIX) return mRows(a) == mRows(b) && mCols(a) == mCols(b);
  const n = load<u32>(a, TEN_NDIM);
  if (n != load<u32>(b, TEN_NDIM)) return false;
  for (let i: u32 = 0; i < n; i++) if (load<u32>(a + TEN_SHAPE + (i << 2)) != load<u32>(b + TEN_SHAPE + (i << 2))) return false;
  return true;
}
