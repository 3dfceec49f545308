// Built-in functions of spec section 5 (linear algebra), dispatching those of 1.1 to their files.
import { T_LIST, typeOf, DTYPE_F32, DTYPE_F64, TEN_NDIM, TEN_SHAPE, MAX_TENSOR_DIMS } from "../heap/layout";
import { isNum, isObj, objOf, numOf, num, obj, NIL } from "../heap/value";
import { raise, raise1, raise2, raise4 } from "../vm/fault";
import { S_ROWS, S_COLS, S_SIZE, S_WHOLE_FROM_0 } from "../vm/names";
import { newList, listPush, listLen, listGet } from "../objects/list";
import { newMap, mapSet } from "../objects/map";
import { pinnedLiteral } from "../objects/string";
import {
  newMatrix, zeroMatrix, newTensor, isMatrix, isTensor, mRows, mCols, mDtype, mElems, arrayCount, arrayElems, arrayDtype, getAt, setAt,
} from "./matrix";
import { seedRandom, nextUniform } from "./random";
import { randn, linspace, diag, kron, stack } from "./construct";
import { reduceArray } from "./reduce";
import { permute } from "./permute";
import { einsum } from "./einsum";
import { transpose, determinant, solveWith, luParts, matrixFromLists, castMatrix, shapeList } from "./ops";
import { callDecomposition } from "./decompositions";
import * as B from "../vm/opcodes";
import { builtinName } from "../vm/builtin-names";
import { typeValue } from "../vm/ops";
import { E_ARGUMENT_RANGE, E_INVALID_ARGUMENT, E_OPERAND_TYPES, E_SHAPE_MISMATCH } from "../vm/contract";

const scratch = <u32>memory.data(16);
const shapeBuf = <u32>memory.data(4 * 32);
let S_L: u32 = 0, S_U: u32 = 0, S_P: u32 = 0;

// @ts-ignore: decorator
@inline function arg(args: u32, i: u32): u64 {
  return load<u64>(args + (i << 3));
}

export function bad(id: u32, v: u64): u64 {
  raise2(E_OPERAND_TYPES, obj(builtinName(id)), typeValue(v));
  return NIL;
}

/** A size argument that is not a whole number from 0 up: 3017 for a number, else 5001. */
export function badSize(id: u32, v: u64, what: u32): u64 {
  if (!isNum(v)) return bad(id, v);
  raise4(E_ARGUMENT_RANGE, obj(builtinName(id)), obj(what), obj(S_WHOLE_FROM_0), v);
  return NIL;
}

/** A dimension argument: a whole number from 0 up. */
export function dim(v: u64): i64 {
  if (!isNum(v)) return -1;
  const x = numOf(v);
  return x >= 0 && x == Math.floor(x) && x < 2147483648 ? <i64>x : -1;
}

/** Reads a shape list into shapeBuf; returns the dimension count or -1. */
function readShape(v: u64): i32 {
  if (!isObj(v) || typeOf(objOf(v)) != T_LIST) return -1;
  const p = objOf(v);
  const n = listLen(p);
  if (n == 0 || n > MAX_TENSOR_DIMS) return -1;
  for (let i: u32 = 0; i < n; i++) {
    const d = dim(listGet(p, i));
    if (d < 0) return -1;
    store<u32>(shapeBuf + (i << 2), <u32>d);
  }
  return <i32>n;
}

