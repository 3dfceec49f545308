// Builtin functions implemented in the core (the ids come from src/bytecode/builtin-table.ts).
// Arguments are `n` values at address `args`; the result is returned, or a fault is raised.
import { T_STRING, T_LIST, T_MAP, T_ERROR, T_NATIVE, typeOf, ERR_CODE, ERR_MESSAGE, ERR_TRACE, ERR_SIZE, HEADER, NATIVE_ID, NATIVE_SIZE, LIST_LEN } from "../heap/layout";
import { allocBlock } from "../heap/alloc";
import { isNum, isObj, objOf, numOf, num, obj, NIL, TRUE, FALSE, bool_, isTruthy } from "../heap/value";
import { stringFromBytes, strBytes, strData, strLength } from "../objects/string";
import { newList, listLen, listGet, listPush, listPop, listInsert, listRemoveAt, listItems } from "../objects/list";
import { newMap, mapFind, mapSet, mapDelete, mapUsed, mapCount, entryKey, entryValue, TOMBSTONE, isKey } from "../objects/map";
import { raise, raise1, raise2, raise3, faulted, faultCode } from "./fault";
import { outReset, outValue, outByte, outData, outLen } from "./format";
import { hostWrite, hostParseNumber, hostClock, hostMath, hostCall, MATH_SIN, MATH_COS, MATH_TAN, MATH_EXP, MATH_LOG, MATH_ATAN2 } from "./host";
import { typeValue, deepCopy, resolveIndex, compareValues } from "./ops";
import { builtinName } from "./builtin-names";
import { OPS_LT } from "./names";
import * as B from "./opcodes";
import { callLinalg } from "../linalg/builtins";
import { reduceArray } from "../linalg/reduce";
import { isMatrix, isTensor } from "../linalg/matrix";
import { mapArray, roundHalfAway } from "../linalg/elementwise";
import { allOf, timeoutOf, sleepFor } from "./scheduler";
import { E_ASSERTION_FAILED, E_INDEX_OUT_OF_RANGE, E_INTERNAL_ERROR, E_INVALID_ARGUMENT, E_MEMORY_LIMIT, E_MISSING_KEY, E_NOT_A_NUMBER, E_OPERAND_TYPES, E_WRONG_ARG_COUNT } from "./contract";

const scratch = <u32>memory.data(8);
const hostResult = <u32>memory.data(8);

/** A new error value (trace filled in when it is thrown). */
export function newError(code: f64, message: u32): u64 {
  const p = allocBlock(ERR_SIZE - HEADER, T_ERROR);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  store<u64>(p, num(code), ERR_CODE);
  store<u32>(p, message, ERR_MESSAGE);
  store<u32>(p, 0, ERR_TRACE);
  return obj(p);
}

export function nativeValue(id: u32): u64 {
  const p = allocBlock(NATIVE_SIZE - HEADER, T_NATIVE);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  store<u32>(p, id, NATIVE_ID);
  return obj(p);
}

/** str(v): strings as they are, everything else as print shows it. */
export function toStr(v: u64): u64 {
  if (isObj(v) && typeOf(objOf(v)) == T_STRING) return v;
  outReset();
  outValue(v, false, 0);
  return obj(stringFromBytes(outData(), outLen));
}

// @ts-ignore: decorator
@inline function arg(args: u32, i: u32): u64 {
  return load<u64>(args + (i << 3));
}

function wantNumber(v: u64, name: u32): bool {
  if (isNum(v)) return true;
  raise2(E_OPERAND_TYPES, obj(builtinName(name)), typeValue(v));
  return false;
}

function wantType(v: u64, t: u8, name: u32): bool {
  if (isObj(v) && typeOf(objOf(v)) == t) return true;
  raise2(E_OPERAND_TYPES, obj(builtinName(name)), typeValue(v));
  return false;
}

