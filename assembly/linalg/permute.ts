// Reordering the axes of an array: permute(T, axes), where axis k of the result is axis axes[k]
// of T (numpy's transpose); einsum uses the same copy to line its operands up for the product.
import { T_LIST, T_MATRIX, typeOf, MAX_TENSOR_DIMS } from "../heap/layout";
import { isNum, isObj, objOf, numOf, obj, NIL } from "../heap/value";
import { listLen, listGet } from "../objects/list";
import * as B from "../vm/opcodes";
import { E_SHAPE_MISMATCH } from "../vm/contract";
import { newMatrix, newTensor, isMatrix, isTensor, arrayElems, arrayDtype, getAt, setAt } from "./matrix";
import { dimsOf } from "./broadcast";
import { bad } from "./builtins";
import * as M from "./messages";

const srcDims = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const order = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const outDims = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const resultDims = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const strides = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const steps = <u32>memory.data(4 * MAX_TENSOR_DIMS);
const counter = <u32>memory.data(4 * MAX_TENSOR_DIMS);

/**
 * Copies the elements at `src` (dtype sdt, nd axes of the lengths at `shape`) to `dst` (dtype
 * ddt) with axis k of the copy being axis perm[k] of the source (perm: nd u32 at `perm`).
 */
export function permuteInto(src: u32, sdt: u32, shape: u32, nd: u32, perm: u32, dst: u32, ddt: u32): void {
  let count: u32 = 1;
  for (let k = <i32>nd - 1; k >= 0; k--) {
    store<u32>(strides + (k << 2), count);
    count *= load<u32>(shape + (k << 2));
  }
  if (count == 0) return;
  if (nd == 0) {
    setAt(dst, 0, ddt, getAt(src, 0, sdt));
    return;
  }
  for (let k: u32 = 0; k < nd; k++) {
    const from = load<u32>(perm + (k << 2));
    store<u32>(outDims + (k << 2), load<u32>(shape + (from << 2)));
    store<u32>(steps + (k << 2), load<u32>(strides + (from << 2)));
    store<u32>(counter + (k << 2), 0);
  }
  const n = load<u32>(outDims + ((nd - 1) << 2)), step = load<u32>(steps + ((nd - 1) << 2));
  let s: u32 = 0;
  for (let o: u32 = 0; o < count; o += n) {
    for (let i: u32 = 0; i < n; i++) setAt(dst, o + i, ddt, getAt(src, s + i * step, sdt));
    // the next row: step the outer axes like an odometer
    for (let k = <i32>nd - 2; k >= 0; k--) {
      const c = load<u32>(counter + (k << 2)) + 1;
      const st = load<u32>(steps + (k << 2));
      s += st;
      if (c < load<u32>(outDims + (k << 2))) {
        store<u32>(counter + (k << 2), c);
        break;
      }
      store<u32>(counter + (k << 2), 0);
      s -= st * c;
    }
  }
}

/** permute(x, axes): a matrix stays a matrix, a tensor a tensor; axes must be each axis once (5002). */
export function permute(x: u64, axes: u64): u64 {
  if (!isMatrix(x) && !isTensor(x)) return bad(B.BI_PERMUTE, x);
  if (!isObj(axes) || typeOf(objOf(axes)) != T_LIST) return bad(B.BI_PERMUTE, axes);
  const p = objOf(x), q = objOf(axes);
  const nd = dimsOf(p, srcDims);
  let seen: u64 = 0;
  let fits = listLen(q) == nd;
  for (let k: u32 = 0; fits && k < nd; k++) {
    const v = listGet(q, k);
    if (!isNum(v)) return bad(B.BI_PERMUTE, v);
    let a = numOf(v);
    if (a < 0) a += <f64>nd;
    fits = a == Math.floor(a) && a >= 0 && a < <f64>nd && (seen & (<u64>1 << <u64>a)) == 0;
    if (fits) {
      seen |= <u64>1 << <u64>a;
      store<u32>(order + (k << 2), <u32>a);
    }
  }
  if (!fits) {
    M.begin();
    M.text("permute of ");
    M.shape(p);
    M.text(" by axes ");
    M.value(axes);
    return M.raiseText(E_SHAPE_MISMATCH);
  }
  for (let k: u32 = 0; k < nd; k++) store<u32>(resultDims + (k << 2), load<u32>(srcDims + (load<u32>(order + (k << 2)) << 2)));
  const dt = arrayDtype(p);
  const out = typeOf(p) == T_MATRIX ? newMatrix(load<u32>(resultDims), load<u32>(resultDims, 4), dt) : newTensor(nd, resultDims, dt);
  if (out == 0) return NIL;
  permuteInto(arrayElems(p), dt, srcDims, nd, order, arrayElems(out), dt);
  return obj(out);
}
