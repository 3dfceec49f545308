// Operations on values beyond the fast paths inlined in the dispatch loop: the general cases of
// arithmetic and comparison, structural equality, indexing, slicing and type names.
import {
  HEADER, T_STRING, T_LIST, T_MAP, T_STRUCT, T_CLOSURE, T_NATIVE, T_ERROR, T_MATRIX, T_TENSOR, T_FUTURE, T_ACTOR, T_BOUND, typeOf,
  STRUCT_DEF, STRUCT_FIELDS, SDEF_COUNT, SDEF_FIELDS, ERR_CODE, ERR_MESSAGE,
} from "../heap/layout";
import { isNum, isObj, objOf, numOf, num, obj, NIL, TRUE, FALSE, bool_ } from "../heap/value";
import { writeBarrier } from "../heap/gc";
import { strEquals, strCompare, strConcat, strLength, strSlice, isAscii, stringFromBytes, strData, byteOffset, utf8Len } from "../objects/string";
import { listLen, listGet, listSet, listConcat, listSlice, newList, listPush } from "../objects/list";
import { newMap, mapFind, mapSet, mapUsed, mapCount, entryKey, entryValue, TOMBSTONE, isKey } from "../objects/map";
import { raise, raise1, raise2, raise3, faultCode } from "./fault";
import { isMatrix, isTensor, arrayDtype } from "../linalg/matrix";
import { elementwise, arraysEqual, castMatrix, EW_ADD, EW_SUB, EW_MUL, EW_DIV } from "../linalg/ops";
import { hostMath, MATH_POW } from "./host";
import { product } from "./parallel";
import { S_NUMBER, S_STRING, S_NIL, S_BOOL, S_LIST, S_MAP, S_STRUCT, S_FUNC, S_ERROR, S_MATRIX, S_TENSOR, S_FUTURE, S_ACTOR, opSymbol, OPS_ADD, OPS_SUB, OPS_MUL, OPS_DIV, OPS_MOD, OPS_POW, OPS_LT, OPS_LE, OPS_INDEX, OPS_EQ } from "./names";

/** The type name of v as a Noodle string (what `type(v)` returns). */
export function typeName(v: u64): u32 {
  if (isNum(v)) return S_NUMBER;
  if (v == NIL) return S_NIL;
  if (v == TRUE || v == FALSE) return S_BOOL;
  switch (typeOf(objOf(v))) {
    case T_STRING: return S_STRING;
    case T_LIST: return S_LIST;
    case T_MAP: return S_MAP;
    case T_STRUCT: return S_STRUCT;
    case T_CLOSURE: return S_FUNC;
    case T_NATIVE: return S_FUNC;
    case T_BOUND: return S_FUNC;
    case T_ERROR: return S_ERROR;
    case T_MATRIX: return S_MATRIX;
    case T_TENSOR: return S_TENSOR;
    case T_FUTURE: return S_FUTURE;
    case T_ACTOR: return S_ACTOR;
    default: return S_NIL;
  }
}

// @ts-ignore: decorator
@inline export function typeValue(v: u64): u64 {
  return obj(typeName(v));
}

export function operandError(op: u32, a: u64, b: u64): void {
  raise3(E_OPERAND_TYPES, obj(opSymbol(op)), typeValue(a), typeValue(b));
}

// @ts-ignore: decorator
@inline export function isType(v: u64, t: u8): bool {
  return isObj(v) && typeOf(objOf(v)) == t;
}

/** a % b with the sign of the dividend. */
// @ts-ignore: decorator
@inline export function fmod(a: f64, b: f64): f64 {
  return a - b * Math.trunc(a / b);
}

