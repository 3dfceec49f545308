// What the compiled tier needs to know about a function's bytecode before it emits code: its
// instructions and basic blocks, the loop headers where a running frame may join compiled code,
// which registers may live unboxed as numbers in WebAssembly locals, and which registers are live
// at each loop header (only those are checked when a frame joins there).

import { type DecodedInstruction, decodeAt, jumpTarget } from "../bytecode/instruction.js";
import type { FunctionProto } from "../bytecode/module.js";

export interface Instruction {
  /** Word offset of the instruction. */
  at: number;
  /** Word offset of the next instruction. */
  next: number;
  ins: DecodedInstruction;
}

export interface FunctionShape {
  instructions: Instruction[];
  /** Offsets that start a basic block, in order. */
  blockStarts: number[];
  /** Targets of backward jumps, where a frame running in the interpreter may join compiled code. */
  loopHeaders: number[];
  /** Registers kept unboxed in locals: every value they get in compiled code is a number. */
  numeric: boolean[];
  /** For each loop header, the numeric registers live there. */
  liveAtHeader: Map<number, number[]>;
  /**
   * The numeric registers read before any write at the function's start: its parameters, and any
   * register the code reads without setting (it holds whatever the memory held, maybe not a number).
   */
  liveAtEntry: number[];
  /**
   * Registers past the parameters read before any write. Compiled code never does this; bytecode
   * that does reads whatever earlier frames left in memory, which differs from run to run.
   */
  readsUnset: number[];
  /** The registers live before the instruction at each address. */
  liveBefore: Map<number, ReadonlySet<number>>;
}

/** Instructions whose operand A receives a value that may be a number (a guard checks it does). */
const GUARDED_RESULT = new Set(["GETGLOBAL", "GETGLOBALX", "GETBOX", "GETCAP", "GETINDEX", "GETINDEXI", "GETFIELD", "CALL", "CALLG", "CALLB", "MOD", "POW"]);
/** Instructions whose operand A receives a number whenever compiled code completes them. */
const NUMBER_RESULT = new Set(["LOADI", "ADD", "SUB", "MUL", "DIV", "ADDI", "NEG"]);

/** The registers an instruction reads and writes (a superset where in doubt). */
export function effects(ins: DecodedInstruction, nregs: number, nparams: number): { reads: number[]; writes: number[] } {
  const o = ins.operands;
  const a = o[0];
  const range = (from: number, n: number) => Array.from({ length: Math.max(0, Math.min(n, nregs - from)) }, (_, i) => from + i);
  switch (ins.op) {
    case "NOP":
    case "JMP":
    case "REGIONENTER":
    case "REGIONEXIT":
    case "RETURNNIL":
      return { reads: [], writes: [] };
    case "MOVE":
    case "NEG":
    case "NOT":
    case "TRANSPOSE":
    case "NEWBOX":
    case "GETBOX":
    case "GETINDEXI":
    case "GETFIELD":
    case "ISSTRUCT":
    case "ISLIST":
    case "AWAIT":
    case "ADDI":
      return { reads: [o[1]], writes: [a] };
    case "GETR":
      return { reads: [o[1]], writes: [a] };
    case "SETR":
      return { reads: [a], writes: [o[1]] };
    case "LOADK":
    case "LOADI":
    case "LOADNIL":
    case "LOADTRUE":
    case "LOADFALSE":
    case "GETGLOBAL":
    case "GETGLOBALX":
    case "GETCAP":
    case "LOADBUILTIN":
      return { reads: [], writes: [a] };
    case "CLOSURE":
      // a closure captures registers of this frame
      return { reads: range(0, nregs), writes: [a] };
    case "ADD":
    case "SUB":
    case "MUL":
    case "DIV":
    case "MOD":
    case "POW":
    case "EMUL":
    case "EDIV":
    case "LDIV":
    case "EQ":
    case "NE":
    case "LT":
    case "LE":
    case "GETINDEX":
      return { reads: [o[1], o[2]], writes: [a] };
    case "SETGLOBAL":
    case "SETGLOBALX":
    case "JMPIF":
    case "JMPIFNOT":
    case "JNLTI":
    case "JNLEI":
    case "JNGTI":
    case "JNGEI":
    case "JGIVEN":
    case "RETURN":
    case "THROW":
    case "FAIL":
    case "CHECKTYPE":
      return { reads: [a], writes: [] };
    case "SETCAP":
      return { reads: [o[1]], writes: [] };
    case "SETBOX":
    case "SETFIELD":
    case "JNLT":
    case "JNLE":
    case "JEQ":
    case "JNE":
      return { reads: [a, o[1]], writes: [] };
    case "SETINDEX":
      return { reads: [a, o[1], o[2]], writes: [] };
    case "CALL":
    case "SPAWN":
      return { reads: range(a, o[1] + 1), writes: [a] };
    case "CALLG":
      return { reads: range(a + 1, o[1]), writes: [a] };
    case "CALLB":
      return { reads: range(a, o[1]), writes: [a] };
    case "CALLV":
    case "SPAWNV":
      return { reads: [a, a + 1], writes: [a] };
    case "NEWACTOR":
      return { reads: [a], writes: [a] };
    case "ASYNC":
      return { reads: range(0, nparams), writes: [a] };
    case "NEWLIST":
    case "CONCAT":
    case "NEWMATRIX":
      return { reads: range(o[1], o[2]), writes: [a] };
    case "NEWMAP":
      return { reads: range(o[1], 2 * o[2]), writes: [a] };
    case "NEWSTRUCT":
      return { reads: range(o[1], nregs), writes: [a] };
    case "GETINDEXN":
      return { reads: range(o[1], 2 * o[2] + 1), writes: [a] };
    case "SETINDEXN":
      return { reads: [...range(a, 2 * o[1] + 1), o[2]], writes: [] };
    case "SLICE":
      return { reads: [o[1], o[2], o[2] + 1], writes: [a] };
    case "FORPREP":
      return { reads: [a, a + 1, a + 2], writes: [] };
    case "FORLOOP":
      return { reads: [a, a + 1, a + 2], writes: [a] };
    case "FORLOOP1":
      return { reads: [a, a + 1], writes: [a] };
    case "ITERPREP":
      return { reads: [a], writes: [a + 1, a + 4] };
    case "ITERNEXT":
      return { reads: [a, a + 1, a + 4], writes: [a + 1, a + 2, a + 3, a + 4] };
  }
  return { reads: range(0, nregs), writes: [] };
}

