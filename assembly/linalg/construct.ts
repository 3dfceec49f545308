// Construction builtins of spec 1.1 section 5: randn, linspace, diag, kron, hstack, vstack.
import { T_LIST, typeOf, DTYPE_F32, DTYPE_F64 } from "../heap/layout";
import { isNum, isObj, objOf, numOf, num, obj, NIL } from "../heap/value";
import { listLen, listGet } from "../objects/list";
import { pinnedLiteral } from "../objects/string";
import { raise, raise1 } from "../vm/fault";
import { builtinName } from "../vm/builtin-names";
import { S_ROWS, S_COLS } from "../vm/names";
import * as B from "../vm/opcodes";
import { E_INVALID_ARGUMENT, E_MEMORY_LIMIT, E_SHAPE_MISMATCH } from "../vm/contract";
import { newMatrix, zeroMatrix, isMatrix, mRows, mCols, mDtype, mElems, getAt, setAt, MAX_ELEMENTS } from "./matrix";
import { seedRandom, fillNormal } from "./random";
import { bad, badSize, dim } from "./builtins";
import * as M from "./messages";

let S_POINTS: u32 = 0;

/** randn(r, c, seed): standard normal entries, the same for the same seed. */
export function randn(r: u64, c: u64, seed: u64): u64 {
  const rows = dim(r), cols = dim(c);
  if (rows < 0) return badSize(B.BI_RANDN, r, S_ROWS);
  if (cols < 0) return badSize(B.BI_RANDN, c, S_COLS);
  if (!isNum(seed)) return bad(B.BI_RANDN, seed);
  const m = newMatrix(<u32>rows, <u32>cols, DTYPE_F64);
  if (m == 0) return NIL;
  seedRandom(numOf(seed));
  fillNormal(mElems(m), <u32>rows * <u32>cols);
  return obj(m);
}

/** linspace(a, b, n): a 1 x n matrix from a to b, both included (numpy's a + i * step, the last b itself). */
export function linspace(a: u64, b: u64, n: u64): u64 {
  if (!isNum(a)) return bad(B.BI_LINSPACE, a);
  if (!isNum(b)) return bad(B.BI_LINSPACE, b);
  const k = dim(n);
  if (k < 0) {
    if (S_POINTS == 0) S_POINTS = pinnedLiteral("the number of points");
    return badSize(B.BI_LINSPACE, n, S_POINTS);
  }
  const m = newMatrix(1, <u32>k, DTYPE_F64);
  if (m == 0) return NIL;
  const e = mElems(m), x0 = numOf(a), x1 = numOf(b), count = <u32>k;
  const step = count > 1 ? (x1 - x0) / <f64>(count - 1) : 0;
  for (let i: u32 = 0; i < count; i++) store<f64>(e + (i << 3), <f64>i * step + x0);
  if (count > 1) store<f64>(e + ((count - 1) << 3), x1);
  return obj(m);
}

/**
 * diag(x): a list of numbers, a row or a column gives the square matrix with it on the diagonal;
 * any other matrix gives its diagonal as a column.
 */
export function diag(x: u64): u64 {
  if (isObj(x) && typeOf(objOf(x)) == T_LIST) {
    const p = objOf(x), n = listLen(p);
    for (let i: u32 = 0; i < n; i++) if (!isNum(listGet(p, i))) return bad(B.BI_DIAG, listGet(p, i));
    const m = zeroMatrix(n, n, DTYPE_F64);
    if (m == 0) return NIL;
    for (let i: u32 = 0; i < n; i++) store<f64>(mElems(m) + ((i * n + i) << 3), numOf(listGet(p, i)));
    return obj(m);
  }
  if (!isMatrix(x)) return bad(B.BI_DIAG, x);
  const p = objOf(x), r = mRows(p), c = mCols(p), dt = mDtype(p), e = mElems(p);
  if (r == 1 || c == 1) {
    const n = r * c;
    const m = zeroMatrix(n, n, dt);
    if (m == 0) return NIL;
    for (let i: u32 = 0; i < n; i++) setAt(mElems(m), i * n + i, dt, getAt(e, i, dt));
    return obj(m);
  }
  const n = min(r, c);
  const m = newMatrix(n, 1, dt);
  if (m == 0) return NIL;
  for (let i: u32 = 0; i < n; i++) setAt(mElems(m), i, dt, getAt(e, i * c + i, dt));
  return obj(m);
}

