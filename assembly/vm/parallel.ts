// What a pool of workers needs from the core: large matrix products offered to the host (which
// may split their rows across workers), the product kernel on raw memory for a worker's share,
// scratch tables it can free, and closures of top-level functions for a replica of a program.
import { HEADER, T_CLOSURE, DTYPE_F32, CLO_PROTO, CLO_NCAP, CLO_CAPS } from "../heap/layout";
import { allocBlock, freeBlock } from "../heap/alloc";
import { obj, NIL } from "../heap/value";
import { newMatrix, mRows, mCols, mDtype, mElems } from "../linalg/matrix";
import { matrixProduct } from "../linalg/ops";
import { matmul } from "../linalg/matmul";
import { protoAt, protoCount, P_NCAPS } from "./state";

/**
 * Computes C = A * B (m x k times k x n, row-major, dtype 0 f64 or 1 f32) into C's elements.
 * Returns 1 when done, 0 when the host declines (the core then computes it itself).
 */
// @ts-ignore: decorator
@external("host", "matmul")
declare function hostMatmul(a: u32, b: u32, c: u32, m: u32, k: u32, n: u32, dtype: u32): u32;

/** Products with at least this many multiply-adds go to the host; 0: none (no pool attached). */
let shareAbove: f64 = 0;

export function setParallelThreshold(work: f64): void {
  shareAbove = work;
}

/** The matrix product a * b, offered to the host first when it is large enough. */
export function product(a: u32, b: u32): u64 {
  const m = mRows(a), k = mCols(a), n = mCols(b);
  const dt = mDtype(a);
  if (shareAbove > 0 && k == mRows(b) && dt == mDtype(b) && m > 1 && <f64>m * <f64>k * <f64>n >= shareAbove) {
    const c = newMatrix(m, n, dt);
    if (c == 0) return NIL;
    if (hostMatmul(mElems(a), mElems(b), mElems(c), m, k, n, dt) != 0) return obj(c);
  }
  return matrixProduct(a, b);
}

/** C = A * B on raw row-major element blocks (the same kernel as the `*` operator). */
export function gemmInto(a: u32, b: u32, c: u32, m: u32, k: u32, n: u32, dtype: u32): void {
  matmul(a, b, c, m, k, n, dtype == DTYPE_F32 ? DTYPE_F32 : 0);
}

/** Frees a table made by allocTable. */
export function freeTable(addr: u32): void {
  freeBlock(addr - HEADER);
}

/** A closure of function `protoIndex`, which must capture nothing; NIL when it does or memory is out. */
export function closureOf(protoIndex: u32): u64 {
  if (protoIndex >= protoCount || load<u32>(protoAt(protoIndex), P_NCAPS) != 0) return NIL;
  const p = allocBlock(CLO_CAPS - HEADER, T_CLOSURE);
  if (p == 0) return NIL;
  store<u32>(p, protoIndex, CLO_PROTO);
  store<u32>(p, 0, CLO_NCAP);
  return obj(p);
}
