// What compiled code calls in the core: the slow paths of instructions it runs itself (values
// that are not numbers, maps, strings, builtins). Each returns FAULTED (or -1) when the operation
// raised a fault, which compiled code then hands to the interpreter's error path with the
// instruction's address (see K_FAULT in jit-entry.ts).
import { arith, lessThan, lessEqual, getIndex, setIndex } from "./ops";
import { equal, getField, setField, concat, iterNext, compiledSafePoint } from "./interp";
import { runBuiltin } from "./builtins";
import { listFrom } from "../objects/list";
import { faultCode } from "./fault";
import { calleeSlot } from "./jit-entry";
import { obj, isObj, isNum, objOf, num } from "../heap/value";
import { typeOf, T_LIST, T_MAP, T_STRING } from "../heap/layout";

/** Not a value (its top 14 bits are ones, but it is no tag): the operation raised a fault. */
export const FAULTED: u64 = 0xFFFF_FFFF_FFFF_FFFF;

// @ts-ignore: decorator
@inline function checked(v: u64): u64 { return faultCode != 0 ? FAULTED : v; }

export function jitArith(op: u32, x: u64, y: u64): u64 { return checked(arith(op, x, y)); }

/** x < y (x <= y when orEqual): 1 or 0, -1 on a fault. */
export function jitLess(x: u64, y: u64, orEqual: u32): i32 {
  const r = orEqual != 0 ? lessEqual(x, y) : lessThan(x, y);
  return faultCode != 0 ? -1 : r ? 1 : 0;
}

export function jitEqual(x: u64, y: u64): i32 { return equal(x, y) ? 1 : 0; }

export function jitGetIndex(t: u64, i: u64): u64 { return checked(getIndex(t, i)); }

export function jitSetIndex(t: u64, i: u64, v: u64): i32 {
  setIndex(t, i, v);
  return faultCode != 0 ? -1 : 0;
}

export function jitGetField(v: u64, name: u32): u64 { return checked(getField(v, name)); }

export function jitSetField(v: u64, name: u32, x: u64): i32 {
  setField(v, name, x);
  return faultCode != 0 ? -1 : 0;
}

export function jitBuiltin(id: u32, args: u32, n: u32): u64 { return checked(runBuiltin(id, args, n)); }

export function jitConcat(base: u32, from: u32, n: u32): u64 { return checked(concat(base, from, n)); }

export function jitNewList(from: u32, n: u32): u64 {
  const p = listFrom(from, n);
  return faultCode != 0 ? FAULTED : obj(p);
}

/** ITERPREP's check: 1 when R[a] can be iterated (and its cursors are set), 0 when not. */
export function jitIterPrep(base: u32, a: u32): i32 {
  const v = load<u64>(base + (a << 3));
  if (!isObj(v)) return 0;
  const t = typeOf(objOf(v));
  if (t != T_LIST && t != T_MAP && t != T_STRING) return 0;
  store<u64>(base + ((a + 1) << 3), num(0));
  store<u64>(base + ((a + 4) << 3), num(0));
  return 1;
}

/** ITERNEXT: 1 with the next item in place, 0 when done, -1 on a fault, -2 to leave it to the interpreter. */
export function jitIterNext(base: u32, a: u32, pair: u32): i32 {
  const v = load<u64>(base + (a << 3));
  if (!isObj(v) || !isNum(load<u64>(base + ((a + 1) << 3))) || !isNum(load<u64>(base + ((a + 4) << 3)))) return -2;
  const t = typeOf(objOf(v));
  if (t != T_LIST && t != T_MAP && t != T_STRING) return -2;
  const more = iterNext(base, a, pair != 0);
  return faultCode != 0 ? -1 : more ? 1 : 0;
}

export function jitSafePoint(fr: u32, pc: u32): u32 { return compiledSafePoint(fr, pc); }

export function jitCallee(proto: u32): i32 { return calleeSlot(proto); }