function math1(id: u32, v: u64): u64 {
  if (isMatrix(v) || isTensor(v)) return mapArray(id, v);
  if (!wantNumber(v, id)) return NIL;
  const x = numOf(v);
  switch (id) {
    case B.BI_ABS: return num(Math.abs(x));
    case B.BI_SQRT: return num(Math.sqrt(x));
    case B.BI_FLOOR: return num(Math.floor(x));
    case B.BI_CEIL: return num(Math.ceil(x));
    case B.BI_ROUND: return num(roundHalfAway(x));
    case B.BI_EXP: return num(hostMath(MATH_EXP, x, 0));
    case B.BI_LOG: return num(hostMath(MATH_LOG, x, 0));
    case B.BI_SIN: return num(hostMath(MATH_SIN, x, 0));
    case B.BI_COS: return num(hostMath(MATH_COS, x, 0));
    case B.BI_TAN: return num(hostMath(MATH_TAN, x, 0));
  }
  return NIL;
}

/** min/max of several numbers, or of one list of numbers. */
function extreme(id: u32, args: u32, n: u32): u64 {
  let items = args;
  let count = n;
  if (n == 1) {
    const v = arg(args, 0);
    if (!wantType(v, T_LIST, id)) return NIL;
    items = listItems(objOf(v));
    count = listLen(objOf(v));
    if (count == 0) {
      raise1(E_INVALID_ARGUMENT, obj(builtinName(id)));
      return NIL;
    }
  }
  let best = load<u64>(items);
  if (!wantNumber(best, id)) return NIL;
  for (let i: u32 = 1; i < count; i++) {
    const v = load<u64>(items + (i << 3));
    if (!wantNumber(v, id)) return NIL;
    const x = numOf(v), b = numOf(best);
    if (x != x) return v;
    if (id == B.BI_MIN ? x < b : x > b) best = v;
  }
  return best;
}

/** sum or mean of a list, or of a matrix or tensor (along an axis when one is given). */
function sumOf(id: u32, args: u32, argc: u32): u64 {
  const v = arg(args, 0);
  if (isMatrix(v) || isTensor(v)) return reduceArray(id, v, argc > 1 ? arg(args, 1) : NIL);
  if (argc > 1 && arg(args, 1) != NIL) {
    // a list has no axes
    raise2(E_OPERAND_TYPES, obj(builtinName(id)), typeValue(v));
    return NIL;
  }
  if (!wantType(v, T_LIST, id)) return NIL;
  const p = objOf(v);
  const n = listLen(p);
  let s: f64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const x = listGet(p, i);
    if (!wantNumber(x, id)) return NIL;
    s += numOf(x);
  }
  if (id == B.BI_MEAN) {
    if (n == 0) {
      raise1(E_INVALID_ARGUMENT, obj(builtinName(id)));
      return NIL;
    }
    return num(s / <f64>n);
  }
  return num(s);
}

function rangeList(args: u32, n: u32): u64 {
  let a: f64 = 0, b: f64 = 0, step: f64 = 1;
  for (let i: u32 = 0; i < n; i++) if (!wantNumber(arg(args, i), B.BI_RANGE)) return NIL;
  if (n == 1) b = numOf(arg(args, 0));
  else {
    a = numOf(arg(args, 0));
    b = numOf(arg(args, 1));
    if (n == 3) step = numOf(arg(args, 2));
  }
  if (step == 0 || step != step) {
    raise1(E_INVALID_ARGUMENT, obj(builtinName(B.BI_RANGE)));
    return NIL;
  }
  const count = step > 0 ? Math.ceil((b - a) / step) : Math.ceil((a - b) / -step);
  if (count > 1e8) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  const c = count > 0 ? <u32>count : 0;
  const p = newList(c);
  if (p == 0) return NIL;
  for (let i: u32 = 0; i < c; i++) listPush(p, num(a + <f64>i * step));
  return obj(p);
}