/** Arithmetic when the fast path (two numbers) did not apply, or needs a check. */
export function arith(op: u32, a: u64, b: u64): u64 {
  if (isNum(a) && isNum(b)) {
    const x = numOf(a), y = numOf(b);
    switch (op) {
      case OPS_ADD: return num(x + y);
      case OPS_SUB: return num(x - y);
      case OPS_MUL: return num(x * y);
      case OPS_DIV:
        if (y == 0) { raise(E_DIVISION_BY_ZERO); return NIL; }
        return num(x / y);
      case OPS_MOD: {
        if (y == 0) { raise(E_DIVISION_BY_ZERO); return NIL; }
        if (!isFinite(y) && isFinite(x)) return num(x);
        return num(x % y);
      }
      case OPS_POW: return num(hostMath(MATH_POW, x, y));
    }
  }
  if (isMatrix(a) || isMatrix(b) || isTensor(a) || isTensor(b)) {
    let r: u64 = NIL;
    if (op == OPS_MUL && isMatrix(a) && isMatrix(b)) return product(objOf(a), objOf(b));
    if (op == OPS_ADD) r = elementwise(EW_ADD, a, b);
    else if (op == OPS_SUB) r = elementwise(EW_SUB, a, b);
    else if (op == OPS_MUL && (isNum(a) || isNum(b))) r = elementwise(EW_MUL, a, b);
    else if (op == OPS_DIV && isNum(b)) {
      // `/` by the number 0 is 3001 whatever the dividend, as for numbers (`./` is elementwise IEEE)
      if (numOf(b) == 0) { raise(E_DIVISION_BY_ZERO); return NIL; }
      r = elementwise(EW_DIV, a, b);
    }
    if (r != NIL || faultCode != 0) return r;
  }
  if (op == OPS_ADD && isObj(a) && isObj(b)) {
    const pa = objOf(a), pb = objOf(b);
    const ta = typeOf(pa);
    if (ta == T_STRING && typeOf(pb) == T_STRING) return obj(strConcat(pa, pb));
    if (ta == T_LIST && typeOf(pb) == T_LIST) return obj(listConcat(pa, pb));
  }
  operandError(op, a, b);
  return NIL;
}