/** Registers an instruction uses as something other than a number: they stay boxed in memory. */
function boxedUses(ins: DecodedInstruction): number[] {
  const o = ins.operands;
  switch (ins.op) {
    case "GETINDEX":
    case "GETINDEXI":
    case "GETFIELD":
    case "GETBOX":
    case "SLICE":
    case "ISSTRUCT":
    case "ISLIST":
    case "AWAIT":
      return [o[1]];
    case "SETINDEX":
    case "SETFIELD":
    case "SETBOX":
    case "CALL":
    case "CALLV":
    case "SPAWN":
    case "SPAWNV":
    case "NEWACTOR":
    case "JGIVEN":
    case "ITERPREP":
    case "ITERNEXT":
    case "JMPIF":
    case "JMPIFNOT":
    case "CHECKTYPE":
    case "THROW":
      return [o[0]];
    case "GETINDEXN":
      return [o[1]];
    case "SETINDEXN":
      return [o[0]];
  }
  return [];
}

const NUMERIC_USE = new Set([
  "ADD",
  "SUB",
  "MUL",
  "DIV",
  "ADDI",
  "NEG",
  "LT",
  "LE",
  "JNLT",
  "JNLE",
  "JNLTI",
  "JNLEI",
  "JNGTI",
  "JNGEI",
  "FORPREP",
  "FORLOOP",
  "FORLOOP1",
]);

/** Decodes and analyses a function the verifier accepted; undefined when it holds anything unexpected. */
export function analyse(f: FunctionProto): FunctionShape | undefined {
  const instructions: Instruction[] = [];
  const index = new Map<number, number>();
  for (let at = 0; at < f.code.length; ) {
    let ins = decodeAt(f.code, at);
    if (!ins) return undefined;
    // compiled code runs a fused instruction as the one it starts with; the one after it is compiled on its own
    if (ins.op === "MULADD") ins = { ...ins, op: "MUL" };
    else if (ins.op === "LOADNILJ") ins = { ...ins, op: "LOADNIL" };
    index.set(at, instructions.length);
    instructions.push({ at, next: at + ins.size, ins });
    at += ins.size;
  }
  const starts = new Set<number>([0]);
  const headers = new Set<number>();
  for (const { at, next, ins } of instructions) {
    const target = jumpTarget(ins, at);
    if (target === undefined) continue;
    if (!index.has(target)) return undefined;
    starts.add(target);
    if (next < f.code.length) starts.add(next);
    if (target <= at) headers.add(target);
  }
  for (const h of f.handlers) starts.add(h.target);
  const nregs = f.nregs;
  const numeric = classify(instructions, f);
  const liveIn = liveness(instructions, index, f, nregs);
  const liveAtHeader = new Map<number, number[]>();
  for (const h of headers)
    liveAtHeader.set(
      h,
      [...(liveIn[index.get(h) as number] ?? [])].filter((r) => numeric[r]),
    );
  return {
    instructions,
    blockStarts: [...starts].filter((s) => index.has(s)).sort((x, y) => x - y),
    loopHeaders: [...headers].sort((x, y) => x - y),
    numeric,
    liveAtHeader,
    liveAtEntry: [...(liveIn[0] ?? [])].filter((r) => numeric[r]).sort((x, y) => x - y),
    readsUnset: [...(liveIn[0] ?? [])].filter((r) => r >= f.nparams).sort((x, y) => x - y),
    liveBefore: new Map(instructions.map(({ at }, i) => [at, liveIn[i]])),
  };
}

