// One function to WebAssembly bytes: what both the running thread and a compiler thread do.
import type { FunctionProto } from "../bytecode/module.js";
import { analyse } from "./analysis.js";
import type { Binaryen } from "./binaryen-loader.js";
import { emitFunction } from "./emit.js";
import type { InlineCallee } from "./inline.js";

/** The function's compiled module as bytes, or null when it uses nothing the compiler can express. */
export function compileToBytes(
  binaryen: Binaryen,
  proto: FunctionProto,
  constants: readonly (number | string)[],
  inlines: readonly InlineCallee[] = [],
): Uint8Array | null {
  const constantAt = (k: number) => constants[k] ?? "";
  const shape = analyse(proto, constantAt);
  if (!shape) return null;
  try {
    return emitFunction(binaryen, proto, shape, constantAt, inlines);
  } catch {
    // a function the compiler cannot express stays interpreted; the program never notices
    return null;
  }
}
