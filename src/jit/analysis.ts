// What the compiled tier needs to know about a function's bytecode before it emits code: its
// instructions and basic blocks, the loop headers where a running frame may join compiled code,
// where each register may live unboxed as a number in a WebAssembly local (a type per register
// and program point: a register may hold a number in one place and a list in another), and which
// registers are live at each loop header (only those are checked when a frame joins there).

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
  /** Registers with a local: some value they hold in compiled code is always a number. */
  numeric: boolean[];
  /**
   * Registers that also hold values kept in memory: their local is written back only where it
   * holds the register's value (see numericIn), never over a value in memory.
   */
  mixed: boolean[];
  /** For each instruction, the registers whose value before it is in their local. */
  numericIn: Map<number, ReadonlySet<number>>;
  /** For each instruction, the registers it writes into their local. */
  numericDefs: Map<number, ReadonlySet<number>>;
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
export function analyse(f: FunctionProto, constantAt: (k: number) => number | string = () => 0): FunctionShape | undefined {
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
  const edges = successors(instructions, index, f);
  const use = instructions.map(({ ins }) => effects(ins, nregs, f.nparams));
  const liveIn = liveness(edges, use);
  const values = valuesOf(instructions, edges, use, liveIn, nregs);
  if (!values) return undefined;
  const kinds = classify(instructions, f, use, values, constantAt);
  const numericIn = new Map<number, ReadonlySet<number>>();
  const numericDefs = new Map<number, ReadonlySet<number>>();
  const numeric = new Array<boolean>(nregs).fill(false);
  const mixed = new Array<boolean>(nregs).fill(false);
  for (let v = 0; v < values.owner.length; v++) {
    if (values.find(v) !== v) continue;
    if (kinds.numeric[v]) numeric[values.owner[v]] = true;
  }
  for (let v = 0; v < values.owner.length; v++) if (!kinds.numeric[values.find(v)] && values.used[v]) mixed[values.owner[v]] = true;
  const inLocal = values.owner.map((_, v) => kinds.numeric[values.find(v)] === true);
  instructions.forEach(({ at }, i) => {
    const before = values.before[i];
    const here = new Set<number>();
    if (before) for (let r = 0; r < nregs; r++) if (before[r] >= 0 && inLocal[before[r]]) here.add(r);
    numericIn.set(at, here);
    const defs = new Set<number>();
    for (const r of use[i].writes) if (inLocal[values.defOf(i, r)]) defs.add(r);
    numericDefs.set(at, defs);
  });
  const numericAt = (at: number) => [...(numericIn.get(at) ?? [])].sort((x, y) => x - y);
  return {
    instructions,
    blockStarts: [...starts].filter((s) => index.has(s)).sort((x, y) => x - y),
    loopHeaders: [...headers].sort((x, y) => x - y),
    numeric,
    mixed: mixed.map((m, r) => m && numeric[r]),
    numericIn,
    numericDefs,
    liveAtHeader: new Map([...headers].map((h) => [h, numericAt(h)])),
    liveAtEntry: numericAt(0),
    readsUnset: [...(liveIn[0] ?? [])].filter((r) => r >= f.nparams).sort((x, y) => x - y),
    liveBefore: new Map(instructions.map(({ at }, i) => [at, liveIn[i]])),
  };
}

interface Edges {
  /** Where each instruction goes on when it completes. */
  flow: number[][];
  /** The handlers that catch what each instruction raises (entered with the registers before it). */
  caught: number[][];
}

function successors(instructions: Instruction[], index: Map<number, number>, f: FunctionProto): Edges {
  const flow = instructions.map(({ at, next, ins }) => {
    const out: number[] = [];
    const target = jumpTarget(ins, at);
    const falls = !["JMP", "RETURN", "RETURNNIL", "THROW", "FAIL"].includes(ins.op);
    if (target !== undefined) out.push(index.get(target) as number);
    if (falls && index.has(next)) out.push(index.get(next) as number);
    return out;
  });
  const caught = instructions.map(({ at }) => f.handlers.filter((h) => at >= h.start && at < h.end).map((h) => index.get(h.target) as number));
  return { flow, caught };
}

/**
 * The values each register holds: every write starts one, and the writes that reach a read
 * where control flow merges are one value (union-find over writes; a register's value at the
 * function's start counts as a write). A register keeps one representation per value, so one
 * that holds a number in one place and a list in another has a local for the number and its
 * memory for the list.
 */
interface Values {
  /** For each instruction, each register's value before it (-1: the register is dead there). */
  before: (Int32Array | undefined)[];
  /** The register of each value. */
  owner: number[];
  /** Values read somewhere (or live at some instruction). */
  used: boolean[];
  find(v: number): number;
  defOf(i: number, r: number): number;
}

/** Instructions that write their registers only when they go on (a write that may not happen keeps the value). */
const MAY_WRITE = new Set(["ITERPREP", "ITERNEXT"]);

