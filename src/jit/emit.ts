// Emits one function's bytecode as a WebAssembly function `(frame, entry) -> kind` with binaryen.
//
// The compiled function works on the frame the interpreter made: its registers in the core's
// memory, its frame record, the running fiber's frame stack. Registers the analysis found numeric
// live unboxed in f64 locals (any value's bits fit one, so loading and storing them is exact;
// a number's NaN is made canonical where it enters, see canonical); every other register is read
// and written in memory. Wherever the code stops early it goes through one exit block that writes the locals back, stores the frame's pc and the budget's fuel,
// and returns why it stopped (the K_ kinds of assembly/vm/jit-entry.ts), so the interpreter
// continues at that instruction with what it would have had.

import { BUILTIN_ID } from "../bytecode/builtin-table.js";
import type { FunctionProto } from "../bytecode/module.js";
import { TYPE_CODES } from "../bytecode/opcode-table.js";
import * as L from "../runtime/heap-layout.generated.js";
import { effects, type FunctionShape, type Instruction } from "./analysis.js";
import type { Binaryen } from "./binaryen-loader.js";
import { type InlineCallee, leafInstructions } from "./inline.js";
import { BODY, ENTRY } from "./module-exports.js";

type Module = InstanceType<Binaryen["Module"]>;
type Expr = number;

// the body's parameters: the frame, the entry, the fuel, then one per parameter of the function
const FR = 0;
const ENTRY_ID = 1;
const FUEL = 2;
const FIRST_ARG = 3;

/** The scratch locals, after the parameters. */
const SCRATCH = [
  ["BASE", "i32"],
  ["KIND", "i32"],
  ["AT", "i32"],
  ["OSR", "i32"],
  ["T1", "i64"],
  ["T2", "i64"],
  ["P", "i32"],
  ["Q", "i32"],
  ["F1", "f64"],
  ["NF", "i32"],
  ["PROTO", "i32"],
  ["COND", "i32"],
  ["KBASE", "i32"],
  ["LABEL", "i32"],
  // the loop header a frame joining compiled code is on its way to, plus one (see loopDispatch)
  ["OSRAT", "i32"],
  // a number just computed, on its way to its register (see setNumber)
  ["OUT", "f64"],
  // what a body called returns
  ["RESULT", "pair"],
] as const;
type ScratchName = (typeof SCRATCH)[number][0];

const SQRT = BUILTIN_ID.get("sqrt");
const ABS = BUILTIN_ID.get("abs");
const FLOOR = BUILTIN_ID.get("floor");
const CEIL = BUILTIN_ID.get("ceil");
const LEN = BUILTIN_ID.get("len");

/** The core's paths for compiled code that never allocate (calls use jitCallee, which is not here). */
const NEVER_ALLOCATE = new Set(["jitLess", "jitEqual", "jitSafePoint"]);

const ARITH_OP: Record<string, number> = { ADD: L.OPS_ADD, SUB: L.OPS_SUB, MUL: L.OPS_MUL, DIV: L.OPS_DIV, MOD: L.OPS_MOD, POW: L.OPS_POW };

/** What the core gives compiled code: name, parameter types, result type. */
export const CORE_FUNCTIONS: readonly [string, ("i32" | "i64")[], "i32" | "i64"][] = [
  ["jitArith", ["i32", "i64", "i64"], "i64"],
  ["jitLess", ["i64", "i64", "i32"], "i32"],
  ["jitEqual", ["i64", "i64"], "i32"],
  ["jitGetIndex", ["i64", "i64"], "i64"],
  ["jitSetIndex", ["i64", "i64", "i64"], "i32"],
  ["jitGetField", ["i64", "i32"], "i64"],
  ["jitSetField", ["i64", "i32", "i64"], "i32"],
  ["jitBuiltin", ["i32", "i32", "i32"], "i64"],
  ["jitConcat", ["i32", "i32", "i32"], "i64"],
  ["jitNewList", ["i32", "i32"], "i64"],
  ["jitIterPrep", ["i32", "i32"], "i32"],
  ["jitIterNext", ["i32", "i32", "i32"], "i32"],
  ["jitSafePoint", ["i32", "i32"], "i32"],
  ["jitCallee", ["i32"], "i32"],
];
export const CORE_GLOBALS: readonly [string, "i32" | "i64"][] = [
  ["fuel", "i64"],
  ["frameCount", "i32"],
  ["frames", "i32"],
  ["frameEnd", "i32"],
  ["regsEnd", "i32"],
  ["globalsBase", "i32"],
  ["protos", "i32"],
  ["regionDepth", "i32"],
  ["collectRequested", "i32"],
  ["jitExitPc", "i32"],
];

const CANONICAL_NAN = 0x7ff8_0000_0000_0000n;
const SAFE_GO_ON = 0;
const SAFE_PAUSE = 1;

/** The body's parameters: the frame, the entry, the fuel, and each argument's bits as a double. */
export function bodyType(binaryen: Binaryen, nparams: number): number {
  return binaryen.createType([binaryen.i32, binaryen.i32, binaryen.i64, ...Array.from({ length: nparams }, () => binaryen.f64)]);
}

/** The body's results: the value (or STOPPED | kind) and the fuel. */
function bodyResult(binaryen: Binaryen): number {
  return binaryen.createType([binaryen.i64, binaryen.i64]);
}