/** -1, 0 or 1 for ordered operands (numbers with numbers, strings with strings); 2 when unordered (NaN). */
export function compareValues(op: u32, a: u64, b: u64): i32 {
  if (isNum(a) && isNum(b)) {
    const x = numOf(a), y = numOf(b);
    return x < y ? -1 : x > y ? 1 : x == y ? 0 : 2;
  }
  if (isType(a, T_STRING) && isType(b, T_STRING)) {
    const c = strCompare(objOf(a), objOf(b));
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  operandError(op, a, b);
  return 2;
}

export function lessThan(a: u64, b: u64): bool {
  return compareValues(OPS_LT, a, b) == -1;
}

export function lessEqual(a: u64, b: u64): bool {
  const c = compareValues(OPS_LE, a, b);
  return c == -1 || c == 0;
}

/** Structural equality (spec section 2). A cycle is reported (3011) rather than followed forever. */
export function valuesEqual(a: u64, b: u64): bool {
  return equalAt(a, b, 0);
}

function equalAt(a: u64, b: u64, depth: u32): bool {
  if (isNum(a) || isNum(b)) return isNum(a) && isNum(b) && numOf(a) == numOf(b);
  if (depth > MAX_NESTING) {
    if (faultCode == 0) raise1(E_INVALID_ARGUMENT, obj(opSymbol(OPS_EQ)));
    return false;
  }
  if (a == b) return true;
  if (!isObj(a) || !isObj(b)) return false;
  const pa = objOf(a), pb = objOf(b);
  const t = typeOf(pa);
  if (t != typeOf(pb)) return false;
  switch (t) {
    case T_STRING:
      return strEquals(pa, pb);
    case T_LIST: {
      const n = listLen(pa);
      if (n != listLen(pb)) return false;
      for (let i: u32 = 0; i < n; i++) if (!equalAt(listGet(pa, i), listGet(pb, i), depth + 1)) return false;
      return true;
    }
    case T_MAP: {
      if (mapCount(pa) != mapCount(pb)) return false;
      const n = mapUsed(pa);
      for (let e: u32 = 0; e < n; e++) {
        const k = entryKey(pa, e);
        if (k == TOMBSTONE) continue;
        const f = mapFind(pb, k);
        if (f < 0 || !equalAt(entryValue(pa, e), entryValue(pb, <u32>f), depth + 1)) return false;
      }
      return true;
    }
    case T_STRUCT: {
      const def = load<u32>(pa, STRUCT_DEF);
      if (def != load<u32>(pb, STRUCT_DEF)) return false;
      const n = load<u32>(def, SDEF_COUNT);
      for (let i: u32 = 0; i < n; i++) {
        if (!equalAt(load<u64>(pa + STRUCT_FIELDS + (i << 3)), load<u64>(pb + STRUCT_FIELDS + (i << 3)), depth + 1)) return false;
      }
      return true;
    }
    case T_MATRIX:
    case T_TENSOR:
      return arraysEqual(pa, pb);
    case T_ERROR:
      return numOf(load<u64>(pa, ERR_CODE)) == numOf(load<u64>(pb, ERR_CODE)) && strEquals(load<u32>(pa, ERR_MESSAGE), load<u32>(pb, ERR_MESSAGE));
    default:
      return false;
  }
}

/** Resolves a (possibly negative) index against length n; -1 when it is out of range or not integral. */
export function resolveIndex(i: u64, n: u32): i64 {
  if (!isNum(i)) return -2;
  let x = numOf(i);
  if (x != Math.floor(x)) return -2;
  if (x < 0) x += <f64>n;
  if (x < 0 || x >= <f64>n) return -1;
  return <i64>x;
}

function indexError(i: u64, n: u32): void {
  if (!isNum(i) || numOf(i) != Math.floor(numOf(i))) raise2(E_OPERAND_TYPES, obj(opSymbol(OPS_INDEX)), typeValue(i));
  else raise2(E_INDEX_OUT_OF_RANGE, i, num(<f64>n));
}

/** One code point of string p at code point index k, as a new string. */
export function charAt(p: u32, k: u32): u64 {
  if (isAscii(p)) return obj(stringFromBytes(strData(p) + k, 1));
  const off = byteOffset(p, k);
  return obj(stringFromBytes(strData(p) + off, utf8Len(load<u8>(strData(p) + off))));
}

export function getIndex(t: u64, i: u64): u64 {
  if (!isObj(t)) {
    raise1(E_NOT_INDEXABLE, typeValue(t));
    return NIL;
  }
  const p = objOf(t);
  switch (typeOf(p)) {
    case T_LIST: {
      const n = listLen(p);
      const k = resolveIndex(i, n);
      if (k < 0) { indexError(i, n); return NIL; }
      return listGet(p, <u32>k);
    }
    case T_MAP: {
      const e = isKey(i) ? mapFind(p, i) : -1;
      if (e < 0) { raise1(E_MISSING_KEY, i); return NIL; }
      return entryValue(p, <u32>e);
    }
    case T_STRING: {
      const n = strLength(p);
      const k = resolveIndex(i, n);
      if (k < 0) { indexError(i, n); return NIL; }
      return charAt(p, <u32>k);
    }
  }
  raise1(E_NOT_INDEXABLE, typeValue(t));
  return NIL;
}

export function setIndex(t: u64, i: u64, v: u64): void {
  if (isObj(t)) {
    const p = objOf(t);
    const ty = typeOf(p);
    if (ty == T_LIST) {
      const n = listLen(p);
      const k = resolveIndex(i, n);
      if (k < 0) { indexError(i, n); return; }
      listSet(p, <u32>k, v);
      return;
    }
    if (ty == T_MAP) {
      if (!isKey(i)) { raise2(E_OPERAND_TYPES, obj(opSymbol(OPS_INDEX)), typeValue(i)); return; }
      mapSet(p, i, v);
      return;
    }
  }
  raise1(E_NOT_INDEXABLE, typeValue(t));
}

/** Python-style bound: nil gives the default, negatives count from the end, then clamp. */
function sliceBound(b: u64, n: u32, dflt: u32): i64 {
  if (b == NIL) return dflt;
  if (!isNum(b)) return -1;
  let x = Math.floor(numOf(b));
  if (x < 0) x += <f64>n;
  if (x < 0) x = 0;
  if (x > <f64>n) x = <f64>n;
  return <i64>x;
}

export function slice(t: u64, from: u64, to: u64): u64 {
  if (isObj(t)) {
    const p = objOf(t);
    const ty = typeOf(p);
    if (ty == T_LIST || ty == T_STRING) {
      const n = ty == T_LIST ? listLen(p) : strLength(p);
      const a = sliceBound(from, n, 0), b = sliceBound(to, n, n);
      if (a < 0 || b < 0) {
        raise2(E_OPERAND_TYPES, obj(opSymbol(OPS_INDEX)), typeValue(a < 0 ? from : to));
        return NIL;
      }
      const lo = <u32>a, hi = b < a ? <u32>a : <u32>b;
      return ty == T_LIST ? obj(listSlice(p, lo, hi)) : obj(strSlice(p, lo, hi));
    }
  }
  raise1(E_NOT_INDEXABLE, typeValue(t));
  return NIL;
}

/**
 * Deep copy of lists, maps, structs and arrays; other values are returned as they are. A memo of
 * what was copied keeps shared parts shared and makes cycles copy as cycles, in linear time.
 */
export function deepCopy(v: u64): u64 {
  if (!isObj(v)) return v;
  const memo = newMap(8);
  if (memo == 0) return NIL;
  return copyInto(v, memo, 0);
}

function copyInto(v: u64, memo: u32, depth: u32): u64 {
  if (!isObj(v) || faultCode != 0) return v;
  const p = objOf(v);
  const t = typeOf(p);
  if (t != T_LIST && t != T_MAP && t != T_STRUCT && t != T_MATRIX && t != T_TENSOR) return v;
  if (depth > MAX_NESTING) {
    raise1(E_INVALID_ARGUMENT, obj(opSymbol(OPS_INDEX)));
    return NIL;
  }
  const key = num(<f64>p);
  const seen = mapFind(memo, key);
  if (seen >= 0) return entryValue(memo, <u32>seen);
  switch (t) {
    case T_LIST: {
      const n = listLen(p);
      const q = newList(n);
      if (q == 0) return NIL;
      mapSet(memo, key, obj(q));
      for (let i: u32 = 0; i < n; i++) listPush(q, copyInto(listGet(p, i), memo, depth + 1));
      return obj(q);
    }
    case T_MAP: {
      const q = newMap(mapCount(p));
      if (q == 0) return NIL;
      mapSet(memo, key, obj(q));
      const n = mapUsed(p);
      for (let e: u32 = 0; e < n; e++) {
        const k = entryKey(p, e);
        if (k != TOMBSTONE) mapSet(q, k, copyInto(entryValue(p, e), memo, depth + 1));
      }
      return obj(q);
    }
    case T_STRUCT: {
      const q = copyStruct(p);
      if (q == 0) return NIL;
      mapSet(memo, key, obj(q));
      const n = load<u32>(load<u32>(p, STRUCT_DEF), SDEF_COUNT);
      for (let i: u32 = 0; i < n; i++) {
        const a = q + STRUCT_FIELDS + (i << 3);
        const c = copyInto(load<u64>(a), memo, depth + 1);
        writeBarrier(q, c);
        store<u64>(a, c);
      }
      return obj(q);
    }
    default: {
      const q = castMatrix(p, arrayDtype(p));
      if (q == 0) return NIL;
      mapSet(memo, key, obj(q));
      return obj(q);
    }
  }
}

/** Deepest nesting that copy and == follow before reporting 3011 (a cycle, or a runaway structure). */
export const MAX_NESTING: u32 = 1000;

import { newStruct } from "../objects/struct";
import { E_DIVISION_BY_ZERO, E_INDEX_OUT_OF_RANGE, E_INVALID_ARGUMENT, E_MISSING_KEY, E_NOT_INDEXABLE, E_OPERAND_TYPES } from "./contract";

function copyStruct(p: u32): u32 {
  const def = load<u32>(p, STRUCT_DEF);
  return newStruct(def, p + STRUCT_FIELDS);
}

/** The field index of `name` in struct definition def, or -1. Names are compared by content. */
export function fieldIndex(def: u32, name: u32): i32 {
  const n = load<u32>(def, SDEF_COUNT);
  for (let i: u32 = 0; i < n; i++) {
    const f = load<u32>(def + SDEF_FIELDS + (i << 2));
    if (f == name || strEquals(f, name)) return <i32>i;
  }
  return -1;
}

export { OPS_ADD, OPS_SUB, OPS_MUL, OPS_DIV, OPS_MOD, OPS_POW };
export const HEADER_SIZE = HEADER;