export function callLinalg(id: u32, args: u32, n: u32): u64 {
  const a0 = arg(args, 0);
  switch (id) {
    case B.BI_ZEROS:
    case B.BI_ONES: {
      const r = dim(a0), c = dim(arg(args, 1));
      if (r < 0 || c < 0) return r < 0 ? badSize(id, a0, S_ROWS) : badSize(id, arg(args, 1), S_COLS);
      const m = zeroMatrix(<u32>r, <u32>c, DTYPE_F64);
      if (m == 0) return NIL;
      if (id == B.BI_ONES) for (let i: u32 = 0; i < <u32>(r * c); i++) store<f64>(mElems(m) + (i << 3), 1);
      return obj(m);
    }
    case B.BI_EYE: {
      const k = dim(a0);
      if (k < 0) return badSize(id, a0, S_SIZE);
      const m = zeroMatrix(<u32>k, <u32>k, DTYPE_F64);
      if (m == 0) return NIL;
      for (let i: u32 = 0; i < <u32>k; i++) store<f64>(mElems(m) + ((i * <u32>k + i) << 3), 1);
      return obj(m);
    }
    case B.BI_RAND: {
      const r = dim(a0), c = dim(arg(args, 1));
      if (r < 0 || c < 0) return r < 0 ? badSize(id, a0, S_ROWS) : badSize(id, arg(args, 1), S_COLS);
      const seed = arg(args, 2);
      if (!isNum(seed)) return bad(id, seed);
      seedRandom(numOf(seed));
      const m = newMatrix(<u32>r, <u32>c, DTYPE_F64);
      if (m == 0) return NIL;
      for (let i: u32 = 0; i < <u32>(r * c); i++) store<f64>(mElems(m) + (i << 3), nextUniform());
      return obj(m);
    }
    case B.BI_MATRIX: {
      if (isMatrix(a0)) return a0;
      if (!isObj(a0) || typeOf(objOf(a0)) != T_LIST) return bad(id, a0);
      return matrixFromLists(a0);
    }
    case B.BI_ROWS:
    case B.BI_COLS:
      if (!isMatrix(a0)) return bad(id, a0);
      return num(<f64>(id == B.BI_ROWS ? mRows(objOf(a0)) : mCols(objOf(a0))));
    case B.BI_SHAPE:
      if (!isMatrix(a0) && !isTensor(a0)) return bad(id, a0);
      return shapeList(objOf(a0));
    case B.BI_TRANSPOSE:
      if (!isMatrix(a0)) return bad(id, a0);
      return transpose(objOf(a0));
    case B.BI_INV:
      if (!isMatrix(a0)) return bad(id, a0);
      return solveWith(objOf(a0), 0, obj(builtinName(id)));
    case B.BI_DET:
      if (!isMatrix(a0)) return bad(id, a0);
      return determinant(objOf(a0), obj(builtinName(id)));
    case B.BI_SOLVE: {
      const b = arg(args, 1);
      if (!isMatrix(a0)) return bad(id, a0);
      if (!isMatrix(b)) return bad(id, b);
      return solveWith(objOf(a0), objOf(b), obj(builtinName(id)));
    }
    case B.BI_TRACE: {
      if (!isMatrix(a0)) return bad(id, a0);
      const p = objOf(a0);
      if (mRows(p) != mCols(p)) {
        raise2(E_SHAPE_MISMATCH, shapeList(p), obj(builtinName(id)));
        return NIL;
      }
      let s: f64 = 0;
      for (let i: u32 = 0; i < mRows(p); i++) s += getAt(mElems(p), i * mCols(p) + i, mDtype(p));
      return num(s);
    }
    case B.BI_NORM: {
      if (!isMatrix(a0) && !isTensor(a0)) return bad(id, a0);
      const p = objOf(a0);
      const cnt = arrayCount(p), e = arrayElems(p), dt = arrayDtype(p);
      let s: f64 = 0;
      for (let i: u32 = 0; i < cnt; i++) {
        const x = getAt(e, i, dt);
        s += x * x;
      }
      return num(Math.sqrt(s));
    }
    case B.BI_LU: {
      if (!isMatrix(a0)) return bad(id, a0);
      if (!luParts(objOf(a0), obj(builtinName(id)), scratch)) return NIL;
      if (S_L == 0) {
        S_L = pinnedLiteral("L");
        S_U = pinnedLiteral("U");
        S_P = pinnedLiteral("P");
      }
      const m = newMap(3);
      if (m == 0) return NIL;
      mapSet(m, obj(S_L), obj(load<u32>(scratch)));
      mapSet(m, obj(S_U), obj(load<u32>(scratch, 4)));
      mapSet(m, obj(S_P), obj(load<u32>(scratch, 8)));
      return obj(m);
    }
    case B.BI_TENSOR: {
      const nd = readShape(a0);
      if (nd < 0) return bad(id, a0);
      const fill = n > 1 ? arg(args, 1) : num(0);
      if (!isNum(fill)) return bad(id, fill);
      const t = newTensor(<u32>nd, shapeBuf, DTYPE_F64);
      if (t == 0) return NIL;
      const cnt = arrayCount(t), e = arrayElems(t), x = numOf(fill);
      for (let i: u32 = 0; i < cnt; i++) store<f64>(e + (i << 3), x);
      return obj(t);
    }
    case B.BI_RESHAPE: {
      if (!isMatrix(a0) && !isTensor(a0)) return bad(id, a0);
      const nd = readShape(arg(args, 1));
      if (nd < 0) return bad(id, arg(args, 1));
      const p = objOf(a0);
      let count: u64 = 1;
      for (let i: u32 = 0; i < <u32>nd; i++) count *= <u64>load<u32>(shapeBuf + (i << 2));
      if (count != <u64>arrayCount(p)) {
        raise2(E_SHAPE_MISMATCH, shapeList(p), arg(args, 1));
        return NIL;
      }
      const dt = arrayDtype(p);
      const out = nd == 2 ? newMatrix(load<u32>(shapeBuf), load<u32>(shapeBuf, 4), dt) : newTensor(<u32>nd, shapeBuf, dt);
      if (out == 0) return NIL;
      memory.copy(arrayElems(out), arrayElems(p), arrayCount(p) << (dt == DTYPE_F32 ? 2 : 3));
      return obj(out);
    }
    case B.BI_F32:
    case B.BI_F64: {
      if (!isMatrix(a0) && !isTensor(a0)) return bad(id, a0);
      const want = id == B.BI_F32 ? DTYPE_F32 : DTYPE_F64;
      const p = objOf(a0);
      if (arrayDtype(p) == want) return a0;
      const out = castMatrix(p, want);
      return out == 0 ? NIL : obj(out);
    }
    case B.BI_RANDN: return randn(a0, arg(args, 1), arg(args, 2));
    case B.BI_LINSPACE: return linspace(a0, arg(args, 1), arg(args, 2));
    case B.BI_DIAG: return diag(a0);
    case B.BI_KRON: return kron(a0, arg(args, 1));
    case B.BI_HSTACK:
    case B.BI_VSTACK: return stack(id, a0);
    case B.BI_STD: case B.BI_VAR: case B.BI_AMIN: case B.BI_AMAX: case B.BI_ARGMIN: case B.BI_ARGMAX: case B.BI_CUMSUM:
      if (!isMatrix(a0) && !isTensor(a0)) return bad(id, a0);
      return reduceArray(id, a0, n > 1 ? arg(args, 1) : NIL);
    case B.BI_PERMUTE: return permute(a0, arg(args, 1));
    case B.BI_EINSUM: return einsum(a0, arg(args, 1), n > 2 ? arg(args, 2) : NIL, n);
    case B.BI_QR:
    case B.BI_CHOL:
    case B.BI_EIGH:
    case B.BI_SVD:
    case B.BI_PINV:
    case B.BI_RANK:
    case B.BI_LSTSQ:
      return callDecomposition(id, args);
  }
  return NIL;
}