/** A new list with the items of xs in ascending order (stable merge sort). */
function sortList(xs: u64): u64 {
  if (!wantType(xs, T_LIST, B.BI_SORT)) return NIL;
  const n = listLen(objOf(xs));
  const out = newList(n);
  if (out == 0) return NIL;
  const tmp = newList(n);
  if (tmp == 0) return NIL;
  const a = listItems(out), t = listItems(tmp);
  memory.copy(a, listItems(objOf(xs)), n << 3);
  store<u32>(out, n, LIST_LEN);
  for (let width: u32 = 1; width < n; width <<= 1) {
    for (let lo: u32 = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n), hi = min(lo + (width << 1), n);
      let i = lo, j = mid, k = lo;
      while (k < hi) {
        let takeRight = false;
        if (j < hi && i < mid) {
          const c = compareValues(OPS_LT, load<u64>(a + (j << 3)), load<u64>(a + (i << 3)));
          if (c == 2 && faulted()) return NIL;
          takeRight = c == -1;
        } else takeRight = i >= mid;
        if (takeRight) store<u64>(t + (k++ << 3), load<u64>(a + (j++ << 3)));
        else store<u64>(t + (k++ << 3), load<u64>(a + (i++ << 3)));
      }
    }
    memory.copy(a, t, n << 3);
  }
  return obj(out);
}

function keysOrValues(id: u32, v: u64): u64 {
  if (!wantType(v, T_MAP, id)) return NIL;
  const m = objOf(v);
  const q = newList(mapCount(m));
  if (q == 0) return NIL;
  const n = mapUsed(m);
  for (let e: u32 = 0; e < n; e++) {
    const k = entryKey(m, e);
    if (k != TOMBSTONE) listPush(q, id == B.BI_KEYS ? k : entryValue(m, e));
  }
  return obj(q);
}

function length(v: u64): u64 {
  if (isObj(v)) {
    const p = objOf(v);
    switch (typeOf(p)) {
      case T_STRING: return num(<f64>strLength(p));
      case T_LIST: return num(<f64>listLen(p));
      case T_MAP: return num(<f64>mapCount(p));
    }
  }
  raise2(E_OPERAND_TYPES, obj(builtinName(B.BI_LEN)), typeValue(v));
  return NIL;
}

function parseNum(v: u64): u64 {
  if (isNum(v)) return v;
  if (!wantType(v, T_STRING, B.BI_NUM)) return NIL;
  const p = objOf(v);
  const x = hostParseNumber(strData(p), strBytes(p), scratch);
  if (load<u32>(scratch) == 0) {
    raise1(E_NOT_A_NUMBER, v);
    return NIL;
  }
  return num(x);
}

function print(args: u32, n: u32): u64 {
  outReset();
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) outByte(32);
    outValue(arg(args, i), false, 0);
  }
  outByte(10);
  if (faulted()) return NIL;
  hostWrite(1, outData(), outLen);
  return NIL;
}

/** A builtin the host implements (storage, ...): its result, or a fault the host raised. */
function callHost(id: u32, args: u32, n: u32): u64 {
  store<u64>(hostResult, NIL);
  if (hostCall(id, args, n, hostResult) == 0) return load<u64>(hostResult);
  if (faultCode == 0) raise(E_INTERNAL_ERROR);
  return NIL;
}

/** Calls builtin `id` after checking its argument count (for calls through function values). */
export function callBuiltin(id: u32, args: u32, n: u32): u64 {
  if (id >= B.BI_COUNT) {
    raise1(E_INVALID_ARGUMENT, num(<f64>id));
    return NIL;
  }
  const lo = B.builtinMinArgs(id), hi = B.builtinMaxArgs(id);
  if (<i32>n < lo || (hi >= 0 && <i32>n > hi)) {
    raise3(E_WRONG_ARG_COUNT, obj(builtinName(id)), num(<f64>lo), num(<f64>n));
    return NIL;
  }
  return runBuiltin(id, args, n);
}

