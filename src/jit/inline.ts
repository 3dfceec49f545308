// Small leaf functions called at a global (spectralnorm's `A(i, j)`), compiled into their callers.
//
// A callee qualifies when its code is straight-line arithmetic on numbers: no jumps, no calls, no
// handlers, no captures, number constants only, up to its first RETURN. Such code cannot
// allocate, pause or raise an error except by dividing by zero, and running it has no effect but
// its result, so the caller may run it on its own locals and, whenever anything is not as assumed
// (the global holds another function, an argument is no number, a divisor is zero, the budget or
// the depth runs out, a collection is due), make the ordinary call instead, which does exactly
// what the interpreter's would.
import type { FunctionProto } from "../bytecode/module.js";
import { analyse, type Instruction } from "./analysis.js";

/** A function the compiler may inline at the calls through global `global`: the function at `index`. */
export interface InlineCallee {
  global: number;
  index: number;
  proto: FunctionProto;
  /** The callee's module's constants (its LOADKs index them). */
  constants: (number | string)[];
}

/** Larger callees are called: inlining is for functions whose call costs more than their body. */
export const INLINE_MAX_INSTRUCTIONS = 24;

const LEAF_OPS = new Set(["LOADI", "LOADK", "MOVE", "ADD", "SUB", "MUL", "DIV", "ADDI", "NEG", "RETURN"]);

/** The callee's instructions when it qualifies (see the top of this file), else undefined. */
export function leafInstructions(proto: FunctionProto, constantAt: (k: number) => number | string): Instruction[] | undefined {
  if (proto.handlers.length > 0 || proto.captures.length > 0 || proto.nrequired !== proto.nparams) return undefined;
  const shape = analyse(proto, constantAt);
  if (!shape || shape.instructions.length > INLINE_MAX_INSTRUCTIONS) return undefined;
  const { instructions } = shape;
  const set = new Set<number>(Array.from({ length: proto.nparams }, (_, r) => r));
  for (const [k, { ins }] of instructions.entries()) {
    if (!LEAF_OPS.has(ins.op)) return undefined;
    const o = ins.operands;
    // what follows the first RETURN never runs: there are no jumps before it
    if (ins.op === "RETURN") return set.has(o[0]) ? instructions.slice(0, k + 1) : undefined;
    if (ins.op === "LOADK" && typeof constantAt(o[1]) !== "number") return undefined;
    // every register read was written before (or is a parameter): nothing comes from memory
    const reads = ins.op === "MOVE" || ins.op === "ADDI" || ins.op === "NEG" ? [o[1]] : ins.op === "LOADI" || ins.op === "LOADK" ? [] : [o[1], o[2]];
    if (reads.some((r) => !set.has(r))) return undefined;
    set.add(o[0]);
  }
  return undefined;
}
