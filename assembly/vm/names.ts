// Strings the VM itself needs as values: type names for `type()` and messages, and operator
// symbols for messages. Made once at start-up, pinned.
import { pinnedLiteral } from "../objects/string";
import { allocPinned } from "../heap/alloc";
import { HEADER, T_ERROR, ERR_SIZE, ERR_CODE, ERR_MESSAGE, ERR_TRACE } from "../heap/layout";
import * as O from "./opcodes";

export let S_NUMBER: u32 = 0;
export let S_STRING: u32 = 0;
export let S_NIL: u32 = 0;
export let S_BOOL: u32 = 0;
export let S_LIST: u32 = 0;
export let S_MAP: u32 = 0;
export let S_STRUCT: u32 = 0;
export let S_FUNC: u32 = 0;
export let S_ERROR: u32 = 0;
export let S_MATRIX: u32 = 0;
export let S_TENSOR: u32 = 0;
export let S_FUTURE: u32 = 0;
export let S_ACTOR: u32 = 0;
export let S_EMPTY: u32 = 0;
export let S_CODE: u32 = 0;
export let S_MESSAGE: u32 = 0;
export let S_TRACE: u32 = 0;
export let S_INT: u32 = 0;
export let S_OUT_OF_MEMORY: u32 = 0;
// what an argument out of range stands for, and what it must be (error 3017)
export let S_ROWS: u32 = 0;
export let S_COLS: u32 = 0;
export let S_SIZE: u32 = 0;
export let S_MILLISECONDS: u32 = 0;
export let S_WHOLE_FROM_0: u32 = 0;
export let S_NUMBER_FROM_0: u32 = 0;
// why an actor stopped (error 7003)
export let S_FAILED_TOO_OFTEN: u32 = 0;
export let S_INIT_FAILED: u32 = 0;
export let S_INIT_FAILED_WITH: u32 = 0;
/** A pinned error for when memory is too exhausted to make one. */
export let outOfMemoryError: u32 = 0;

// operator symbols for messages
export const OPS_ADD: u32 = 0;
export const OPS_SUB: u32 = 1;
export const OPS_MUL: u32 = 2;
export const OPS_DIV: u32 = 3;
export const OPS_MOD: u32 = 4;
export const OPS_POW: u32 = 5;
export const OPS_EMUL: u32 = 6;
export const OPS_EDIV: u32 = 7;
export const OPS_LDIV: u32 = 8;
export const OPS_NEG: u32 = 9;
export const OPS_LT: u32 = 10;
export const OPS_LE: u32 = 11;
export const OPS_TRANSPOSE: u32 = 12;
export const OPS_INDEX: u32 = 13;
export const OPS_ITERATE: u32 = 14;
export const OPS_RANGE: u32 = 15;
export const OPS_EQ: u32 = 16;
export const OPS_EPOW: u32 = 17;
const opSymbols = <u32>memory.data(4 * 18);

export function initNames(): void {
  S_NUMBER = pinnedLiteral("number");
  S_STRING = pinnedLiteral("string");
  S_NIL = pinnedLiteral("nil");
  S_BOOL = pinnedLiteral("bool");
  S_LIST = pinnedLiteral("list");
  S_MAP = pinnedLiteral("map");
  S_STRUCT = pinnedLiteral("struct");
  S_FUNC = pinnedLiteral("func");
  S_ERROR = pinnedLiteral("error");
  S_MATRIX = pinnedLiteral("matrix");
  S_TENSOR = pinnedLiteral("tensor");
  S_FUTURE = pinnedLiteral("future");
  S_ACTOR = pinnedLiteral("actor");
  S_EMPTY = pinnedLiteral("");
  S_CODE = pinnedLiteral("code");
  S_MESSAGE = pinnedLiteral("message");
  S_TRACE = pinnedLiteral("trace");
  S_INT = pinnedLiteral("int");
  S_OUT_OF_MEMORY = pinnedLiteral("memory limit exceeded");
  outOfMemoryError = pinnedError(4001, S_OUT_OF_MEMORY);
  S_ROWS = pinnedLiteral("the number of rows");
  S_COLS = pinnedLiteral("the number of columns");
  S_SIZE = pinnedLiteral("the size");
  S_MILLISECONDS = pinnedLiteral("the time in milliseconds");
  S_WHOLE_FROM_0 = pinnedLiteral("a non-negative integer");
  S_NUMBER_FROM_0 = pinnedLiteral("a non-negative number");
  S_FAILED_TOO_OFTEN = pinnedLiteral("its handlers failed too often");
  S_INIT_FAILED = pinnedLiteral("its initialiser failed");
  S_INIT_FAILED_WITH = pinnedLiteral("its initialiser failed with ");
  setSymbol(OPS_ADD, "+");
  setSymbol(OPS_SUB, "-");
  setSymbol(OPS_MUL, "*");
  setSymbol(OPS_DIV, "/");
  setSymbol(OPS_MOD, "%");
  setSymbol(OPS_POW, "**");
  setSymbol(OPS_EMUL, ".*");
  setSymbol(OPS_EDIV, "./");
  setSymbol(OPS_LDIV, "\\");
  setSymbol(OPS_NEG, "unary -");
  setSymbol(OPS_LT, "<");
  setSymbol(OPS_LE, "<=");
  setSymbol(OPS_TRANSPOSE, "'");
  setSymbol(OPS_INDEX, "[]");
  setSymbol(OPS_ITERATE, "for-in");
  setSymbol(OPS_RANGE, "..");
  setSymbol(OPS_EQ, "==");
  setSymbol(OPS_EPOW, ".^");
}

function setSymbol(i: u32, s: string): void {
  store<u32>(opSymbols + (i << 2), pinnedLiteral(s));
}

function pinnedError(code: f64, message: u32): u32 {
  const p = allocPinned(ERR_SIZE - HEADER);
  store<u8>(p, T_ERROR);
  store<u64>(p, reinterpret<u64>(code), ERR_CODE);
  store<u32>(p, message, ERR_MESSAGE);
  store<u32>(p, 0, ERR_TRACE);
  return p;
}

export function opSymbol(i: u32): u32 {
  return load<u32>(opSymbols + (i << 2));
}

/** The name of a CHECKTYPE type code, for messages. */
export function typeCodeName(code: u32): u32 {
  switch (code) {
    case O.TY_NUMBER: return S_NUMBER;
    case O.TY_INT: return S_INT;
    case O.TY_BOOL: return S_BOOL;
    case O.TY_STRING: return S_STRING;
    case O.TY_LIST: return S_LIST;
    case O.TY_MAP: return S_MAP;
    case O.TY_MATRIX: return S_MATRIX;
    case O.TY_TENSOR: return S_TENSOR;
    case O.TY_FUNC: return S_FUNC;
    case O.TY_ERROR: return S_ERROR;
    case O.TY_NIL: return S_NIL;
    default: return S_STRUCT;
  }
}