/** Calls builtin `id` whose argument count is known to fit. */
export function runBuiltin(id: u32, args: u32, n: u32): u64 {
  if (id >= B.BI_FIRST_HOST) return callHost(id, args, n);
  if (id >= B.BI_ZEROS) return callLinalg(id, args, n);
  switch (id) {
    case B.BI_PRINT: return print(args, n);
    case B.BI_LEN: return length(arg(args, 0));
    case B.BI_COPY: return deepCopy(arg(args, 0));
    case B.BI_TYPE: return typeValue(arg(args, 0));
    case B.BI_STR: return toStr(arg(args, 0));
    case B.BI_NUM: return parseNum(arg(args, 0));
    case B.BI_RANGE: return rangeList(args, n);
    case B.BI_PUSH: {
      const xs = arg(args, 0);
      if (!wantType(xs, T_LIST, id)) return NIL;
      listPush(objOf(xs), arg(args, 1));
      return xs;
    }
    case B.BI_POP: {
      const xs = arg(args, 0);
      if (!wantType(xs, T_LIST, id)) return NIL;
      if (listLen(objOf(xs)) == 0) {
        raise2(E_INDEX_OUT_OF_RANGE, num(-1), num(0));
        return NIL;
      }
      return listPop(objOf(xs));
    }
    case B.BI_INSERT: {
      const xs = arg(args, 0), i = arg(args, 1);
      if (!wantType(xs, T_LIST, id)) return NIL;
      const len = listLen(objOf(xs));
      const k = isNum(i) && numOf(i) == <f64>len ? <i64>len : resolveIndex(i, len);
      if (k < 0) {
        raise2(E_INDEX_OUT_OF_RANGE, i, num(<f64>len));
        return NIL;
      }
      listInsert(objOf(xs), <u32>k, arg(args, 2));
      return xs;
    }
    case B.BI_REMOVE: {
      const c = arg(args, 0), k = arg(args, 1);
      if (isObj(c) && typeOf(objOf(c)) == T_MAP) {
        const v = isKey(k) ? mapDelete(objOf(c), k) : TOMBSTONE;
        if (v == TOMBSTONE) {
          raise1(E_MISSING_KEY, k);
          return NIL;
        }
        return v;
      }
      if (!wantType(c, T_LIST, id)) return NIL;
      const len = listLen(objOf(c));
      const i = resolveIndex(k, len);
      if (i < 0) {
        raise2(E_INDEX_OUT_OF_RANGE, k, num(<f64>len));
        return NIL;
      }
      return listRemoveAt(objOf(c), <u32>i);
    }
    case B.BI_KEYS:
    case B.BI_VALUES: return keysOrValues(id, arg(args, 0));
    case B.BI_HAS: {
      const m = arg(args, 0);
      if (!wantType(m, T_MAP, id)) return NIL;
      const k = arg(args, 1);
      return bool_(isKey(k) && mapFind(objOf(m), k) >= 0);
    }
    case B.BI_ABS: case B.BI_SQRT: case B.BI_EXP: case B.BI_LOG: case B.BI_SIN: case B.BI_COS:
    case B.BI_TAN: case B.BI_FLOOR: case B.BI_CEIL: case B.BI_ROUND:
      return math1(id, arg(args, 0));
    case B.BI_ATAN2: {
      if (!wantNumber(arg(args, 0), id) || !wantNumber(arg(args, 1), id)) return NIL;
      return num(hostMath(MATH_ATAN2, numOf(arg(args, 0)), numOf(arg(args, 1))));
    }
    case B.BI_MIN:
    case B.BI_MAX: return extreme(id, args, n);
    case B.BI_SUM:
    case B.BI_MEAN: return sumOf(id, args, n);
    case B.BI_ASSERT: {
      if (isTruthy(arg(args, 0))) return NIL;
      if (n > 1) raise1(E_ASSERTION_FAILED, toStr(arg(args, 1)));
      else raise(E_ASSERTION_FAILED);
      return NIL;
    }
    case B.BI_ERROR: {
      const code = arg(args, 0);
      if (!wantNumber(code, id)) return NIL;
      const msg = toStr(arg(args, 1));
      return newError(numOf(code), objOf(msg));
    }
    case B.BI_CLOCK: return num(hostClock());
    case B.BI_SORT: return sortList(arg(args, 0));
    case B.BI_ALL: return allOf(arg(args, 0));
    case B.BI_TIMEOUT: return timeoutOf(arg(args, 0), arg(args, 1));
    case B.BI_SLEEP: return sleepFor(arg(args, 0));
    case B.BI_COMPARE: {
      const c = compareValues(OPS_LT, arg(args, 0), arg(args, 1));
      return num(c == 2 ? 0 : <f64>c);
    }
  }
  return NIL;
}