/** Number mode: no write gives a register anything but a number (or a guarded value), no use wants a box. */
function classify(instructions: Instruction[], f: FunctionProto): boolean[] {
  const nregs = f.nregs;
  const boxed = new Array<boolean>(nregs).fill(false);
  const wanted = new Array<boolean>(nregs).fill(false);
  for (const h of f.handlers) boxed[h.reg] = true;
  for (const { ins } of instructions) {
    const { writes, reads } = effects(ins, nregs, f.nparams);
    for (const r of boxedUses(ins)) boxed[r] = true;
    if (NUMERIC_USE.has(ins.op)) for (const r of reads) wanted[r] = true;
    if (NUMBER_RESULT.has(ins.op)) wanted[ins.operands[0]] = true;
    if (ins.op === "FORLOOP" || ins.op === "FORLOOP1") wanted[ins.operands[0]] = true;
    for (const r of writes) {
      if (ins.op === "MOVE" || ins.op === "GETR" || ins.op === "SETR") continue;
      if (ins.op === "LOADK" || NUMBER_RESULT.has(ins.op) || GUARDED_RESULT.has(ins.op)) continue;
      if ((ins.op === "FORLOOP" || ins.op === "FORLOOP1") && r === ins.operands[0]) continue;
      boxed[r] = true;
    }
  }
  // a string constant is a box; a move joins the classes of its two registers
  for (const { ins } of instructions) {
    if (ins.op === "LOADK" && typeof ins.operands[1] === "number") {
      // resolved by the emitter against the module's constants: see constantIsNumber
    }
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const { ins } of instructions) {
      let to: number, from: number;
      if (ins.op === "MOVE" || ins.op === "GETR") [to, from] = [ins.operands[0], ins.operands[1]];
      else if (ins.op === "SETR") [to, from] = [ins.operands[1], ins.operands[0]];
      else continue;
      if (boxed[from] !== boxed[to]) {
        // a number moved into a box stays a box; a box moved into a number register makes it one too
        if (boxed[from] && !boxed[to]) {
          boxed[to] = true;
          changed = true;
        }
      }
    }
  }
  return boxed.map((b, r) => !b && wanted[r]);
}

/** Registers live on entry to each instruction (backward data flow, with handlers as successors). */
function liveness(instructions: Instruction[], index: Map<number, number>, f: FunctionProto, nregs: number): Set<number>[] {
  const n = instructions.length;
  const succ: number[][] = instructions.map(({ at, next, ins }) => {
    const out: number[] = [];
    const target = jumpTarget(ins, at);
    const falls = !["JMP", "RETURN", "RETURNNIL", "THROW", "FAIL"].includes(ins.op);
    if (target !== undefined) out.push(index.get(target) as number);
    if (falls && index.has(next)) out.push(index.get(next) as number);
    for (const h of f.handlers) if (at >= h.start && at < h.end) out.push(index.get(h.target) as number);
    return out;
  });
  const use = instructions.map(({ ins }) => effects(ins, nregs, f.nparams));
  const live: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      const out = new Set<number>();
      for (const s of succ[i]) for (const r of live[s]) out.add(r);
      for (const r of use[i].writes) if (!use[i].reads.includes(r)) out.delete(r);
      for (const r of use[i].reads) out.add(r);
      if (out.size !== live[i].size) {
        live[i] = out;
        changed = true;
      }
    }
  }
  return live;
}

/** How many instructions the function's code holds (its size as the compiled tier's goals count it). */
export function instructionCount(f: FunctionProto): number {
  let n = 0;
  for (let at = 0; at < f.code.length; n++) {
    const ins = decodeAt(f.code, at);
    if (!ins) return n;
    at += ins.size;
  }
  return n;
}