/** kron(A, B): the Kronecker product, block (i, j) being A[i, j] * B. */
export function kron(a: u64, b: u64): u64 {
  if (!isMatrix(a)) return bad(B.BI_KRON, a);
  if (!isMatrix(b)) return bad(B.BI_KRON, b);
  const pa = objOf(a), pb = objOf(b);
  const ra = mRows(pa), ca = mCols(pa), rb = mRows(pb), cb = mCols(pb);
  if (<u64>ra * <u64>rb * <u64>ca * <u64>cb > MAX_ELEMENTS) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  const dt = mDtype(pa) == DTYPE_F32 && mDtype(pb) == DTYPE_F32 ? DTYPE_F32 : DTYPE_F64;
  const cols = ca * cb;
  const m = newMatrix(ra * rb, cols, dt);
  if (m == 0) return NIL;
  const ea = mElems(pa), eb = mElems(pb), eo = mElems(m), da = mDtype(pa), db = mDtype(pb);
  for (let i: u32 = 0; i < ra; i++) {
    for (let j: u32 = 0; j < ca; j++) {
      const s = getAt(ea, i * ca + j, da);
      for (let k: u32 = 0; k < rb; k++) {
        const row = (i * rb + k) * cols + j * cb;
        for (let l: u32 = 0; l < cb; l++) setAt(eo, row + l, dt, s * getAt(eb, k * cb + l, db));
      }
    }
  }
  return obj(m);
}

/**
 * hstack(list) and vstack(list): the matrices of a list side by side (equal row counts) or one
 * above the other (equal column counts); 5002 naming the first two shapes that disagree.
 */
export function stack(id: u32, list: u64): u64 {
  if (!isObj(list) || typeOf(objOf(list)) != T_LIST) return bad(id, list);
  const p = objOf(list), n = listLen(p);
  if (n == 0) {
    raise1(E_INVALID_ARGUMENT, obj(builtinName(id)));
    return NIL;
  }
  const horizontal = id == B.BI_HSTACK;
  let total: u64 = 0;
  let dt = DTYPE_F32;
  for (let i: u32 = 0; i < n; i++) {
    const v = listGet(p, i);
    if (!isMatrix(v)) return bad(id, v);
    const q = objOf(v), first = objOf(listGet(p, 0));
    if (horizontal ? mRows(q) != mRows(first) : mCols(q) != mCols(first)) {
      M.begin();
      M.shape(first);
      M.text(" and ");
      M.shape(q);
      M.text(horizontal ? " (hstack needs equal row counts)" : " (vstack needs equal column counts)");
      return M.raiseText(E_SHAPE_MISMATCH);
    }
    total += horizontal ? mCols(q) : mRows(q);
    if (mDtype(q) != DTYPE_F32) dt = DTYPE_F64;
  }
  const first = objOf(listGet(p, 0));
  const fixed = horizontal ? mRows(first) : mCols(first);
  if (total * <u64>fixed > MAX_ELEMENTS) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  const rows = horizontal ? fixed : <u32>total, cols = horizontal ? <u32>total : fixed;
  const m = newMatrix(rows, cols, dt);
  if (m == 0) return NIL;
  const eo = mElems(m);
  let at: u32 = 0; // the first column (hstack) or row (vstack) of the next piece
  for (let i: u32 = 0; i < n; i++) {
    const q = objOf(listGet(p, i));
    const r = mRows(q), c = mCols(q), e = mElems(q), dq = mDtype(q);
    for (let y: u32 = 0; y < r; y++) {
      const dst = horizontal ? y * cols + at : (at + y) * cols;
      if (dq == dt) memory.copy(eo + (dst << (dt == DTYPE_F32 ? 2 : 3)), e + ((y * c) << (dt == DTYPE_F32 ? 2 : 3)), c << (dt == DTYPE_F32 ? 2 : 3));
      else for (let x: u32 = 0; x < c; x++) setAt(eo, dst + x, dt, getAt(e, y * c + x, dq));
    }
    at += horizontal ? c : r;
  }
  return obj(m);
}
