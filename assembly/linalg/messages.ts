// Messages of the numerical builtins' errors, built as text so they say what did not fit:
// `shapes do not fit: sum along axis 2 of [2, 2]`.
import { NIL, obj } from "../heap/value";
import { stringFromBytes } from "../objects/string";
import { outReset, outLiteral, outValue, outStr, outData, outLen } from "../vm/format";
import { builtinName } from "../vm/builtin-names";
import { raise1 } from "../vm/fault";
import { shapeList } from "./ops";

export function begin(): void {
  outReset();
}

export function text(s: string): void {
  outLiteral(s);
}

export function name(id: u32): void {
  outStr(builtinName(id));
}

/** The shape of matrix or tensor p, as `shape(x)` prints it. */
export function shape(p: u32): void {
  outValue(shapeList(p), false, 0);
}

export function value(v: u64): void {
  outValue(v, false, 0);
}

/** Raises `code` with the text written since `begin` as its one argument; returns NIL. */
export function raiseText(code: u32): u64 {
  const s = stringFromBytes(outData(), outLen);
  if (s != 0) raise1(code, obj(s));
  return NIL;
}