/** Builds the module for one function; throws on anything it cannot express (the caller gives up on it). */
export function emitFunction(
  binaryen: Binaryen,
  f: FunctionProto,
  shape: FunctionShape,
  constantAt: (k: number) => number | string,
  inlines: readonly InlineCallee[] = [],
): Uint8Array {
  const m = new binaryen.Module();
  try {
    m.setFeatures(
      binaryen.Features.MVP |
        binaryen.Features.NontrappingFPToInt |
        binaryen.Features.MutableGlobals |
        binaryen.Features.SignExt |
        binaryen.Features.BulkMemory |
        binaryen.Features.Multivalue,
    );
    m.setMemory(0, -1, null, [], false, false, "mem");
    m.addMemoryImport("mem", "core", "memory");
    m.addTableImport("table", "core", "table");
    const emitter = new FunctionEmitter(binaryen, m, f, shape, constantAt, inlines);
    const body = emitter.body();
    const run = emitter.entryFromInterpreter();
    // only what the code uses is imported (a pass removing the rest took a seventh of the time)
    const type = (t: "i32" | "i64" | "f64" | "pair") =>
      t === "i32" ? binaryen.i32 : t === "i64" ? binaryen.i64 : t === "f64" ? binaryen.f64 : bodyResult(binaryen);
    for (const [name, t] of CORE_GLOBALS) if (emitter.used.has(name)) m.addGlobalImport(name, "core", name, type(t), true);
    for (const [name, params, result] of CORE_FUNCTIONS)
      if (emitter.used.has(name)) m.addFunctionImport(name, "core", name, binaryen.createType(params.map(type)), type(result));
    const vars = [...SCRATCH.map(([, t]) => type(t)), ...emitter.registerLocals().map(() => binaryen.f64), ...emitter.inlineLocals().map(() => binaryen.f64)];
    m.addFunction(BODY, bodyType(binaryen, f.nparams), bodyResult(binaryen), vars, body);
    m.addFunction(ENTRY, binaryen.createType([binaryen.i32, binaryen.i32]), binaryen.i32, [binaryen.i32, bodyResult(binaryen), binaryen.f64], run);
    m.addFunctionExport(ENTRY, ENTRY);
    m.addFunctionExport(BODY, BODY);
    // no optimising passes: the engine's optimising compiler does that work on the module anyway
    // (measured: the same speed at a quarter of the compile time)
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

class FunctionEmitter {
  private readonly local = new Map<number, number>();
  private readonly i32: number;
  private readonly i64: number;
  private readonly f64: number;
  private readonly none: number;
  private usesKbase = false;

  constructor(
    private readonly b: Binaryen,
    private readonly m: Module,
    private readonly f: FunctionProto,
    private readonly shape: FunctionShape,
    private readonly constantAt: (k: number) => number | string,
    inlines: readonly InlineCallee[] = [],
  ) {
    this.i32 = b.i32;
    this.i64 = b.i64;
    this.f64 = b.f64;
    this.none = b.none;
    const first = FIRST_ARG + f.nparams;
    const scratch = Object.fromEntries(SCRATCH.map(([name], k) => [name, first + k])) as Record<ScratchName, number>;
    this.BASE = scratch.BASE;
    this.FUEL = FUEL;
    this.RESULT = scratch.RESULT;
    this.KIND = scratch.KIND;
    this.AT = scratch.AT;
    this.OSR = scratch.OSR;
    this.T1 = scratch.T1;
    this.T2 = scratch.T2;
    this.P = scratch.P;
    this.Q = scratch.Q;
    this.F1 = scratch.F1;
    this.NF = scratch.NF;
    this.PROTO = scratch.PROTO;
    this.COND = scratch.COND;
    this.KBASE = scratch.KBASE;
    this.LABEL = scratch.LABEL;
    this.OSRAT = scratch.OSRAT;
    this.OUT = scratch.OUT;
    // a numeric parameter lives in the body's own parameter; other numeric registers after the scratch
    let next = first + SCRATCH.length;
    shape.numeric.forEach((n, r) => {
      if (n) this.local.set(r, r < f.nparams ? FIRST_ARG + r : next++);
    });
    // an inlined callee's registers: f64 locals of their own, after the function's
    for (const callee of inlines) {
      const constants = (k: number) => callee.constants[k] ?? "";
      const code = leafInstructions(callee.proto, constants);
      if (!code) continue;
      this.inlined.set(callee.global, { callee, code, constants, firstLocal: next });
      next += callee.proto.nregs;
    }
  }

  /** Leaf functions inlined at the calls through a global, by global (see inline.ts). */
  private readonly inlined = new Map<number, { callee: InlineCallee; code: Instruction[]; constants: (k: number) => number | string; firstLocal: number }>();

  /** The locals of inlined callees' registers, after registerLocals(). */
  inlineLocals(): number[] {
    return [...this.inlined.values()].flatMap(({ firstLocal, callee }) => Array.from({ length: callee.proto.nregs }, (_, k) => firstLocal + k));
  }

  private readonly BASE: number;
  private readonly FUEL: number;
  private readonly KIND: number;
  private readonly AT: number;
  private readonly OSR: number;
  private readonly T1: number;
  private readonly T2: number;
  private readonly P: number;
  private readonly Q: number;
  private readonly F1: number;
  private readonly NF: number;
  private readonly PROTO: number;
  private readonly COND: number;
  private readonly KBASE: number;
  private readonly LABEL: number;
  private readonly OSRAT: number;
  private readonly OUT: number;
  private readonly RESULT: number;

  /** The numeric registers that need a local past the parameters. */
  registerLocals(): number[] {
    return [...this.local.keys()].filter((r) => r >= this.f.nparams);
  }

  /** The core's functions and globals the code uses, which the module imports. */
  readonly used = new Set<string>();

  private callCore(name: string, args: Expr[], result: number): Expr {
    this.used.add(name);
    return this.m.call(name, args, result);
  }
  private globalGet(name: string, type: number): Expr {
    this.used.add(name);
    return this.m.global.get(name, type);
  }
  private globalSet(name: string, value: Expr): Expr {
    this.used.add(name);
    return this.m.global.set(name, value);
  }

  // ---- values and registers

  private int(x: number): Expr {
    return this.m.i32.const(x);
  }
  private word(x: bigint): Expr {
    return this.m.i64.const(x);
  }
  private get(i: number, t: number): Expr {
    return this.m.local.get(i, t);
  }
  private base(): Expr {
    return this.get(this.BASE, this.i32);
  }
  /**
   * The registers whose value before the instruction being emitted is in their local, and those
   * it writes into their local: a register may hold a number in one place and a list in another.
   */
  private here: ReadonlySet<number> = new Set();
  private defs: ReadonlySet<number> = new Set();
  /** The local of register r where it is read, when its value there is a number. */
  private readLocal(r: number): number | undefined {
    return this.here.has(r) ? this.local.get(r) : undefined;
  }
  /** The local of register r where it is written, when the value written is kept as a number. */
  private writeLocal(r: number): number | undefined {
    return this.defs.has(r) ? this.local.get(r) : undefined;
  }
  private isNumeric(r: number): boolean {
    return this.readLocal(r) !== undefined;
  }
  /** Whether the instruction being emitted writes R[r] into its local (a value that is no number there is a deopt). */
  private writesNumber(r: number): boolean {
    return this.writeLocal(r) !== undefined;
  }
  /** Register r as a double (a boxed register must hold a number, or the result is a NaN; see canonical). */
  private num(r: number): Expr {
    const l = this.readLocal(r);
    if (l !== undefined) return this.get(l, this.f64);
    const { m } = this;
    const x = () => this.get(this.OUT, this.f64);
    return m.block(null, [m.local.set(this.OUT, m.f64.load(r * 8, 8, this.base())), m.select(m.f64.eq(x(), x()), x(), this.canonicalNaN())], this.f64);
  }
  /** Register r's 64 bits. */
  private bits(r: number): Expr {
    const l = this.readLocal(r);
    return l !== undefined ? this.m.i64.reinterpret(this.get(l, this.f64)) : this.m.i64.load(r * 8, 8, this.base());
  }
  private isNumber(bits: Expr): Expr {
    return this.m.i64.lt_u(bits, this.word(L.TAG_BASE));
  }
  private canonicalNaN(): Expr {
    return this.m.f64.reinterpret(this.word(CANONICAL_NAN));
  }
  /**
   * Local l, just loaded, with a NaN that is a number made the canonical one (any other value's
   * bits kept, for the guard that follows). Arithmetic on a NaN keeps its payload and may flip its
   * sign, which could make it look like a tag; on canonical NaNs it gives only canonical ones, so
   * with every number canonical where it enters, no result needs a check.
   */
  private canonical(l: number): Expr {
    const { m } = this;
    const x = () => this.get(l, this.f64);
    const nanNumber = m.i32.and(m.f64.ne(x(), x()), this.isNumber(m.i64.reinterpret(x())));
    return m.local.set(l, m.select(nanNumber, this.canonicalNaN(), x()));
  }
  /** R[r] = a number computed here from canonical inputs (see canonical). */
  private setNumber(r: number, x: Expr): Expr {
    const l = this.writeLocal(r);
    return l !== undefined ? this.m.local.set(l, x) : this.m.f64.store(r * 8, 8, this.base(), x);
  }
  /** R[r] = a value; in a numeric register a value that is not a number hands the frame back after this instruction. */
  private setValue(r: number, v: Expr, next: number, canonicalAlready = false): Expr {
    const l = this.writeLocal(r);
    if (l === undefined) return this.m.i64.store(r * 8, 8, this.base(), v);
    return this.m.block(null, [
      this.m.local.set(this.T1, v),
      this.m.local.set(l, this.m.f64.reinterpret(this.get(this.T1, this.i64))),
      this.m.if(this.m.i32.eqz(this.isNumber(this.get(this.T1, this.i64))), this.exit(L.K_DEOPT, next)),
      canonicalAlready ? this.m.nop() : this.canonical(l),
    ]);
  }
  /**
   * A value's bits as a double, a number's NaN made the canonical one: what crosses between
   * bodies (arguments and results) is canonical, so the side that receives it need not check.
   */
  private canonicalBits(bits: Expr, temp = this.OUT): Expr {
    const { m } = this;
    const x = () => this.get(temp, this.f64);
    const nanNumber = m.i32.and(m.f64.ne(x(), x()), this.isNumber(m.i64.reinterpret(x())));
    return m.block(null, [m.local.set(temp, m.f64.reinterpret(bits)), m.select(nanNumber, this.canonicalNaN(), x())], this.f64);
  }
  private bool(c: Expr): Expr {
    return this.m.select(c, this.word(L.TRUE), this.word(L.FALSE));
  }
  private truthy(bits: Expr): Expr {
    // nil and false are the only falsy values, and they differ in their lowest bit only
    return this.m.i64.ne(this.m.i64.or(bits, this.word(1n)), this.word(L.FALSE));
  }
  /** Writes back registers from..to-1 that hold a number in their local before the instruction being emitted. */
  private flush(from: number, to: number): Expr[] {
    return this.flushOnly(Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k));
  }
  /** Writes back the registers among `regs` that hold a number in their local before the instruction being emitted (the others are in memory already). */
  private flushOnly(regs: Iterable<number>): Expr[] {
    const out: Expr[] = [];
    for (const r of new Set(regs)) {
      const l = this.readLocal(r);
      if (l !== undefined) out.push(this.m.f64.store(r * 8, 8, this.base(), this.get(l, this.f64)));
    }
    return out;
  }
  /**
   * Writes back, wherever the code stops, the registers whose every value is a number: their
   * local holds the register's value wherever it is live. The others (mixed) are written back
   * by each stop, where it knows whether the local holds the value (stopAt).
   */
  private flushNumericOnly(): Expr[] {
    const out: Expr[] = [];
    for (const [r, l] of this.local) if (!this.shape.mixed[r]) out.push(this.m.f64.store(r * 8, 8, this.base(), this.get(l, this.f64)));
    return out;
  }
  /** Writes back the mixed registers holding a number in their local at instruction `at`. */
  private flushMixedAt(at: number): Expr[] {
    const out: Expr[] = [];
    for (const r of this.shape.numericIn.get(at) ?? []) {
      const l = this.local.get(r);
      if (this.shape.mixed[r] && l !== undefined) out.push(this.m.f64.store(r * 8, 8, this.base(), this.get(l, this.f64)));
    }
    return out;
  }
  private pcAt(offset: number): Expr {
    return this.m.i32.add(this.code(), this.int(offset * 4));
  }
  /** The address of the function's code, read where only a stop needs it. */
  private code(): Expr {
    return this.m.i32.load(L.P_CODE, 4, this.get(this.PROTO, this.i32));
  }
  private kbase(): Expr {
    this.usesKbase = true;
    return this.get(this.KBASE, this.i32);
  }

  /**
   * Stops: the interpreter continues at word `at` (for a fault: the fault of instruction `faultAt`),
   * with the registers as they are before the instruction at `stateAt`.
   */
  private exit(kind: number, at: number, faultAt?: number, stateAt = faultAt ?? at): Expr {
    const parts = [...this.flushMixedAt(stateAt), this.m.local.set(this.KIND, this.int(kind)), this.m.local.set(this.AT, this.int(at))];
    if (faultAt !== undefined) parts.push(this.globalSet("jitExitPc", this.pcAt(faultAt)));
    parts.push(this.m.br("exit"));
    return this.m.block(null, parts);
  }
  private faultIf(failed: Expr, ins: Instruction): Expr {
    return this.m.if(failed, this.exit(L.K_FAULT, ins.next, ins.at));
  }

  // ---- the function

  body(): Expr {
    const { m, shape } = this;
    const relooper = new this.b.Relooper(m);
    const blocks = new Map<number, number>();
    const code = new Map<number, Expr[]>();
    for (const s of shape.blockStarts) code.set(s, []);
    // instructions, grouped into their basic blocks
    let current = 0;
    let open = true;
    const ends = new Map<number, Instruction>();
    for (const ins of shape.instructions) {
      if (code.has(ins.at)) {
        current = ins.at;
        open = true;
        this.immediates.clear();
      }
      if (!open) continue;
      const { expr, stops } = this.instruction(ins);
      this.noteImmediates(ins);
      (code.get(current) as Expr[]).push(expr);
      ends.set(current, ins);
      if (stops) open = false;
    }
    for (const s of shape.blockStarts) blocks.set(s, relooper.addBlock(m.block(null, code.get(s) as Expr[])));
    const { targets, outermost } = this.loopDispatch(relooper, blocks);
    for (const s of shape.blockStarts) this.branches(relooper, blocks, targets, s, ends.get(s) as Instruction);
    // the entry: 0 starts the function, w + 1 joins the loop at header w
    const entry = relooper.addBlockWithSwitch(m.nop(), this.get(ENTRY_ID, this.i32));
    const start = targets.get(0) as number;
    relooper.addBranchForSwitch(entry, start, [0], m.block(null, this.entryGuards()));
    for (const h of shape.loopHeaders) {
      // its own block on the way: a loop whose header starts the function is the call's target too
      const join = relooper.addBlock(m.nop());
      relooper.addBranchForSwitch(entry, join, [h + 1], m.block(null, [...this.joiningMixedLoads(h), ...this.osrGuards(h)]));
      relooper.addBranch(join, targets.get(outermost.get(h) as number) as number, 0, m.local.set(this.OSRAT, this.int(h + 1)));
    }
    const refuse = relooper.addBlock(this.give(this.stopped(this.int(L.K_NOT_ENTERED))));
    relooper.addBranchForSwitch(entry, refuse, [], m.nop());
    const flow = relooper.renderAndDispose(entry, this.LABEL);
    const prologue = [
      m.local.set(this.BASE, m.i32.load(L.FR_BASE, 4, this.get(FR, this.i32))),
      m.local.set(this.PROTO, m.i32.load(L.FR_PROTO, 4, this.get(FR, this.i32))),
      m.local.set(this.OSR, m.i32.ne(this.get(ENTRY_ID, this.i32), this.int(0))),
    ];
    if (this.usesKbase) prologue.push(m.local.set(this.KBASE, m.i32.load(L.P_KBASE, 4, this.get(this.PROTO, this.i32))));
    prologue.push(m.if(this.get(this.OSR, this.i32), m.block(null, this.joiningLoads()), m.block(null, this.callLoads())));
    return m.block(
      null,
      [
        ...prologue,
        m.block("exit", [flow]),
        ...this.flushNumericOnly(),
        this.countFrames(m.i32.add(this.frameIndex(this.get(FR, this.i32)), this.int(1))),
        m.i32.store(L.FR_PC, 4, this.get(FR, this.i32), m.i32.add(this.code(), m.i32.shl(this.get(this.AT, this.i32), this.int(2)))),
        this.globalSet("fuel", this.get(this.FUEL, this.i64)),
        this.give(this.stopped(this.get(this.KIND, this.i32))),
      ],
      bodyResult(this.b),
    );
  }

  /** Registers known, within the block being emitted, to hold nil, true or false (their bits). */
  private readonly immediates = new Map<number, bigint>();

  private noteImmediates({ ins }: Instruction): void {
    const loaded = ins.op === "LOADNIL" ? L.NIL : ins.op === "LOADTRUE" ? L.TRUE : ins.op === "LOADFALSE" ? L.FALSE : undefined;
    for (const r of effects(ins, this.f.nregs, this.f.nparams).writes) this.immediates.delete(r);
    if (loaded !== undefined) this.immediates.set(ins.operands[0], loaded);
  }

  /** The depth of frame record `fr` less one. */
  private frameIndex(fr: Expr): Expr {
    return this.m.i32.div_u(this.m.i32.sub(fr, this.globalGet("frames", this.i32)), this.int(L.FRAME_SIZE));
  }

  /**
   * Sets the core's frame count. Compiled code pushes and pops frame records without counting
   * them: the count is made right where the interpreter or the collector looks at it (at a stop,
   * a return to the interpreter, a safe point).
   */
  private countFrames(n: Expr): Expr {
    return this.globalSet("frameCount", n);
  }

  /** Returns from the body: a value (or a stop) and the fuel. */
  private give(value: Expr): Expr {
    return this.m.return(this.m.tuple.make([value, this.get(this.FUEL, this.i64)]));
  }

  /** What the body returns when it stops before returning: STOPPED with the kind (see assembly/vm/jit-entry.ts). */
  private stopped(kind: Expr): Expr {
    return this.m.i64.or(this.word(L.STOPPED), this.m.i64.extend_u(kind));
  }

  private loadRegister(r: number, l: number): Expr {
    return this.m.block(null, [this.m.local.set(l, this.m.f64.load(r * 8, 8, this.base())), this.canonical(l)]);
  }

  /** Joining a loop: every register whose values are all numbers, from the frame's memory. */
  private joiningLoads(): Expr[] {
    return [...this.local].filter(([r]) => !this.shape.mixed[r]).map(([r, l]) => this.loadRegister(r, l));
  }

  /** Joining the loop at `header`: the mixed registers holding a number there. */
  private joiningMixedLoads(header: number): Expr[] {
    return [...(this.shape.numericIn.get(header) ?? [])].filter((r) => this.shape.mixed[r]).map((r) => this.loadRegister(r, this.local.get(r) as number));
  }

  /**
   * Starting the function: the arguments come as parameters, canonical. A numeric one stays in
   * its parameter (guarded in entryGuards when read); any other goes to its register in memory,
   * where the collector sees it. Numeric registers past the parameters that the code
   * reads before writing come from memory.
   */
  private callLoads(): Expr[] {
    const { m } = this;
    const out: Expr[] = [];
    const numericAtEntry = new Set(this.shape.liveAtEntry);
    for (let r = 0; r < this.f.nparams; r++) {
      if (!numericAtEntry.has(r)) out.push(m.f64.store(r * 8, 8, this.base(), this.get(FIRST_ARG + r, this.f64)));
    }
    for (const r of this.shape.liveAtEntry) if (r >= this.f.nparams) out.push(this.loadRegister(r, this.local.get(r) as number));
    return out;
  }

  /**
   * The module's entry from the interpreter, `(frame, entry) -> kind`: the body with the
   * arguments from the frame's registers, its value stored in the caller's register.
   */
  entryFromInterpreter(): Expr {
    const { m } = this;
    const fr = () => this.get(0, this.i32);
    const base = () => this.get(2, this.i32);
    const result = (k: number) => m.tuple.extract(this.get(3, bodyResult(this.b)), k);
    const args = Array.from({ length: this.f.nparams }, (_, r) => this.canonicalBits(m.i64.load(r * 8, 8, base()), 4));
    return m.block(
      null,
      [
        m.local.set(2, m.i32.load(L.FR_BASE, 4, fr())),
        m.local.set(3, m.call(BODY, [fr(), this.get(1, this.i32), this.globalGet("fuel", this.i64), ...args], bodyResult(this.b))),
        m.if(m.i64.ge_u(result(0), this.word(L.STOPPED)), m.return(m.i32.wrap(result(0)))),
        this.globalSet("fuel", result(1)),
        this.countFrames(this.frameIndex(fr())),
        m.i64.store(0, 8, m.i32.sub(base(), this.int(8)), result(0)),
        m.return(this.int(L.K_RETURNED)),
      ],
      this.i32,
    );
  }

  /** Starting the function: every numeric register it reads before writing must hold a number, else it runs interpreted. */
  private entryGuards(): Expr[] {
    const local = (r: number) => this.get(this.local.get(r) as number, this.f64);
    return this.shape.liveAtEntry.map((r) => this.m.if(this.m.i32.eqz(this.isNumber(this.m.i64.reinterpret(local(r)))), this.exit(L.K_DEOPT, 0)));
  }

  /** Joining a loop: every numeric register live there must hold a number, else the frame stays interpreted. */
  private osrGuards(header: number): Expr[] {
    const local = (r: number) => this.get(this.local.get(r) as number, this.f64);
    return (this.shape.liveAtHeader.get(header) ?? []).map((r) =>
      this.m.if(this.m.i32.eqz(this.isNumber(this.m.i64.reinterpret(local(r)))), this.give(this.stopped(this.int(L.K_NOT_ENTERED)))),
    );
  }

  /**
   * Joining a loop from the interpreter enters at its header; entering an inner loop's header
   * straight from the function's entry would give the inner loop two ways in from outside the
   * outer one, and the Relooper would then run every loop through a label variable. So a join
   * goes to the header of the outermost loop around its target, where a dispatch block (before
   * each header with loops inside) passes it on, loop by loop, to its own header (OSRAT). Every
   * jump to such a header goes through its dispatch, which an ordinary entry passes straight.
   * Returns the block each jump to an address targets, and each header's outermost loop header.
   */
  private loopDispatch(
    relooper: InstanceType<Binaryen["Relooper"]>,
    blocks: Map<number, number>,
  ): { targets: Map<number, number>; outermost: Map<number, number> } {
    const { m, shape } = this;
    // a loop is its header up to its last backward jump to it
    const latch = new Map<number, number>();
    for (const i of shape.instructions) {
      const t = jumpOf(i);
      if (t !== undefined && t <= i.at) latch.set(t, Math.max(latch.get(t) ?? t, i.at));
    }
    const inside = (outer: number, h: number) => h !== outer && h > outer && h <= (latch.get(outer) ?? outer);
    const nested = new Map(shape.loopHeaders.map((h) => [h, shape.loopHeaders.filter((g) => inside(h, g))]));
    const outermost = new Map(shape.loopHeaders.map((h) => [h, shape.loopHeaders.find((g) => g === h || inside(g, h)) as number]));
    const targets = new Map(blocks);
    const dispatch = new Map<number, number>();
    for (const h of shape.loopHeaders) {
      if ((nested.get(h) as number[]).length === 0) continue;
      const d = relooper.addBlock(m.nop());
      dispatch.set(h, d);
      targets.set(h, d);
    }
    const osrAt = () => this.get(this.OSRAT, this.i32);
    for (const [h, d] of dispatch) {
      const inner = nested.get(h) as number[];
      // the loops directly inside: each takes the joins for itself and the loops inside it
      const direct = inner.filter((g) => !inner.some((o) => inside(o, g)));
      for (const g of direct) {
        const mine = [g, ...(nested.get(g) as number[])];
        const wanted = mine.map((w) => m.i32.eq(osrAt(), this.int(w + 1))).reduce((x, y) => m.i32.or(x, y));
        const own = dispatch.get(g);
        relooper.addBranch(d, own ?? (blocks.get(g) as number), wanted, own === undefined ? m.local.set(this.OSRAT, this.int(0)) : m.nop());
      }
      relooper.addBranch(d, blocks.get(h) as number, 0, m.local.set(this.OSRAT, this.int(0)));
    }
    return { targets, outermost };
  }

  private branches(
    relooper: InstanceType<Binaryen["Relooper"]>,
    blocks: Map<number, number>,
    targets: Map<number, number>,
    start: number,
    last: Instruction,
  ): void {
    const { m } = this;
    const from = blocks.get(start) as number;
    const { ins, at, next } = last;
    const fallthrough = targets.get(next);
    const target = jumpOf(last);
    const to = target === undefined ? undefined : targets.get(target);
    const edge = (t: number) => (t <= at ? this.backEdge(at, t, ins.op === "JMP" ? ins.operands[0] : (ins.ext as number)) : m.nop());
    switch (ins.op) {
      case "JMP":
        relooper.addBranch(from, to as number, 0, edge(target as number));
        return;
      case "RETURN":
      case "RETURNNIL":
      case "THROW":
      case "FAIL":
        return;
    }
    if (to !== undefined && this.conditional(ins.op)) {
      // a jump to the next instruction goes there either way (the Relooper takes one branch per pair of blocks)
      if (to === fallthrough) {
        relooper.addBranch(from, to, 0, edge(target as number));
        return;
      }
      relooper.addBranch(from, to, this.get(this.COND, this.i32), edge(target as number));
      if (fallthrough !== undefined) relooper.addBranch(from, fallthrough, 0, m.nop());
      return;
    }
    if (fallthrough !== undefined) relooper.addBranch(from, fallthrough, 0, m.nop());
  }

  private conditional(op: string): boolean {
    return jumping.has(op);
  }

  /** A loop's back edge: spends the budget by the jump's length, with a safe point when it runs out. */
  private backEdge(at: number, target: number, offset: number): Expr {
    const { m } = this;
    const spent = m.i64.lt_s(this.get(this.FUEL, this.i64), this.word(0n));
    return m.block(null, [
      m.local.set(this.FUEL, m.i64.add(this.get(this.FUEL, this.i64), this.word(BigInt(offset)))),
      m.if(
        this.mayAllocate() ? m.i32.or(spent, this.globalGet("collectRequested", this.i32)) : spent,
        this.safePoint(this.get(FR, this.i32), this.pcAt(target), target, at),
      ),
    ]);
  }

  /**
   * Whether the function's code can allocate: a call, or a core path that may. A collection is
   * requested only by an allocation, and one requested before the function ran was served at the
   * safe point of its call (or of the loop it joined), so the back edges of a function that cannot
   * allocate need not look for one. Known once every instruction is emitted, as back edges are.
   */
  private mayAllocate(): boolean {
    return [...this.used].some((name) => name.startsWith("jit") && !NEVER_ALLOCATE.has(name));
  }

  /** Runs the core's safe point for frame `frame` at `pc`: on its way, paused, or failed (4001, 4002). */
  private safePoint(frame: Expr, pc: Expr, resumeAt: number, faultAt: number): Expr {
    const { m } = this;
    return m.block(null, [
      this.globalSet("fuel", this.get(this.FUEL, this.i64)),
      m.local.set(this.Q, this.callCore("jitSafePoint", [frame, pc], this.i32)),
      m.local.set(this.FUEL, this.globalGet("fuel", this.i64)),
      m.if(
        m.i32.ne(this.get(this.Q, this.i32), this.int(SAFE_GO_ON)),
        m.if(m.i32.eq(this.get(this.Q, this.i32), this.int(SAFE_PAUSE)), this.exit(L.K_PAUSED, resumeAt), this.exit(L.K_FAULT, resumeAt, faultAt, resumeAt)),
      ),
    ]);
  }

  // ---- instructions

  /** The code of one instruction; `stops` when nothing after it in its block can run. */
  private instruction(i: Instruction): { expr: Expr; stops: boolean } {
    const { m } = this;
    const { ins, at, next } = i;
    const o = ins.operands;
    this.here = this.shape.numericIn.get(at) ?? new Set();
    this.defs = this.shape.numericDefs.get(at) ?? new Set();
    const handOver = () => ({ expr: this.exit(L.K_EXIT, at), stops: true });
    const done = (expr: Expr) => ({ expr, stops: false });
    switch (ins.op) {
      case "NOP":
        return done(m.nop());
      case "MOVE":
      case "GETR":
        return done(this.copy(o[0], o[1], next));
      case "SETR":
        return done(this.copy(o[1], o[0], next));
      case "LOADK": {
        const c = this.constantAt(o[1]);
        if (typeof c === "number") return done(this.setNumber(o[0], m.f64.const(c)));
        return done(this.setValue(o[0], m.i64.load(o[1] * 8, 8, this.kbase()), next));
      }
      case "LOADI":
        return done(this.setNumber(o[0], m.f64.const(o[1])));
      case "LOADNIL":
        return done(this.setValue(o[0], this.word(L.NIL), next));
      case "LOADTRUE":
        return done(this.setValue(o[0], this.word(L.TRUE), next));
      case "LOADFALSE":
        return done(this.setValue(o[0], this.word(L.FALSE), next));
      case "GETGLOBAL":
      case "GETGLOBALX": {
        const g = ins.op === "GETGLOBAL" ? o[1] : (ins.ext as number);
        return done(this.setValue(o[0], m.i64.load(0, 8, this.globalAddress(g)), next));
      }
      case "SETGLOBAL":
      case "SETGLOBALX": {
        const g = ins.op === "SETGLOBAL" ? o[1] : (ins.ext as number);
        return done(m.i64.store(0, 8, this.globalAddress(g), this.bits(o[0])));
      }
      case "GETCAP": {
        const closure = m.i32.load(L.FR_CLOSURE, 4, this.get(FR, this.i32));
        const box = m.i32.load(L.CLO_CAPS + o[1] * 4, 4, closure);
        return done(this.setValue(o[0], m.i64.load(L.BOX_VALUE, 8, box), next));
      }
      case "ADD":
      case "SUB":
      case "MUL":
      case "DIV":
        return done(this.arithmetic(i, ins.op, o[0], o[1], o[2]));
      case "ADDI":
        return done(this.arithmetic(i, "ADD", o[0], o[1], undefined, o[2]));
      case "MOD":
      case "POW":
        return done(this.helperResult(i, o[0], this.callCore("jitArith", [this.int(ARITH_OP[ins.op]), this.bits(o[1]), this.bits(o[2])], this.i64)));
      case "NEG":
        return this.negate(i);
      case "NOT":
        return done(this.setValue(o[0], this.bool(m.i32.eqz(this.isNumeric(o[1]) ? this.int(1) : this.truthy(this.bits(o[1])))), next));
      case "EQ":
      case "NE":
        return done(this.setValue(o[0], this.bool(this.equality(ins.op === "EQ", o[1], o[2])), next));
      case "LT":
      case "LE":
        return done(m.block(null, [this.compare(i, ins.op === "LE", o[1], o[2]), this.setValue(o[0], this.bool(this.get(this.COND, this.i32)), next)]));
      case "JMP":
        return { expr: m.nop(), stops: true };
      case "JMPIF":
      case "JMPIFNOT": {
        const t = this.isNumeric(o[0]) ? this.int(1) : this.truthy(this.bits(o[0]));
        return { expr: m.local.set(this.COND, ins.op === "JMPIF" ? t : m.i32.eqz(t)), stops: true };
      }
      case "JNLT":
      case "JNLE":
        return {
          expr: m.block(null, [this.compare(i, ins.op === "JNLE", o[0], o[1]), m.local.set(this.COND, m.i32.eqz(this.get(this.COND, this.i32)))]),
          stops: true,
        };
      case "JEQ":
      case "JNE": {
        const eq = this.equality(true, o[0], o[1]);
        return { expr: m.local.set(this.COND, ins.op === "JEQ" ? eq : m.i32.eqz(eq)), stops: true };
      }
      case "JNLTI":
      case "JNLEI":
      case "JNGTI":
      case "JNGEI":
        return { expr: this.compareImmediate(i), stops: true };
      case "JGIVEN":
        return { expr: m.local.set(this.COND, m.i64.ne(this.bits(o[0]), this.word(L.MISSING))), stops: true };
      case "CALL":
      case "CALLG": {
        const leaf = ins.op === "CALLG" ? this.inlined.get(ins.ext as number) : undefined;
        return done(leaf && leaf.callee.proto.nparams === o[1] ? this.inlineCall(i, leaf) : this.call(i));
      }
      case "CALLB":
        return done(this.builtin(i));
      case "RETURN":
      case "RETURNNIL":
        return { expr: this.return(i), stops: true };
      case "NEWLIST":
        return done(
          m.block(null, [
            ...this.flush(o[1], o[1] + o[2]),
            m.local.set(this.T2, this.callCore("jitNewList", [m.i32.add(this.base(), this.int(o[1] * 8)), this.int(o[2])], this.i64)),
            this.faultIf(m.i64.eq(this.get(this.T2, this.i64), this.word(L.FAULTED)), i),
            this.setValue(o[0], this.get(this.T2, this.i64), next),
          ]),
        );
      case "CONCAT":
        return done(
          m.block(null, [
            ...this.flush(o[1], o[1] + o[2]),
            m.local.set(this.T2, this.callCore("jitConcat", [this.base(), this.int(o[1]), this.int(o[2])], this.i64)),
            this.faultIf(m.i64.eq(this.get(this.T2, this.i64), this.word(L.FAULTED)), i),
            this.setValue(o[0], this.get(this.T2, this.i64), next),
          ]),
        );
      case "GETINDEX":
        return done(this.getIndex(i, o[0], o[1], { register: o[2] }));
      case "GETINDEXI":
        return done(this.getIndex(i, o[0], o[1], { constant: o[2] }));
      case "SETINDEX":
        return done(this.setIndex(i));
      case "GETFIELD":
        return done(this.getField(i));
      case "SETFIELD":
        return done(this.setField(i));
      case "CHECKTYPE":
        return this.checkType(i);
      case "FORPREP":
        return { expr: this.forPrep(i), stops: true };
      case "FORLOOP":
        return { expr: this.forLoop(o[0], o[1] === 1), stops: true };
      case "FORLOOP1":
        return {
          expr: m.block(null, [
            this.setNumber(o[0], m.f64.add(this.num(o[0]), m.f64.const(1))),
            m.local.set(this.COND, m.f64.lt(this.num(o[0]), this.num(o[0] + 1))),
          ]),
          stops: true,
        };
      case "ITERPREP":
        return done(m.if(m.i32.eqz(this.callCore("jitIterPrep", [this.base(), this.int(o[0])], this.i32)), this.exit(L.K_EXIT, at)));
      case "ITERNEXT":
        return {
          expr: m.block(null, [
            m.local.set(this.Q, this.callCore("jitIterNext", [this.base(), this.int(o[0]), this.int(o[1])], this.i32)),
            this.faultIf(m.i32.eq(this.get(this.Q, this.i32), this.int(-1)), i),
            m.if(m.i32.eq(this.get(this.Q, this.i32), this.int(-2)), this.exit(L.K_EXIT, at)),
            m.local.set(this.COND, m.i32.eqz(this.get(this.Q, this.i32))),
          ]),
          stops: true,
        };
    }
    return handOver();
  }

  private globalAddress(g: number): Expr {
    return this.m.i32.add(this.globalGet("globalsBase", this.i32), this.int(g * 8));
  }

  private constantPointer(k: number): Expr {
    return this.m.i32.wrap(this.m.i64.load(k * 8, 8, this.kbase()));
  }

  private copy(to: number, from: number, next: number): Expr {
    const lt = this.writeLocal(to);
    const lf = this.readLocal(from);
    if (lt !== undefined && lf !== undefined) return this.m.local.set(lt, this.get(lf, this.f64));
    return this.setValue(to, this.bits(from), next);
  }

  /** A helper's result into R[a]: FAULTED hands the fault to the interpreter. */
  private helperResult(i: Instruction, a: number, call: Expr): Expr {
    const { m } = this;
    return m.block(null, [
      m.local.set(this.T2, call),
      this.faultIf(m.i64.eq(this.get(this.T2, this.i64), this.word(L.FAULTED)), i),
      this.setValue(a, this.get(this.T2, this.i64), i.next),
    ]);
  }

  private arithmetic(i: Instruction, op: string, a: number, x: number, y: number | undefined, immediate = 0): Expr {
    const { m } = this;
    const left = this.num(x);
    const right = y === undefined ? m.f64.const(immediate) : this.num(y);
    const result =
      op === "ADD" ? m.f64.add(left, right) : op === "SUB" ? m.f64.sub(left, right) : op === "MUL" ? m.f64.mul(left, right) : m.f64.div(left, right);
    const sure = this.isNumeric(x) && (y === undefined || this.isNumeric(y));
    if (sure && op !== "DIV") return this.setNumber(a, result);
    // a NaN result, or a division by zero, needs a closer look: operands that are not numbers, or 3001
    const both = y === undefined ? this.isNumber(this.bits(x)) : m.i32.and(this.isNumber(this.bits(x)), this.isNumber(this.bits(y)));
    const zero = () => (op === "DIV" ? m.f64.eq(this.num(y as number), m.f64.const(0)) : this.int(0));
    const plain = m.i32.and(both, m.i32.eqz(zero()));
    const right64 = y === undefined ? this.word(doubleBits(immediate)) : this.bits(y);
    const slow = this.writesNumber(a)
      ? this.exit(L.K_DEOPT, i.at)
      : this.helperResult(i, a, this.callCore("jitArith", [this.int(ARITH_OP[op]), this.bits(x), right64], this.i64));
    return m.block(null, [
      m.local.set(this.F1, result),
      m.if(
        m.i32.or(m.f64.ne(this.get(this.F1, this.f64), this.get(this.F1, this.f64)), zero()),
        m.if(plain, this.setNumber(a, this.get(this.F1, this.f64)), slow),
        this.setNumber(a, this.get(this.F1, this.f64)),
      ),
    ]);
  }

  private negate(i: Instruction): { expr: Expr; stops: boolean } {
    const { m } = this;
    const [a, x] = i.ins.operands;
    if (this.isNumeric(x)) return { expr: this.setNumber(a, m.f64.neg(this.num(x))), stops: false };
    return {
      expr: m.if(this.isNumber(this.bits(x)), this.setNumber(a, m.f64.neg(this.num(x))), this.exit(this.writesNumber(a) ? L.K_DEOPT : L.K_EXIT, i.at)),
      stops: false,
    };
  }

  private equality(eq: boolean, x: number, y: number): Expr {
    const { m } = this;
    // nil and the booleans equal only themselves
    const immediate = this.immediates.has(x) || this.immediates.has(y);
    const same =
      this.isNumeric(x) && this.isNumeric(y)
        ? m.f64.eq(this.num(x), this.num(y))
        : immediate
          ? m.i64.eq(this.bits(x), this.bits(y))
          : this.valuesEqual(this.bits(x), this.bits(y));
    return eq ? same : m.i32.eqz(same);
  }

  /**
   * The core's `equal` where it needs no object: nil and the booleans (the values from NIL up)
   * equal only themselves, a number equals only a number it compares equal to; the rest (two
   * objects) goes to the core.
   */
  private valuesEqual(x: Expr, y: Expr): Expr {
    const { m } = this;
    const [a, b] = [() => this.get(this.T1, this.i64), () => this.get(this.T2, this.i64)];
    return m.block(
      null,
      [
        m.local.set(this.T1, x),
        m.local.set(this.T2, y),
        m.if(
          m.i32.or(m.i64.ge_u(a(), this.word(L.NIL)), m.i64.ge_u(b(), this.word(L.NIL))),
          m.i64.eq(a(), b()),
          m.if(
            m.i32.or(this.isNumber(a()), this.isNumber(b())),
            m.i32.and(m.i32.and(this.isNumber(a()), this.isNumber(b())), m.f64.eq(m.f64.reinterpret(a()), m.f64.reinterpret(b()))),
            this.callCore("jitEqual", [a(), b()], this.i32),
          ),
        ),
      ],
      this.i32,
    );
  }

  /** COND = x < y (x <= y): numbers directly, anything else through the core (which may fault). */
  private compare(i: Instruction, orEqual: boolean, x: number, y: number): Expr {
    const { m } = this;
    const lt = (p: Expr, q: Expr) => (orEqual ? m.f64.le(p, q) : m.f64.lt(p, q));
    if (this.isNumeric(x) && this.isNumeric(y)) return m.local.set(this.COND, lt(this.num(x), this.num(y)));
    const ge = orEqual ? m.f64.gt(this.num(x), this.num(y)) : m.f64.ge(this.num(x), this.num(y));
    return m.if(
      lt(this.num(x), this.num(y)),
      m.local.set(this.COND, this.int(1)),
      m.if(
        ge,
        m.local.set(this.COND, this.int(0)),
        m.block(null, [
          m.local.set(this.COND, this.callCore("jitLess", [this.bits(x), this.bits(y), this.int(orEqual ? 1 : 0)], this.i32)),
          this.faultIf(m.i32.lt_s(this.get(this.COND, this.i32), this.int(0)), i),
        ]),
      ),
    );
  }

  /** JNLTI and friends: COND = jump (unless R[A] compares with the immediate). */
  private compareImmediate(i: Instruction): Expr {
    const { m } = this;
    const { ins } = i;
    const [a, imm] = ins.operands;
    const x = this.num(a);
    const k = m.f64.const(imm);
    const holds = ins.op === "JNLTI" ? m.f64.lt(x, k) : ins.op === "JNLEI" ? m.f64.le(x, k) : ins.op === "JNGTI" ? m.f64.gt(x, k) : m.f64.ge(x, k);
    const set = m.local.set(this.COND, m.i32.eqz(holds));
    if (this.isNumeric(a)) return set;
    // a value that is not a number is an error the interpreter raises
    return m.block(null, [m.if(m.i32.eqz(this.isNumber(this.bits(a))), this.exit(L.K_EXIT, i.at)), set]);
  }

  /**
   * Sets P to the closure in T2, Q to its function and COND to the table slot of its compiled
   * code (0: the running function's own), handing the call over unless it is a closure whose
   * function takes `nargs` arguments, has compiled code, and finds room for its registers. A call
   * of the running closure itself (a recursion) knows most of that already.
   */
  private callee(nargs: number, a: number, handOver: () => Expr): Expr {
    const { m } = this;
    const p = () => this.get(this.P, this.i32);
    const q = () => this.get(this.Q, this.i32);
    const slot = () => this.get(this.COND, this.i32);
    const room = (nregs: Expr) =>
      m.if(
        m.i32.gt_u(m.i32.add(this.base(), m.i32.add(this.int((a + 1) * 8), m.i32.shl(nregs, this.int(3)))), this.globalGet("regsEnd", this.i32)),
        handOver(),
      );
    const checked = m.block(null, [
      m.if(m.i64.ne(m.i64.shr_u(this.get(this.T2, this.i64), this.word(32n)), this.word(L.TAG_OBJ >> 32n)), handOver()),
      m.local.set(this.P, m.i32.wrap(this.get(this.T2, this.i64))),
      m.if(m.i32.ne(m.i32.load8_u(0, 1, p()), this.int(L.T_CLOSURE)), handOver()),
      m.local.set(this.Q, m.i32.add(this.globalGet("protos", this.i32), m.i32.mul(m.i32.load(L.CLO_PROTO, 4, p()), this.int(L.PROTO_SIZE)))),
      m.if(m.i32.ne(m.i32.load(L.P_NPARAMS, 4, q()), this.int(nargs)), handOver()),
      // its table slot when it has one, else the core compiles it if it can
      m.local.set(this.COND, m.i32.load(L.P_JIT, 4, q())),
      m.if(m.i32.le_s(slot(), this.int(0)), m.local.set(this.COND, this.callCore("jitCallee", [q()], this.i32))),
      m.if(m.i32.le_s(slot(), this.int(0)), handOver()),
      room(m.i32.load(L.P_NREGS, 4, q())),
    ]);
    if (nargs !== this.f.nparams) return checked;
    const running = m.i32.load(L.FR_CLOSURE, 4, this.get(FR, this.i32));
    return m.if(
      m.i64.eq(this.get(this.T2, this.i64), m.i64.or(this.word(L.TAG_OBJ), m.i64.extend_u(running))),
      m.block(null, [
        m.local.set(this.P, m.i32.wrap(this.get(this.T2, this.i64))),
        m.local.set(this.Q, this.get(this.PROTO, this.i32)),
        m.local.set(this.COND, this.int(0)),
        room(this.int(this.f.nregs)),
      ]),
      checked,
    );
  }

  /**
   * CALL and CALLG of a closure with compiled code: the frame record the interpreter's CALL
   * would push, then a direct call of the callee's body with the arguments as parameters (a
   * number stays unboxed) and the fuel. The caller's registers stay in its locals across the
   * call: only when the callee stops (or a safe point may pause here) are the ones it reads
   * afterwards written to memory, and never those at or past the arguments, which are the
   * callee's registers then.
   */
  private call(i: Instruction): Expr {
    const { m } = this;
    const { ins, at, next } = i;
    const [a, nargs] = ins.operands;
    const callee = ins.op === "CALLG" ? m.i64.load(0, 8, this.globalAddress(ins.ext as number)) : this.bits(a);
    const handOver = () => this.exit(L.K_EXIT, at);
    const p = () => this.get(this.P, this.i32);
    const np = () => this.get(this.Q, this.i32);
    const nf = () => this.get(this.NF, this.i32);
    const argRegs = Array.from({ length: nargs }, (_, k) => a + 1 + k);
    const kept = this.liveAfter(i).filter((r) => r <= a);
    const args = () =>
      argRegs.map((r) => (this.isNumeric(r) ? this.get(this.readLocal(r) as number, this.f64) : this.canonicalBits(m.i64.load(r * 8, 8, this.base()))));
    const operands = () => [nf(), this.int(0), this.get(this.FUEL, this.i64), ...args()];
    const result = () => this.get(this.RESULT, bodyResult(this.b));
    const value = () => this.get(this.T1, this.i64);
    // a function's own body is called directly (only a call with as many arguments can be a recursion)
    const other = () =>
      m.call_indirect("table", m.i32.add(this.get(this.COND, this.i32), this.int(1)), operands(), bodyType(this.b, nargs), bodyResult(this.b));
    const storePc = () => m.i32.store(L.FR_PC, 4, this.get(FR, this.i32), this.pcAt(next));
    return m.block(null, [
      m.local.set(this.T2, callee),
      this.callee(nargs, a, handOver),
      // the frame the interpreter's CALL would push, below the depth limit (this frame's pc is
      // written only when the interpreter is to see it: nothing reads it while the callee runs)
      m.local.set(this.NF, m.i32.add(this.get(FR, this.i32), this.int(L.FRAME_SIZE))),
      m.if(m.i32.ge_u(nf(), this.globalGet("frameEnd", this.i32)), handOver()),
      m.i32.store(L.FR_CLOSURE, 4, nf(), p()),
      m.i32.store(L.FR_PROTO, 4, nf(), np()),
      m.i32.store(L.FR_BASE, 4, nf(), m.i32.add(this.base(), this.int((a + 1) * 8))),
      m.i32.store(L.FR_REGION, 4, nf(), this.globalGet("regionDepth", this.i32)),
      m.local.set(this.FUEL, m.i64.sub(this.get(this.FUEL, this.i64), this.word(1n))),
      m.if(
        m.i32.or(m.i64.lt_s(this.get(this.FUEL, this.i64), this.word(0n)), this.globalGet("collectRequested", this.i32)),
        // a safe point may pause with the callee's frame on top: both frames then continue in the interpreter
        m.block(null, [
          ...this.flushOnly([...kept, ...argRegs]),
          storePc(),
          this.globalSet("fuel", this.get(this.FUEL, this.i64)),
          m.local.set(this.P, m.i32.load(L.P_CODE, 4, np())),
          m.local.set(this.Q, this.callCore("jitSafePoint", [nf(), p()], this.i32)),
          m.local.set(this.FUEL, this.globalGet("fuel", this.i64)),
          m.if(m.i32.eq(this.get(this.Q, this.i32), this.int(SAFE_PAUSE)), this.give(this.stopped(this.int(L.K_PAUSED)))),
          m.if(
            m.i32.ne(this.get(this.Q, this.i32), this.int(SAFE_GO_ON)),
            m.block(null, [this.globalSet("jitExitPc", p()), this.give(this.stopped(this.int(L.K_FAULT)))]),
          ),
        ]),
      ),
      m.local.set(
        this.RESULT,
        nargs === this.f.nparams ? m.if(m.i32.eqz(this.get(this.COND, this.i32)), m.call(BODY, operands(), bodyResult(this.b)), other()) : other(),
      ),
      m.local.set(this.T1, m.tuple.extract(result(), 0)),
      m.local.set(this.FUEL, m.tuple.extract(result(), 1)),
      // it stopped before returning: its frame, and this one, continue in the interpreter
      m.if(m.i64.ge_u(value(), this.word(L.STOPPED)), m.block(null, [...this.flushOnly(kept), storePc(), m.return(result())])),
      this.setValue(a, value(), next, true),
    ]);
  }

  /**
   * CALLG of a leaf function inlined (see inline.ts): its code on locals of its own when the global
   * holds a closure of that function, the arguments are numbers, the call would not stop at the
   * depth limit, the register stack's end, the budget or a collection, and no divisor is zero;
   * the call's step is spent as the call would. Otherwise the ordinary call, from the start.
   */
  private inlineCall(i: Instruction, leaf: { callee: InlineCallee; code: Instruction[]; constants: (k: number) => number | string; firstLocal: number }): Expr {
    const { m } = this;
    const { ins, at } = i;
    const [a, nargs] = ins.operands;
    const { callee, code, constants, firstLocal } = leaf;
    const slow = `inlineSlow${at}`;
    const done = `inlineDone${at}`;
    const reg = (r: number) => this.get(firstLocal + r, this.f64);
    const setReg = (r: number, x: Expr) => m.local.set(firstLocal + r, x);
    const p = () => this.get(this.P, this.i32);
    const fast: Expr[] = [
      m.local.set(this.T2, m.i64.load(0, 8, this.globalAddress(ins.ext as number))),
      m.br(slow, m.i64.ne(m.i64.shr_u(this.get(this.T2, this.i64), this.word(32n)), this.word(L.TAG_OBJ >> 32n))),
      m.local.set(this.P, m.i32.wrap(this.get(this.T2, this.i64))),
      m.br(slow, m.i32.ne(m.i32.load8_u(0, 1, p()), this.int(L.T_CLOSURE))),
      m.br(slow, m.i32.ne(m.i32.load(L.CLO_PROTO, 4, p()), this.int(callee.index))),
      // where the call would stop: the depth limit, the register stack's end, the budget, a collection
      m.br(slow, m.i32.ge_u(m.i32.add(this.get(FR, this.i32), this.int(L.FRAME_SIZE)), this.globalGet("frameEnd", this.i32))),
      m.br(slow, m.i32.gt_u(m.i32.add(this.base(), this.int((a + 1 + callee.proto.nregs) * 8)), this.globalGet("regsEnd", this.i32))),
      m.br(slow, m.i32.or(m.i64.lt_s(m.i64.sub(this.get(this.FUEL, this.i64), this.word(1n)), this.word(0n)), this.globalGet("collectRequested", this.i32))),
    ];
    for (let k = 0; k < nargs; k++) {
      const r = a + 1 + k;
      if (!this.isNumeric(r)) fast.push(m.br(slow, m.i32.eqz(this.isNumber(this.bits(r)))));
      fast.push(setReg(k, this.num(r)));
    }
    for (const { ins: c } of code) {
      const o = c.operands;
      switch (c.op) {
        case "LOADI":
          fast.push(setReg(o[0], m.f64.const(o[1])));
          break;
        case "LOADK":
          fast.push(setReg(o[0], m.f64.const(constants(o[1]) as number)));
          break;
        case "MOVE":
          fast.push(setReg(o[0], reg(o[1])));
          break;
        case "NEG":
          fast.push(setReg(o[0], m.f64.neg(reg(o[1]))));
          break;
        case "ADDI":
          fast.push(setReg(o[0], m.f64.add(reg(o[1]), m.f64.const(o[2]))));
          break;
        case "ADD":
          fast.push(setReg(o[0], m.f64.add(reg(o[1]), reg(o[2]))));
          break;
        case "SUB":
          fast.push(setReg(o[0], m.f64.sub(reg(o[1]), reg(o[2]))));
          break;
        case "MUL":
          fast.push(setReg(o[0], m.f64.mul(reg(o[1]), reg(o[2]))));
          break;
        case "DIV":
          // dividing by zero is an error the call raises, with the callee's frame in its trace
          fast.push(m.br(slow, m.f64.eq(reg(o[2]), m.f64.const(0))), setReg(o[0], m.f64.div(reg(o[1]), reg(o[2]))));
          break;
        case "RETURN":
          fast.push(
            m.local.set(this.FUEL, m.i64.sub(this.get(this.FUEL, this.i64), this.word(1n))),
            // a NaN from a constant is made the canonical one, as where any number enters
            m.local.set(this.OUT, reg(o[0])),
            this.setNumber(
              a,
              m.select(m.f64.eq(this.get(this.OUT, this.f64), this.get(this.OUT, this.f64)), this.get(this.OUT, this.f64), this.canonicalNaN()),
            ),
            m.br(done),
          );
          break;
        default:
          throw new Error(`not a leaf instruction: ${c.op}`);
      }
    }
    return m.block(done, [m.block(slow, fast), this.call(i)]);
  }

  /** The registers live after instruction i: at the next one, and at the handlers that guard it. */
  private liveAfter(i: Instruction): number[] {
    const live = new Set(this.shape.liveBefore.get(i.next) ?? []);
    for (const h of this.f.handlers) if (i.at >= h.start && i.at < h.end) for (const r of this.shape.liveBefore.get(h.target) ?? []) live.add(r);
    return [...live];
  }

  private builtin(i: Instruction): Expr {
    const { m } = this;
    const [a, n, id] = i.ins.operands;
    const unary = n === 1 && (id === SQRT || id === ABS || id === FLOOR || id === CEIL);
    const generic = () =>
      m.block(null, [
        ...this.flush(a, a + n),
        m.local.set(this.T2, this.callCore("jitBuiltin", [this.int(id), m.i32.add(this.base(), this.int(a * 8)), this.int(n)], this.i64)),
        this.faultIf(m.i64.eq(this.get(this.T2, this.i64), this.word(L.FAULTED)), i),
        this.setValue(a, this.get(this.T2, this.i64), i.next),
      ]);
    if (unary) {
      const x = this.num(a);
      const y = id === SQRT ? m.f64.sqrt(x) : id === ABS ? m.f64.abs(x) : id === FLOOR ? m.f64.floor(x) : m.f64.ceil(x);
      if (this.isNumeric(a)) return this.setNumber(a, y);
      return m.if(this.isNumber(this.bits(a)), this.setNumber(a, y), generic());
    }
    if (n === 1 && id === LEN) {
      const p = () => this.get(this.P, this.i32);
      return m.block(null, [
        m.local.set(this.T2, this.bits(a)),
        m.local.set(this.P, m.i32.wrap(this.get(this.T2, this.i64))),
        m.if(
          m.i32.and(
            m.i64.eq(m.i64.shr_u(this.get(this.T2, this.i64), this.word(32n)), this.word(L.TAG_OBJ >> 32n)),
            m.i32.eq(m.i32.load8_u(0, 1, p()), this.int(L.T_LIST)),
          ),
          this.setValue(a, m.i64.reinterpret(m.f64.convert_u.i32(m.i32.load(L.LIST_LEN, 4, p()))), i.next),
          generic(),
        ),
      ]);
    }
    return generic();
  }

  private return(i: Instruction): Expr {
    const { m } = this;
    const r = i.ins.operands[0];
    const value = i.ins.op === "RETURNNIL" ? this.word(L.NIL) : this.isNumeric(r) ? this.bits(r) : m.i64.reinterpret(this.canonicalBits(this.bits(r)));
    return m.block(null, [
      // a frame the interpreter made (joined at a loop) returns there; one that started compiled
      // has the region depth it started with (entering or leaving a region is left to the interpreter)
      m.if(this.get(this.OSR, this.i32), this.exit(L.K_EXIT, i.at)),
      this.give(value),
    ]);
  }

  private listItem(list: Expr, index: Expr): Expr {
    return this.m.i32.add(this.m.i32.add(this.m.i32.load(L.LIST_DATA, 4, list), this.int(L.HEADER)), this.m.i32.shl(index, this.int(3)));
  }

  /** P = the list in `bits` (0 when it is no list) and Q = a valid index from the double `at`, or COND = 0. */
  private listIndex(bits: Expr, at: Expr): Expr[] {
    const { m } = this;
    return [
      m.local.set(this.T2, bits),
      m.local.set(this.F1, at),
      m.local.set(this.P, m.i32.wrap(this.get(this.T2, this.i64))),
      m.local.set(this.Q, m.i32.trunc_u_sat.f64(this.get(this.F1, this.f64))),
      m.local.set(
        this.COND,
        m.if(
          m.i64.eq(m.i64.shr_u(this.get(this.T2, this.i64), this.word(32n)), this.word(L.TAG_OBJ >> 32n)),
          m.i32.and(
            m.i32.eq(m.i32.load8_u(0, 1, this.get(this.P, this.i32)), this.int(L.T_LIST)),
            m.i32.and(
              m.f64.eq(m.f64.convert_u.i32(this.get(this.Q, this.i32)), this.get(this.F1, this.f64)),
              m.i32.lt_u(this.get(this.Q, this.i32), m.i32.load(L.LIST_LEN, 4, this.get(this.P, this.i32))),
            ),
          ),
          this.int(0),
        ),
      ),
    ];
  }

  private getIndex(i: Instruction, a: number, t: number, index: { register?: number; constant?: number }): Expr {
    const { m } = this;
    const at = index.register !== undefined ? this.num(index.register) : m.f64.const(index.constant as number);
    const key = index.register !== undefined ? this.bits(index.register) : m.i64.reinterpret(m.f64.const(index.constant as number));
    const numberKey = index.register !== undefined && !this.isNumeric(index.register) ? this.isNumber(this.bits(index.register)) : this.int(1);
    return m.block(null, [
      ...this.listIndex(this.bits(t), at),
      m.if(
        m.i32.and(this.get(this.COND, this.i32), numberKey),
        this.setValue(a, m.i64.load(0, 8, this.listItem(this.get(this.P, this.i32), this.get(this.Q, this.i32))), i.next),
        this.helperResult(i, a, this.callCore("jitGetIndex", [this.bits(t), key], this.i64)),
      ),
    ]);
  }

  private setIndex(i: Instruction): Expr {
    const { m } = this;
    const [t, k, v] = i.ins.operands;
    const numberKey = this.isNumeric(k) ? this.int(1) : this.isNumber(this.bits(k));
    // storing a reference while a region is open needs the core's write barrier
    const plainValue = this.isNumeric(v) ? this.int(1) : m.i32.or(m.i32.eqz(this.globalGet("regionDepth", this.i32)), this.isNumber(this.bits(v)));
    return m.block(null, [
      ...this.listIndex(this.bits(t), this.num(k)),
      m.if(
        m.i32.and(m.i32.and(this.get(this.COND, this.i32), numberKey), plainValue),
        m.i64.store(0, 8, this.listItem(this.get(this.P, this.i32), this.get(this.Q, this.i32)), this.bits(v)),
        this.faultIf(m.i32.ne(this.callCore("jitSetIndex", [this.bits(t), this.bits(k), this.bits(v)], this.i32), this.int(0)), i),
      ),
    ]);
  }

  /**
   * P = the struct in `bits` and Q = the byte offset of the instruction's field in it, with COND = 1;
   * COND = 0 when the value is no struct or its kind of struct has no such field (the core's path
   * then raises the interpreter's error, or reads an error's fields or an actor's method).
   * Each instruction remembers the last kind of struct it saw (its definition, which never moves,
   * and the field's offset) in two globals of the module; another kind is looked up by the field
   * names' pointers (the VM interns field names and string constants alike) and remembered.
   */
  private fieldSlot(i: Instruction, bits: Expr): Expr[] {
    const { m } = this;
    const defName = `fieldDef${i.at}`;
    const offsetName = `fieldOffset${i.at}`;
    m.addGlobal(defName, this.i32, true, this.int(0));
    m.addGlobal(offsetName, this.i32, true, this.int(0));
    const p = () => this.get(this.P, this.i32);
    const def = () => this.get(this.Q, this.i32);
    const k = () => this.get(this.NF, this.i32);
    const scan = `fieldScan${i.at}`;
    const found = `fieldFound${i.at}`;
    const lookUp = m.block(found, [
      m.local.set(this.NF, this.int(0)),
      m.loop(
        scan,
        m.block(null, [
          m.br(found, m.i32.ge_u(k(), m.i32.load(L.SDEF_COUNT, 4, def()))),
          m.if(
            m.i32.eq(m.i32.load(L.SDEF_FIELDS, 4, m.i32.add(def(), m.i32.shl(k(), this.int(2)))), this.constantPointer(i.ins.ext as number)),
            m.block(null, [
              m.global.set(defName, def()),
              m.global.set(offsetName, m.i32.add(this.int(L.STRUCT_FIELDS), m.i32.shl(k(), this.int(3)))),
              m.local.set(this.COND, this.int(1)),
              m.br(found),
            ]),
          ),
          m.local.set(this.NF, m.i32.add(k(), this.int(1))),
          m.br(scan),
        ]),
      ),
    ]);
    return [
      m.local.set(this.T2, bits),
      m.local.set(this.P, m.i32.wrap(this.get(this.T2, this.i64))),
      m.local.set(this.COND, this.int(0)),
      m.if(
        m.i64.eq(m.i64.shr_u(this.get(this.T2, this.i64), this.word(32n)), this.word(L.TAG_OBJ >> 32n)),
        m.if(
          m.i32.eq(m.i32.load8_u(0, 1, p()), this.int(L.T_STRUCT)),
          m.block(null, [
            m.local.set(this.Q, m.i32.load(L.STRUCT_DEF, 4, p())),
            m.if(m.i32.eq(def(), m.global.get(defName, this.i32)), m.local.set(this.COND, this.int(1)), lookUp),
          ]),
        ),
      ),
      m.local.set(this.Q, m.global.get(offsetName, this.i32)),
    ];
  }

  private getField(i: Instruction): Expr {
    const { m } = this;
    const [a, s] = i.ins.operands;
    return m.block(null, [
      ...this.fieldSlot(i, this.bits(s)),
      m.if(
        this.get(this.COND, this.i32),
        this.setValue(a, m.i64.load(0, 8, m.i32.add(this.get(this.P, this.i32), this.get(this.Q, this.i32))), i.next),
        this.helperResult(i, a, this.callCore("jitGetField", [this.bits(s), this.constantPointer(i.ins.ext as number)], this.i64)),
      ),
    ]);
  }

  private setField(i: Instruction): Expr {
    const { m } = this;
    const [s, v] = i.ins.operands;
    // storing a reference while a region is open needs the core's write barrier (as setIndex)
    const plainValue = this.isNumeric(v) ? this.int(1) : m.i32.or(m.i32.eqz(this.globalGet("regionDepth", this.i32)), this.isNumber(this.bits(v)));
    return m.block(null, [
      ...this.fieldSlot(i, this.bits(s)),
      m.if(
        m.i32.and(this.get(this.COND, this.i32), plainValue),
        m.i64.store(0, 8, m.i32.add(this.get(this.P, this.i32), this.get(this.Q, this.i32)), this.bits(v)),
        this.faultIf(m.i32.ne(this.callCore("jitSetField", [this.bits(s), this.constantPointer(i.ins.ext as number), this.bits(v)], this.i32), this.int(0)), i),
      ),
    ]);
  }

  private checkType(i: Instruction): { expr: Expr; stops: boolean } {
    const { m } = this;
    const [a, code] = i.ins.operands;
    const name = TYPE_CODES[code];
    if (name === "any") return { expr: m.nop(), stops: false };
    if (name !== "number") return { expr: this.exit(L.K_EXIT, i.at), stops: true };
    if (this.isNumeric(a)) return { expr: m.nop(), stops: false };
    return { expr: m.if(m.i32.eqz(this.isNumber(this.bits(a))), this.exit(L.K_EXIT, i.at)), stops: false };
  }

  private forPrep(i: Instruction): Expr {
    const { m } = this;
    const [a, inclusive] = i.ins.operands;
    const checks: Expr[] = [];
    for (const r of [a, a + 1, a + 2]) if (!this.isNumeric(r)) checks.push(m.if(m.i32.eqz(this.isNumber(this.bits(r))), this.exit(L.K_EXIT, i.at)));
    // a zero or NaN step is an error the interpreter raises
    checks.push(m.if(m.i32.or(m.f64.eq(this.num(a + 2), m.f64.const(0)), m.f64.ne(this.num(a + 2), this.num(a + 2))), this.exit(L.K_EXIT, i.at)));
    return m.block(null, [...checks, m.local.set(this.COND, m.i32.eqz(this.continues(a, inclusive === 1)))]);
  }

  private forLoop(a: number, inclusive: boolean): Expr {
    const { m } = this;
    return m.block(null, [this.setNumber(a, m.f64.add(this.num(a), this.num(a + 2))), m.local.set(this.COND, this.continues(a, inclusive))]);
  }

  /** Whether the numeric loop at registers a (variable), a + 1 (limit), a + 2 (step) goes on. */
  private continues(a: number, inclusive: boolean): Expr {
    const { m } = this;
    const [i, limit] = [() => this.num(a), () => this.num(a + 1)];
    const up = inclusive ? m.f64.le(i(), limit()) : m.f64.lt(i(), limit());
    const down = inclusive ? m.f64.ge(i(), limit()) : m.f64.gt(i(), limit());
    return m.select(m.f64.gt(this.num(a + 2), m.f64.const(0)), up, down);
  }
}

/** The bits of a double, as the core stores a number. */
function doubleBits(x: number): bigint {
  return new BigUint64Array(new Float64Array([x]).buffer)[0];
}

const jumping = new Set([
  "JMPIF",
  "JMPIFNOT",
  "JNLT",
  "JNLE",
  "JEQ",
  "JNE",
  "JNLTI",
  "JNLEI",
  "JNGTI",
  "JNGEI",
  "JGIVEN",
  "FORPREP",
  "FORLOOP",
  "FORLOOP1",
  "ITERNEXT",
]);

function jumpOf(i: Instruction): number | undefined {
  const { ins, next } = i;
  if (ins.op === "JMP") return next + ins.operands[0];
  return ins.spec.ext === "j" ? next + (ins.ext as number) : undefined;
}