function valuesOf(
  instructions: Instruction[],
  edges: Edges,
  use: { reads: number[]; writes: number[] }[],
  liveIn: Set<number>[],
  nregs: number,
): Values | undefined {
  // values 0 .. nregs - 1 are the registers' values at the start; then one per write
  const owner: number[] = Array.from({ length: nregs }, (_, r) => r);
  const firstDef = use.map(({ writes }) => {
    const first = owner.length;
    owner.push(...writes);
    return first;
  });
  const defOf = (i: number, r: number) => firstDef[i] + use[i].writes.indexOf(r);
  const parent: number[] = owner.map((_, v) => v);
  const find = (v: number): number => {
    while (parent[v] !== v) {
      parent[v] = parent[parent[v]];
      v = parent[v];
    }
    return v;
  };
  const union = (x: number, y: number) => {
    const a = find(x);
    const b = find(y);
    if (a !== b) parent[b] = a;
  };
  const before: (Int32Array | undefined)[] = new Array(instructions.length);
  const work: number[] = [];
  let consistent = true;
  const flowInto = (s: number, state: Int32Array) => {
    const known = before[s];
    if (!known) {
      const fresh = new Int32Array(nregs).fill(-1);
      for (const r of liveIn[s]) fresh[r] = state[r];
      before[s] = fresh;
      work.push(s);
      return;
    }
    for (const r of liveIn[s]) {
      if (known[r] < 0 || state[r] < 0) consistent = false;
      else union(known[r], state[r]);
    }
  };
  if (instructions.length > 0) {
    const entry = new Int32Array(nregs).fill(-1);
    for (const r of liveIn[0]) entry[r] = r;
    flowInto(0, entry);
  }
  while (work.length > 0) {
    const i = work.pop() as number;
    const state = before[i] as Int32Array;
    for (const h of edges.caught[i]) flowInto(h, state);
    const after = state.slice();
    for (const r of use[i].writes) {
      const d = defOf(i, r);
      if (MAY_WRITE.has(instructions[i].ins.op) && state[r] >= 0) union(d, state[r]);
      after[r] = d;
    }
    for (const s of edges.flow[i]) flowInto(s, after);
  }
  if (!consistent) return undefined;
  const used = new Array<boolean>(owner.length).fill(false);
  for (const state of before) if (state) for (const v of state) if (v >= 0) used[v] = true;
  return { before, owner, used, find, defOf };
}

/**
 * Number mode, per value: no write gives it anything but a number (or a guarded value), no use
 * wants a box, and some use or write wants a number. Values moved into each other share a box.
 * A value some write gives unchecked (a call's result, a list's item, an argument) is kept as a
 * number only when some use wants one: where it is only passed on, the guard would buy nothing,
 * and fail wherever the value is a list on one path and a number on another.
 */
function classify(
  instructions: Instruction[],
  f: FunctionProto,
  use: { reads: number[]; writes: number[] }[],
  values: Values,
  constantAt: (k: number) => number | string,
): { numeric: boolean[] } {
  const n = values.owner.length;
  const boxed = new Array<boolean>(n).fill(false);
  const wanted = new Array<boolean>(n).fill(false);
  const usedAsNumber = new Array<boolean>(n).fill(false);
  const unchecked = new Array<boolean>(n).fill(false);
  const { find } = values;
  for (let r = 0; r < values.owner.length && r < f.nregs; r++) unchecked[find(r)] = true;
  const caughtIn = new Set(f.handlers.map((h) => h.reg));
  for (let v = 0; v < n; v++) if (caughtIn.has(values.owner[v])) boxed[find(v)] = true;
  const moves: [number, number][] = [];
  instructions.forEach(({ ins }, i) => {
    const state = values.before[i];
    if (!state) return;
    const at = (r: number) => (state[r] >= 0 ? find(state[r]) : -1);
    for (const r of boxedUses(ins)) if (at(r) >= 0) boxed[at(r)] = true;
    if (NUMERIC_USE.has(ins.op))
      for (const r of use[i].reads)
        if (at(r) >= 0) {
          wanted[at(r)] = true;
          usedAsNumber[at(r)] = true;
        }
    for (const r of use[i].writes) {
      const d = find(values.defOf(i, r));
      if (ins.op === "MOVE" || ins.op === "GETR" || ins.op === "SETR") {
        const from = ins.op === "SETR" ? ins.operands[0] : ins.operands[1];
        if (at(from) >= 0) moves.push([at(from), d]);
        continue;
      }
      const loop = (ins.op === "FORLOOP" || ins.op === "FORLOOP1") && r === ins.operands[0];
      if (NUMBER_RESULT.has(ins.op) || loop) wanted[d] = true;
      else if (ins.op === "LOADK") {
        if (typeof constantAt(ins.operands[1]) !== "number") boxed[d] = true;
      } else if (!GUARDED_RESULT.has(ins.op)) boxed[d] = true;
      else unchecked[d] = true;
    }
  });
  // a box moved into a register makes the value there a box too
  let changed = true;
  while (changed) {
    changed = false;
    for (const [from, to] of moves)
      if (boxed[from] && !boxed[to]) {
        boxed[to] = true;
        changed = true;
      }
  }
  const numeric = boxed.map((b, v) => !b && wanted[v] && (usedAsNumber[v] || !unchecked[v]));
  // a value moved from one kept in memory is unchecked too
  changed = true;
  while (changed) {
    changed = false;
    for (const [from, to] of moves)
      if (!numeric[from] && numeric[to] && !usedAsNumber[to]) {
        numeric[to] = false;
        changed = true;
      }
  }
  return { numeric };
}

/** Registers live on entry to each instruction (backward data flow; what a handler reads is live in its whole range). */
function liveness(edges: Edges, use: { reads: number[]; writes: number[] }[]): Set<number>[] {
  const n = use.length;
  const live: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      const out = new Set<number>();
      for (const s of edges.flow[i]) for (const r of live[s]) out.add(r);
      for (const r of use[i].writes) if (!use[i].reads.includes(r)) out.delete(r);
      for (const r of use[i].reads) out.add(r);
      // an instruction that raises does not write: the handler sees the registers as they were
      for (const h of edges.caught[i]) for (const r of live[h]) out.add(r);
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
