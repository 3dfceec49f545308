// The code generator: turns resolved trees into NBC functions. Each function is built by a
// FunctionBuilder; locals live in registers (in boxes when captured), temporaries above them.
// `finally` blocks are compiled inline at every exit from their `try` (normal end, return,
// break, continue) and once more in a catch-all handler that re-throws, so the VM needs no
// special finally machinery — only handler ranges, which are split around the inline copies.

import { BUILTIN_ID, BUILTINS } from "../bytecode/builtin-table.js";
import type { Constant, FunctionProto } from "../bytecode/module.js";
import { CAPTURE_FROM_PARENT } from "../bytecode/module.js";
import type { OpName } from "../bytecode/opcode-table.js";
import { ERRORS } from "../errors/table.js";
import { actorConstructor } from "./actor.js";
import type * as A from "./ast.js";
import { type ChainLink, chainLinks } from "./chains.js";
import type { DiagnosticBag, SourceFile } from "./diagnostics.js";
import { FunctionBuilder, Label, RegisterOverflow } from "./function-builder.js";
import { SORT_WITH } from "./prelude.js";
import type { Resolutions } from "./resolver.js";
import type { Binding, FnScope, LocalBinding, ModuleInfo, StructSymbol, TypeRef } from "./symbols.js";

/** What the generator adds to as it goes: one pool of constants and functions for the module. */
export class ModuleOutput {
  readonly constants: Constant[] = [];
  private readonly constantIndex = new Map<string, number>();
  readonly functions: FunctionProto[] = [];
  readonly files: string[] = [];
  readonly structs: StructSymbol[] = [];
  /** The top-level functions and actor constructors the module's init puts in globals. */
  readonly installs: Install[] = [];

  constructor(readonly functionBase: number) {}

  constant(c: Constant): number {
    const key = c.kind === "number" ? `n${Object.is(c.value, -0) ? "-0" : c.value}` : `s${c.value}`;
    let i = this.constantIndex.get(key);
    if (i === undefined) {
      i = this.constants.length;
      if (i > 0xffff) throw new RegisterOverflow("more than 65536 constants in one module");
      this.constants.push(c);
      this.constantIndex.set(key, i);
    }
    return i;
  }

  file(name: string): number {
    let i = this.files.indexOf(name);
    if (i < 0) {
      i = this.files.length;
      this.files.push(name);
    }
    return i;
  }

  /** Reserves a function slot (so nested functions can be numbered before their parent ends). */
  reserve(): number {
    this.functions.push(undefined as unknown as FunctionProto);
    return this.functionBase + this.functions.length - 1;
  }

  define(index: number, f: FunctionProto): void {
    this.functions[index - this.functionBase] = f;
  }
}

/** A top-level function (or an actor's constructor, with its handlers) and the global that holds it. */
export interface Install {
  global: number;
  fn: number;
  actor?: { name: string; handlers: string[] };
}

/** A pending action at an early exit: run a finally block, or close a region. */
type ExitAction = { kind: "finally"; body: A.Block; guards: Guard[]; loopDepth: number } | { kind: "region"; loopDepth: number; firstDead: number };

/** A set of word ranges protected by one handler; closed while inline finally code is emitted. */
class Guard {
  readonly ranges: [number, number][] = [];
  openAt: number | undefined;
  constructor(at: number) {
    this.openAt = at;
  }
  close(at: number): void {
    if (this.openAt !== undefined && at > this.openAt) this.ranges.push([this.openAt, at]);
    this.openAt = undefined;
  }
  reopen(at: number): void {
    this.openAt = at;
  }
}

interface Loop {
  breakLabel: Label;
  continueLabel: Label;
  /** Exit actions at loop entry: break/continue run the ones pushed since. */
  exitDepth: number;
}

class FnContext {
  readonly b: FunctionBuilder;
  readonly captureIndex = new Map<LocalBinding, number>();
  readonly loops: Loop[] = [];
  readonly exits: ExitAction[] = [];
  constructor(
    readonly scope: FnScope,
    readonly parent: FnContext | undefined,
    name: string,
    nparams: number,
    file: number,
    readonly returnType: TypeRef | undefined,
    nrequired = nparams,
  ) {
    this.b = new FunctionBuilder(name, nparams, file, nrequired);
  }
}

export interface CodegenEnv {
  results: Resolutions;
  out: ModuleOutput;
  diags: DiagnosticBag;
  /** Functions of the prelude by name (absolute global indices), when it is included. */
  preludeGlobal: (name: string) => number | undefined;
  /** Prelude's init function index, called first by the entry, when it is included. */
  preludeInit?: number;
}

const BINARY_OPS: Partial<Record<A.BinaryOp, OpName>> = {
  "+": "ADD",
  "-": "SUB",
  "*": "MUL",
  "/": "DIV",
  "%": "MOD",
  "**": "POW",
  ".^": "EPOW",
  ".*": "EMUL",
  "./": "EDIV",
  "\\": "LDIV",
  "==": "EQ",
  "!=": "NE",
  "<": "LT",
  "<=": "LE",
};

const COMPOUND_OPS: Record<string, OpName> = { "+=": "ADD", "-=": "SUB", "*=": "MUL", "/=": "DIV" };

const BI_RANGE = BUILTIN_ID.get("range")!;
const BI_PUSH = BUILTIN_ID.get("push")!;
const BI_SORT = BUILTIN_ID.get("sort")!;
const BI_MATRIX = BUILTIN_ID.get("matrix")!;

/**
 * Literals (lists, maps, matrices, interpolated strings) take at most this many registers for
 * their items at once; longer ones are built in steps, so their length is not limited.
 */
const LITERAL_CHUNK = 64;

/** A call with more arguments than this passes them in a list (CALLV), so it needs two registers. */
const CALL_ARGS = 64;

/**
 * A function with more parameters than this keeps the rest past register 255 (moved there on
 * entry, read and written with GETR and SETR), so the low registers stay free for temporaries.
 */
const LOW_PARAMS = 128;

/** Registers from here up are reached only through GETR and SETR. */
const WIDE_REGISTERS = 256;

/** Registers a frame can have: GETR and SETR name them in 16 bits. */
const MAX_FRAME = 65_536;

const isSmallInt = (x: number, bits: number) => Number.isInteger(x) && !Object.is(x, -0) && x >= -(2 ** (bits - 1)) && x < 2 ** (bits - 1);

export class CodeGenerator {
  private fn!: FnContext;
  private source!: SourceFile;
  private module!: ModuleInfo;
  private fileIndex = 0;

  constructor(private readonly env: CodegenEnv) {}

  private get b(): FunctionBuilder {
    return this.fn.b;
  }
  private get r(): Resolutions {
    return this.env.results;
  }

  // ---------------------------------------------------------------- modules and functions

  /** Compiles a module's top-level code into its init function; returns its index. */
  compileModule(module: ModuleInfo, isEntry: boolean, valueOfLast = false): number {
    const saved = { fn: this.fn, source: this.source, module: this.module, fileIndex: this.fileIndex, localsTop: this.localsTop };
    this.localsTop = 0;
    this.module = module;
    this.source = module.source;
    this.fileIndex = this.env.out.file(module.path);
    const index = this.env.out.reserve();
    module.initFunction = index;
    this.fn = new FnContext(module.fn, undefined, module.fn.name, 0, this.fileIndex, undefined);
    this.guarded(module.program.span, () => {
      if (isEntry && this.env.preludeInit !== undefined) this.callInit(this.env.preludeInit);
      // top-level functions exist before any top-level code runs
      for (const s of module.program.body) {
        if (s.kind !== "Func" && s.kind !== "Actor") continue;
        const g = this.r.decls.get(s);
        if (g?.kind !== "global") continue;
        const mark = this.b.top;
        const t = this.b.alloc();
        const fn = this.env.out.functionBase + this.env.out.functions.length;
        const actor = s.kind === "Actor" ? { name: s.name, handlers: s.methods.map((m) => m.name) } : undefined;
        this.env.out.installs.push(actor ? { global: g.index, fn, actor } : { global: g.index, fn });
        this.closure(s.kind === "Actor" ? actorConstructor(s) : s, s.name, t);
        this.setGlobal(t, g.index);
        this.b.release(mark);
      }
      const body = module.program.body;
      const last = body[body.length - 1];
      for (const s of valueOfLast && last?.kind === "ExprStmt" ? body.slice(0, -1) : body) this.stmt(s);
      if (valueOfLast && last?.kind === "ExprStmt") {
        this.localsTop = this.b.top;
        const t = this.b.alloc();
        this.exprTo(last.expr, t);
        this.b.emit("RETURN", [t, 0, 0]);
      } else this.b.emit("RETURNNIL", [0, 0, 0]);
    });
    this.env.out.define(index, this.fn.b.finish());
    Object.assign(this, saved);
    return index;
  }

  /** Runs `body`, turning a register or size overflow into a diagnostic where it happened (else at `span`). */
  private guarded(span: A.Span, body: () => void): void {
    this.lastSpan = undefined;
    try {
      body();
    } catch (e) {
      if (!(e instanceof RegisterOverflow)) throw e;
      this.env.diags.report(this.source, this.lastSpan ?? span, "TooComplex", { detail: e.message });
    }
  }

  private callInit(index: number): void {
    const mark = this.b.top;
    const t = this.b.alloc();
    this.b.emit("CLOSURE", [t, index]);
    this.b.emit("CALL", [t, 0, 0]);
    this.b.release(mark);
  }

  /** Compiles a func or lambda as a new function and puts its closure in register dst. */
  private closure(f: A.FuncDecl | A.Lambda, name: string, dst: number): void {
    const maxParams = (MAX_FRAME + LOW_PARAMS) >> 1;
    if (f.params.length > maxParams) return this.limit(f.span, `a function has at most ${maxParams} parameters, this one has ${f.params.length}`);
    const scope = this.r.functions.get(f)!;
    const index = this.env.out.reserve();
    const parent = this.fn;
    const savedLocalsTop = this.localsTop;
    const n = f.params.length;
    const low = Math.min(n, LOW_PARAMS);
    this.localsTop = low;
    const returnType = f.kind === "Func" && f.returnType ? this.r.types.get(f.returnType) : undefined;
    const required = f.params.filter((p) => !p.default).length;
    this.fn = new FnContext(scope, parent, name, n, this.fileIndex, returnType, required);
    // the parameters past `low` move to registers from `wide` up, beyond every incoming one
    const wide = Math.max(WIDE_REGISTERS, n);
    const paramReg = (i: number) => (i < low ? i : wide + i - low);
    if (n > low) {
      this.b.top = low;
      this.b.maxRegs = wide + n - low;
    }
    this.guarded(f.span, () => {
      if (f.kind === "Func" && f.isAsync) {
        // called, it returns a future at once and runs this body as a task
        const t = this.b.alloc();
        this.b.emit("ASYNC", [t, 0, 0]);
        this.b.release(t);
      }
      if (n > low) {
        // in order, so register `low` is free by the time it carries the ones already wide
        for (let i = low; i < n; i++) {
          if (i < WIDE_REGISTERS) this.b.emit("SETR", [i, paramReg(i)]);
          else {
            this.b.emit("GETR", [low, i]);
            this.b.emit("SETR", [low, paramReg(i)]);
          }
        }
      }
      f.params.forEach((p, i) => {
        const binding = this.r.decls.get(p) as LocalBinding | undefined;
        if (!binding) return;
        binding.reg = paramReg(i);
        if (!p.default && !binding.type && !binding.captured) return;
        // a wide parameter is prepared in a low register and put back
        const r = binding.reg < WIDE_REGISTERS ? binding.reg : this.b.alloc();
        if (r !== binding.reg) this.b.emit("GETR", [r, binding.reg]);
        if (p.default) {
          // a left-out argument gets its default here, at the call
          const given = new Label();
          this.b.jumpIf("JGIVEN", [r, 0, 0], given);
          this.exprTo(p.default, r);
          this.b.place(given);
        }
        if (binding.type) this.checkType(r, binding.type, p.span);
        if (binding.captured) this.b.emit("NEWBOX", [r, r, 0]);
        if (r !== binding.reg) {
          this.b.emit("SETR", [r, binding.reg]);
          this.b.release(r);
        }
      });
      if (f.body.kind === "Block") {
        this.blockBody(f.body.body);
        this.b.emit("RETURNNIL", [0, 0, 0]);
      } else {
        const t = this.b.alloc();
        this.exprTo(f.body, t);
        this.pos(f.body.span);
        this.b.emit("RETURN", [t, 0, 0]);
      }
    });
    const proto = this.fn.b.finish();
    this.env.out.define(index, proto);
    this.fn = parent;
    this.localsTop = savedLocalsTop;
    this.pos(f.span);
    this.b.emit("CLOSURE", [dst, index]);
  }

  /** The capture number of an outer function's variable in the current function. */
  private capture(fn: FnContext, binding: LocalBinding): number {
    let i = fn.captureIndex.get(binding);
    if (i !== undefined) return i;
    const parent = fn.parent!;
    const desc = parent.scope === binding.fn ? binding.reg : (CAPTURE_FROM_PARENT | this.capture(parent, binding)) >>> 0;
    i = fn.b.captures.length;
    fn.b.captures.push(desc);
    fn.captureIndex.set(binding, i);
    return i;
  }

  // ---------------------------------------------------------------- positions and helpers

  /** The construct being compiled, where a register overflow is reported. */
  private lastSpan: A.Span | undefined;

  private pos(span: A.Span): void {
    this.lastSpan = span;
    const { line, col } = this.source.position(span.start);
    this.b.at(line, col);
  }

  /** Globals past the first 65536 take an extension word. */
  private getGlobal(dst: number, index: number): void {
    if (index <= 0xffff) this.b.emit("GETGLOBAL", [dst, index]);
    else this.b.emit("GETGLOBALX", [dst, 0, 0], index);
  }

  private setGlobal(src: number, index: number): void {
    if (index <= 0xffff) this.b.emit("SETGLOBAL", [src, index]);
    else this.b.emit("SETGLOBALX", [src, 0, 0], index);
  }

  private loadConstant(dst: number, c: Constant): void {
    if (c.kind === "number" && isSmallInt(c.value, 16)) this.b.emit("LOADI", [dst, c.value]);
    else this.b.emit("LOADK", [dst, this.env.out.constant(c)]);
  }

  private checkType(reg: number, t: TypeRef, span: A.Span): void {
    if (t.name === "any") return;
    this.pos(span);
    this.b.emit("CHECKTYPE", [reg, t.code, 0], t.struct?.index ?? 0);
  }

  /** A limit of the bytecode the program goes past: a compile error (2019) where it does. */
  private limit(span: A.Span, detail: string): void {
    this.env.diags.report(this.source, span, "LimitExceeded", { detail });
  }

  /** A runtime error for a construct this build cannot run yet. */
  private unsupported(feature: string, dst: number, span: A.Span): void {
    this.pos(span);
    this.b.emit("LOADK", [dst, this.env.out.constant({ kind: "string", value: feature })]);
    this.b.emit("FAIL", [dst, ERRORS.UnsupportedFeature.code]);
  }

  /** Whether writing `reg` early could clobber a variable the rest of an expression reads. */
  private isLocalReg(reg: number): boolean {
    return reg < this.localsTop;
  }
  private localsTop = 0;

  // ---------------------------------------------------------------- statements

  private blockBody(body: A.Stmt[]): void {
    // local functions are hoisted: their registers (and boxes) exist from the block's start
    for (const s of body) {
      if (s.kind !== "Func") continue;
      const binding = this.r.decls.get(s);
      if (binding?.kind !== "local") continue;
      binding.reg = this.b.alloc();
      // registers start with whatever they held: a call before the declaration finds nil
      this.b.emit("LOADNIL", [binding.reg, 0, 0]);
      if (binding.captured) this.b.emit("NEWBOX", [binding.reg, binding.reg, 0]);
    }
    for (const s of body) this.stmt(s);
  }

  private block(b: A.Block, before?: () => void): void {
    const mark = this.b.top;
    before?.();
    this.blockBody(b.body);
    this.b.release(mark);
  }

  private stmt(s: A.Stmt): void {
    const mark = this.b.top;
    this.localsTop = mark;
    this.pos(s.span);
    this.stmtInner(s);
    // a statement keeps only the locals it declares
    if (s.kind !== "Let" && !(s.kind === "Func" && this.r.decls.get(s)?.kind === "local")) this.b.release(mark);
    this.localsTop = this.b.top;
  }

  private stmtInner(s: A.Stmt): void {
    switch (s.kind) {
      case "Let":
        return this.letStmt(s);
      case "Func": {
        const binding = this.r.decls.get(s);
        if (!binding || binding.kind === "global") return; // top-level functions are made up front
        if (binding.captured) {
          const t = this.b.alloc();
          this.closure(s, s.name, t);
          this.b.emit("SETBOX", [binding.reg, t, 0]);
          this.b.release(t);
        } else this.closure(s, s.name, binding.reg);
        return;
      }
      case "Struct":
      case "Actor":
        return;
      case "Import": {
        const m = this.r.modules.get(s);
        if (m && m.initFunction === undefined) {
          const index = this.compileModule(m, false);
          this.pos(s.span);
          this.callInit(index);
        }
        return;
      }
      case "ExprStmt": {
        const t = this.b.alloc();
        this.exprTo(s.expr, t);
        return;
      }
      case "Assign":
        return this.assign(s);
      case "If":
        return this.ifStmt(s);
      case "While":
        return this.whileStmt(s);
      case "For":
        return this.forStmt(s);
      case "Return":
        return this.returnStmt(s);
      case "Break":
      case "Continue": {
        const loop = this.fn.loops[this.fn.loops.length - 1];
        this.runExits(loop.exitDepth, () => this.b.jump(s.kind === "Break" ? loop.breakLabel : loop.continueLabel));
        return;
      }
      case "Throw": {
        const r = this.exprAny(s.value);
        this.pos(s.span);
        this.b.emit("THROW", [r, 0, 0]);
        return;
      }
      case "Try":
        return this.tryStmt(s);
      case "Region":
        return this.regionStmt(s);
      case "Block":
        return this.block(s);
    }
  }

  private letStmt(s: A.LetStmt): void {
    const binding = this.r.decls.get(s);
    if (!binding) return;
    if (binding.kind === "global") {
      const t = this.b.alloc();
      this.exprTo(s.init, t);
      if (binding.type) this.checkType(t, binding.type, s.span);
      this.setGlobal(t, binding.index);
      this.b.release(t);
      return;
    }
    const r = this.b.alloc();
    this.exprTo(s.init, r);
    this.b.release(r + 1);
    if (binding.type) this.checkType(r, binding.type, s.span);
    binding.reg = r;
    if (binding.captured) this.b.emit("NEWBOX", [r, r, 0]);
  }

  /** Stores register `value` into a variable. */
  private storeVar(binding: Binding, value: number, span: A.Span): void {
    if (binding.type) this.checkType(value, binding.type, span);
    if (binding.kind === "global") this.setGlobal(value, binding.index);
    else if (binding.fn !== this.fn.scope) this.b.emit("SETCAP", [this.capture(this.fn, binding), value, 0]);
    else if (binding.reg >= WIDE_REGISTERS && binding.captured) {
      const box = this.b.alloc();
      this.b.emit("GETR", [box, binding.reg]);
      this.b.emit("SETBOX", [box, value, 0]);
      this.b.release(box);
    } else if (binding.reg >= WIDE_REGISTERS) this.b.emit("SETR", [value, binding.reg]);
    else if (binding.captured) this.b.emit("SETBOX", [binding.reg, value, 0]);
    else if (binding.reg !== value) this.b.emit("MOVE", [binding.reg, value, 0]);
  }

  private assign(s: A.AssignStmt): void {
    const t = s.target;
    const compound = s.op === "=" ? undefined : COMPOUND_OPS[s.op];
    if (t.kind === "Ident") {
      const res = this.r.uses.get(t);
      if (res?.kind !== "binding") return;
      const binding = res.binding;
      const direct = binding.kind === "local" && binding.fn === this.fn.scope && !binding.captured && !binding.type && binding.reg < WIDE_REGISTERS;
      if (compound) {
        const cur = this.exprAny(t);
        const v = this.exprAny(s.value);
        const dst = direct ? binding.reg : this.b.alloc();
        this.pos(s.span);
        this.arith(compound, dst, cur, v, s.value);
        this.storeVar(binding, dst, s.span);
      } else if (direct) {
        this.exprTo(s.value, binding.reg);
      } else {
        const v = this.exprAny(s.value);
        this.pos(s.span);
        this.storeVar(binding, v, s.span);
      }
      return;
    }
    if (t.kind === "Member") {
      const g = this.r.qualified.get(t);
      if (g) {
        const v = this.b.alloc();
        if (compound) {
          const cur = this.b.alloc();
          this.getGlobal(cur, g.index);
          const x = this.exprAny(s.value);
          this.arith(compound, v, cur, x, s.value);
        } else this.exprTo(s.value, v);
        if (g.type) this.checkType(v, g.type, s.span);
        this.setGlobal(v, g.index);
        return;
      }
      const obj = this.exprAny(t.target);
      const name = this.env.out.constant({ kind: "string", value: t.name });
      const v = this.b.alloc();
      if (compound) {
        this.pos(t.span);
        this.b.emit("GETFIELD", [v, obj, 0], name);
        const x = this.exprAny(s.value);
        this.pos(s.span);
        this.arith(compound, v, v, x, s.value);
      } else this.exprTo(s.value, v);
      this.pos(s.span);
      this.b.emit("SETFIELD", [obj, v, 0], name);
      return;
    }
    if (t.kind === "Index") {
      if (t.indices.some((i) => i.kind === "SliceBounds")) {
        this.unsupported("assignment to a slice", this.b.alloc(), t.span);
        return;
      }
      if (t.indices.length > 1) {
        const base = this.b.alloc(1 + 2 * t.indices.length);
        this.exprTo(t.target, base);
        this.indexPairs(t.indices, base);
        const v = this.b.alloc();
        if (compound) {
          this.pos(t.span);
          this.b.emit("GETINDEXN", [v, base, t.indices.length], 0);
          const x = this.exprAny(s.value);
          this.pos(s.span);
          this.arith(compound, v, v, x, s.value);
        } else this.exprTo(s.value, v);
        this.pos(s.span);
        this.b.emit("SETINDEXN", [base, t.indices.length, v]);
        return;
      }
      const obj = this.exprAny(t.target);
      const idx = this.exprAny(t.indices[0] as A.Expr);
      const v = this.b.alloc();
      if (compound) {
        this.pos(t.span);
        this.b.emit("GETINDEX", [v, obj, idx]);
        const x = this.exprAny(s.value);
        this.pos(s.span);
        this.arith(compound, v, v, x, s.value);
      } else this.exprTo(s.value, v);
      this.pos(s.span);
      this.b.emit("SETINDEX", [obj, idx, v]);
    }
  }

  private ifStmt(s: A.IfStmt): void {
    const end = new Label();
    s.branches.forEach((br, i) => {
      const next = new Label();
      this.condJump(br.cond, next, false);
      this.block(br.body);
      if (i < s.branches.length - 1 || s.elseBody) this.b.jump(end);
      this.b.place(next);
    });
    if (s.elseBody) this.block(s.elseBody);
    this.b.place(end);
  }

  private loop(body: (loop: Loop) => void): void {
    const loop: Loop = { breakLabel: new Label(), continueLabel: new Label(), exitDepth: this.fn.exits.length };
    this.fn.loops.push(loop);
    body(loop);
    this.fn.loops.pop();
  }

  private whileStmt(s: A.WhileStmt): void {
    this.loop((loop) => {
      this.b.place(loop.continueLabel);
      this.condJump(s.cond, loop.breakLabel, false);
      this.block(s.body);
      this.b.jump(loop.continueLabel);
      this.b.place(loop.breakLabel);
    });
  }

  /** A for loop's variable: bound to `reg` (boxed when a closure captures it). */
  private bindLoopVar(binding: Binding | undefined, reg: number): void {
    if (binding?.kind !== "local") return;
    binding.reg = reg;
    if (binding.captured) this.b.emit("NEWBOX", [reg, reg, 0]);
  }

  private forStmt(s: A.ForStmt): void {
    const it = s.iterable;
    const first = this.r.decls.get(s);
    const second = this.r.secondDecls.get(s);
    const numeric = second === undefined && (it.kind === "Range" || this.isBuiltinCall(it, "range"));
    // a numeric loop: start (the variable), limit, step, a box; else the iterable, cursor, key, value, index
    const base = this.b.alloc(numeric ? 4 : 5);
    if (numeric) {
      let inclusive = 0;
      if (it.kind === "Range") {
        this.exprTo(it.from, base);
        this.exprTo(it.to, base + 1);
        this.b.emit("LOADI", [base + 2, 1]);
        inclusive = it.inclusive ? 1 : 0;
      } else {
        const args = (it as A.Call).args;
        if (args.length === 1) {
          this.b.emit("LOADI", [base, 0]);
          this.exprTo(args[0], base + 1);
        } else {
          this.exprTo(args[0], base);
          this.exprTo(args[1], base + 1);
        }
        if (args.length === 3) this.exprTo(args[2], base + 2);
        else this.b.emit("LOADI", [base + 2, 1]);
      }
      // a step of one with the limit excluded (`a..b`, range(a, b)) has its own loop instruction
      const unitStep = inclusive === 0 && (it.kind === "Range" || (it as A.Call).args.length < 3);
      this.loop((loop) => {
        const top = new Label();
        this.pos(it.span);
        this.b.jumpIf("FORPREP", [base, inclusive, 0], loop.breakLabel);
        this.b.place(top);
        // the counter is the loop variable (loop variables are immutable); a captured one gets a
        // fresh box each iteration
        this.block(s.body, () => {
          if (first?.kind === "local" && first.captured) {
            first.reg = base + 3;
            this.b.emit("NEWBOX", [base + 3, base, 0]);
          } else this.bindLoopVar(first, base);
        });
        this.b.place(loop.continueLabel);
        if (unitStep) this.b.jumpIf("FORLOOP1", [base, 0, 0], top);
        else this.b.jumpIf("FORLOOP", [base, inclusive, 0], top);
        this.b.place(loop.breakLabel);
      });
    } else {
      this.exprTo(it, base);
      this.pos(it.span);
      this.b.emit("ITERPREP", [base, 0, 0]);
      this.loop((loop) => {
        this.b.place(loop.continueLabel);
        this.b.jumpIf("ITERNEXT", [base, second ? 1 : 0, 0], loop.breakLabel);
        this.block(s.body, () => {
          this.bindLoopVar(first, base + 2);
          this.bindLoopVar(second, base + 3);
        });
        this.b.jump(loop.continueLabel);
        this.b.place(loop.breakLabel);
      });
    }
  }

  private isBuiltinCall(e: A.Expr, name: string): boolean {
    if (e.kind !== "Call" || e.callee.kind !== "Ident") return false;
    const res = this.r.uses.get(e.callee);
    return res?.kind === "builtin" && res.name === name && e.args.length >= 1 && e.args.length <= 3;
  }

  private returnStmt(s: A.ReturnStmt): void {
    let reg: number;
    if (s.value) {
      reg = this.exprAny(s.value);
      // finally code may change the variable; the value returned is the one computed here
      if (this.fn.exits.length > 0 && this.isLocalReg(reg)) {
        const t = this.b.alloc();
        this.b.emit("MOVE", [t, reg, 0]);
        reg = t;
      }
    } else {
      reg = this.b.alloc();
      this.b.emit("LOADNIL", [reg, 0, 0]);
    }
    if (this.fn.returnType) this.checkType(reg, this.fn.returnType, s.span);
    this.runExits(
      0,
      () => {
        this.pos(s.span);
        this.b.emit("RETURN", [reg, 0, 0]);
      },
      true,
    );
  }

  /**
   * Emits the exit actions pushed since `depth` (innermost first), then `leave` (the jump or
   * return; a return leaves regions itself). Each try's guards close before its finally copy,
   * so an error in the copy goes to the enclosing handlers only; all reopen after `leave`.
   */
  private runExits(depth: number, leave: () => void, returning = false): void {
    const actions = this.fn.exits.slice(depth).reverse();
    const saved = this.fn.exits.splice(depth);
    const closed: Guard[] = [];
    for (const a of actions) {
      if (a.kind === "region") {
        // a return leaves its regions in the VM, which keeps the returned value alive
        if (!returning) this.b.emit("REGIONEXIT", [a.firstDead, 0, 0]);
        continue;
      }
      for (const g of a.guards) {
        g.close(this.b.pc);
        closed.push(g);
      }
      // the finally copy runs outside its own try: exits inside it see only outer actions
      const outer = saved.slice(0, saved.indexOf(a));
      this.fn.exits.push(...outer);
      this.block(a.body);
      this.fn.exits.splice(depth);
    }
    leave();
    this.fn.exits.push(...saved);
    for (const g of closed) g.reopen(this.b.pc);
  }

  private tryStmt(s: A.TryStmt): void {
    const mark = this.b.top;
    const errReg = this.b.alloc();
    const after = new Label();
    const region = this.b.regionDepth;
    const handlers = (g: Guard, target: number) => {
      for (const [start, end] of g.ranges) this.b.addHandler({ start, end, target, reg: errReg, region });
    };
    const bodyGuard = new Guard(this.b.pc);
    const withFinally = (guard: Guard, body: () => void) => {
      if (!s.finallyBody) return body();
      this.fn.exits.push({ kind: "finally", body: s.finallyBody, guards: [guard], loopDepth: this.fn.loops.length });
      body();
      this.fn.exits.pop();
    };
    withFinally(bodyGuard, () => this.block(s.body));
    bodyGuard.close(this.b.pc);
    if (s.finallyBody) this.block(s.finallyBody);
    this.b.jump(after);

    let rethrowGuard = bodyGuard;
    if (s.catchBody) {
      const catchBody = s.catchBody;
      const catchStart = this.b.pc;
      handlers(bodyGuard, catchStart);
      const catchGuard = new Guard(this.b.pc);
      withFinally(catchGuard, () =>
        this.block(catchBody, () => {
          const binding = this.r.decls.get(s);
          if (binding?.kind === "local") {
            binding.reg = errReg;
            if (binding.captured) this.b.emit("NEWBOX", [errReg, errReg, 0]);
          }
        }),
      );
      catchGuard.close(this.b.pc);
      if (s.finallyBody) this.block(s.finallyBody);
      this.b.jump(after);
      rethrowGuard = catchGuard;
    }
    if (s.finallyBody) {
      handlers(rethrowGuard, this.b.pc);
      this.block(s.finallyBody);
      this.b.emit("THROW", [errReg, 0, 0]);
    }
    this.b.place(after);
    this.b.release(mark);
  }

  private regionStmt(s: A.RegionStmt): void {
    // the block's locals and temporaries live above this register; at the exit they are dead,
    // so the region's collection does not count them as roots
    const firstDead = this.b.top;
    this.b.emit("REGIONENTER", [0, 0, 0]);
    this.b.regionDepth++;
    this.fn.exits.push({ kind: "region", loopDepth: this.fn.loops.length, firstDead });
    this.block(s.body);
    this.fn.exits.pop();
    this.b.regionDepth--;
    this.b.emit("REGIONEXIT", [firstDead, 0, 0]);
  }

  // ---------------------------------------------------------------- conditions

  /** Jumps to `label` when e's truth equals `when`; falls through otherwise. */
  private condJump(e: A.Expr, label: Label, when: boolean): void {
    const mark = this.b.top;
    if (e.kind === "Logical") {
      // `a and b and c ...` as its operands in order, so a long chain is a loop, not recursion
      const operands: A.Expr[] = [e.right];
      let head = e.left;
      while (head.kind === "Logical" && head.op === e.op) {
        operands.push(head.right);
        head = head.left;
      }
      operands.push(head);
      operands.reverse();
      if ((e.op === "and") !== when) {
        // and-false / or-true: any operand decides
        for (const x of operands) this.condJump(x, label, when);
      } else {
        // and-true / or-false: all must agree; the first that does not skips the jump
        const skip = new Label();
        for (let i = 0; i < operands.length - 1; i++) this.condJump(operands[i], skip, !when);
        this.condJump(operands[operands.length - 1], label, when);
        this.b.place(skip);
      }
    } else if (e.kind === "Unary" && e.op === "not") {
      this.condJump(e.operand, label, !when);
    } else if (e.kind === "Bool") {
      if (e.value === when) this.b.jump(label);
    } else if (e.kind === "Binary" && !when && ["<", "<=", ">", ">=", "==", "!="].includes(e.op)) {
      this.compareJump(e, label);
    } else if (e.kind === "Binary" && when && (e.op === "==" || e.op === "!=")) {
      const l = this.exprAny(e.left),
        r = this.exprAny(e.right);
      this.pos(e.opSpan);
      this.b.jumpIf(e.op === "==" ? "JEQ" : "JNE", [l, r, 0], label);
    } else {
      const r = this.exprAny(e);
      this.b.jumpIf(when ? "JMPIF" : "JMPIFNOT", [r, 0, 0], label);
    }
    this.b.release(mark);
  }

  /** Jumps when the comparison is false, with fused compare-and-jump instructions. */
  private compareJump(e: A.Binary, label: Label): void {
    const imm = e.right.kind === "Number" && isSmallInt(e.right.value, 16) ? e.right.value : undefined;
    if (imm !== undefined && e.op !== "==" && e.op !== "!=") {
      const l = this.exprAny(e.left);
      const op: OpName = e.op === "<" ? "JNLTI" : e.op === "<=" ? "JNLEI" : e.op === ">" ? "JNGTI" : "JNGEI";
      this.pos(e.opSpan);
      this.b.jumpIf(op, [l, imm], label);
      return;
    }
    const l = this.exprAny(e.left),
      r = this.exprAny(e.right);
    this.pos(e.opSpan);
    switch (e.op) {
      case "<":
        return this.b.jumpIf("JNLT", [l, r, 0], label);
      case "<=":
        return this.b.jumpIf("JNLE", [l, r, 0], label);
      case ">":
        return this.b.jumpIf("JNLT", [r, l, 0], label);
      case ">=":
        return this.b.jumpIf("JNLE", [r, l, 0], label);
      case "==":
        return this.b.jumpIf("JNE", [l, r, 0], label);
      default:
        return this.b.jumpIf("JEQ", [l, r, 0], label);
    }
  }

  // ---------------------------------------------------------------- expressions

  /** A register holding e's value: a local's own register when possible, else a new temporary. */
  private exprAny(e: A.Expr): number {
    if (e.kind === "Ident") {
      const res = this.r.uses.get(e);
      const b = res?.kind === "binding" ? res.binding : undefined;
      if (b?.kind === "local" && b.fn === this.fn.scope && !b.captured && b.reg < WIDE_REGISTERS) return b.reg;
    }
    const t = this.b.alloc();
    this.exprTo(e, t);
    return t;
  }

  /** Evaluates e into register dst; temporaries above it are released afterwards. */
  private exprTo(e: A.Expr, dst: number): void {
    const mark = this.b.top;
    this.pos(e.span);
    this.exprInner(e, dst);
    this.b.release(mark);
  }

  private exprInner(e: A.Expr, dst: number): void {
    const links = chainLinks(e);
    if (links) return this.chain(links, dst);
    switch (e.kind) {
      case "Number":
        return this.loadConstant(dst, { kind: "number", value: e.value });
      case "String":
        return this.loadConstant(dst, { kind: "string", value: e.value });
      case "Bool":
        this.b.emit(e.value ? "LOADTRUE" : "LOADFALSE", [dst, 0, 0]);
        return;
      case "Nil":
        this.b.emit("LOADNIL", [dst, 0, 0]);
        return;
      case "Interp":
        return this.interp(e, dst);
      case "Ident":
        return this.loadName(e, dst);
      case "List":
        return this.list(e.items, dst);
      case "Map":
        return this.map(e, dst);
      case "StructLit":
        return this.structLit(e, dst);
      case "Unary": {
        const v = this.exprAny(e.operand);
        this.pos(e.span);
        this.b.emit(e.op === "-" ? "NEG" : "NOT", [dst, v, 0]);
        return;
      }
      case "Binary":
        return this.binary(e, dst);
      case "Logical": {
        const t = this.isLocalReg(dst) ? this.b.alloc() : dst;
        const end = new Label();
        this.exprTo(e.left, t);
        this.b.jumpIf(e.op === "and" ? "JMPIFNOT" : "JMPIF", [t, 0, 0], end);
        this.exprTo(e.right, t);
        this.b.place(end);
        if (t !== dst) this.b.emit("MOVE", [dst, t, 0]);
        return;
      }
      case "Range": {
        // outside a for loop a range is a list
        const base = this.b.alloc(2);
        this.exprTo(e.from, base);
        this.exprTo(e.to, base + 1);
        if (e.inclusive) this.b.emit("ADDI", [base + 1, base + 1, 1]);
        this.pos(e.span);
        this.b.emit("CALLB", [base, 2, BI_RANGE]);
        this.b.emit("MOVE", [dst, base, 0]);
        return;
      }
      case "Call":
        return this.call(e, dst);
      case "Index":
        return this.index(e, dst);
      case "Member": {
        const g = this.r.qualified.get(e);
        if (g) {
          this.getGlobal(dst, g.index);
          return;
        }
        const obj = this.exprAny(e.target);
        this.pos(e.nameSpan);
        this.b.emit("GETFIELD", [dst, obj, 0], this.env.out.constant({ kind: "string", value: e.name }));
        return;
      }
      case "Transpose": {
        const v = this.exprAny(e.operand);
        this.pos(e.span);
        this.b.emit("TRANSPOSE", [dst, v, 0]);
        return;
      }
      case "Lambda":
        return this.closure(e, "<lambda>", dst);
      case "Match":
        return this.match(e, dst);
      case "Matrix":
        return this.matrixLit(e, dst);
      case "Spawn":
        return this.spawn(e, dst);
      case "Await": {
        const v = this.exprAny(e.operand);
        this.pos(e.span);
        this.b.emit("AWAIT", [dst, v, 0]);
        return;
      }
      case "ErrorExpr":
        this.b.emit("LOADNIL", [dst, 0, 0]);
        return;
    }
  }

  /**
   * A chain of links into dst: the first link as usual, then each further one applied to the
   * value so far, which stays in one register (so a long chain needs neither host stack nor
   * registers in proportion to its length).
   */
  private chain(links: ChainLink[], dst: number): void {
    // a variable's own register is written only at the end: the chain may still read it
    const acc = this.isLocalReg(dst) ? this.b.alloc() : dst;
    this.exprTo(links[0], acc);
    for (let i = 1; i < links.length; i++) {
      const link = links[i];
      const mark = this.b.top;
      this.pos(link.span);
      switch (link.kind) {
        case "Binary":
          this.binary(link, acc, acc);
          break;
        case "Logical": {
          const end = new Label();
          this.b.jumpIf(link.op === "and" ? "JMPIFNOT" : "JMPIF", [acc, 0, 0], end);
          this.exprTo(link.right, acc);
          this.b.place(end);
          break;
        }
        case "Call": {
          const base = this.callBase(acc, this.callWidth(link.args.length));
          if (base !== acc) this.b.emit("MOVE", [base, acc, 0]);
          this.callWithCallee(link, base);
          if (base !== acc) this.b.emit("MOVE", [acc, base, 0]);
          break;
        }
        case "Index":
          this.index(link, acc, acc);
          break;
        case "Member":
          this.pos(link.nameSpan);
          this.b.emit("GETFIELD", [acc, acc, 0], this.env.out.constant({ kind: "string", value: link.name }));
          break;
        case "Transpose":
          this.b.emit("TRANSPOSE", [acc, acc, 0]);
          break;
      }
      this.b.release(mark);
    }
    if (acc !== dst) this.b.emit("MOVE", [dst, acc, 0]);
  }

  private loadName(e: A.Ident, dst: number): void {
    const res = this.r.uses.get(e);
    if (!res) return;
    if (res.kind === "builtin") {
      this.b.emit("LOADBUILTIN", [dst, res.id]);
      return;
    }
    if (res.kind === "prelude") {
      this.getGlobal(dst, this.env.preludeGlobal(res.name)!);
      return;
    }
    const binding = res.binding;
    if (binding.kind === "global") this.getGlobal(dst, binding.index);
    else if (binding.fn !== this.fn.scope) this.b.emit("GETCAP", [dst, this.capture(this.fn, binding), 0]);
    else if (binding.reg >= WIDE_REGISTERS) {
      this.b.emit("GETR", [dst, binding.reg]);
      if (binding.captured) this.b.emit("GETBOX", [dst, dst, 0]);
    } else if (binding.captured) this.b.emit("GETBOX", [dst, binding.reg, 0]);
    else if (binding.reg !== dst) this.b.emit("MOVE", [dst, binding.reg, 0]);
  }

  private interp(e: A.InterpString, dst: number): void {
    const parts = e.parts.filter((p) => p !== "");
    // in chunks, each joined after the text so far: a long string needs few registers
    const acc = this.isLocalReg(dst) ? this.b.alloc() : dst;
    for (let at = 0; at === 0 || at < parts.length; at += LITERAL_CHUNK) {
      const chunk = parts.slice(at, at + LITERAL_CHUNK);
      const mark = this.b.top;
      const joined = at > 0 ? 1 : 0;
      const base = this.b.alloc(Math.max(chunk.length + joined, 1));
      if (joined) this.b.emit("MOVE", [base, acc, 0]);
      chunk.forEach((p, i) => {
        if (typeof p === "string") this.loadConstant(base + joined + i, { kind: "string", value: p });
        else this.exprTo(p, base + joined + i);
      });
      this.pos(e.span);
      this.b.emit("CONCAT", [acc, base, chunk.length + joined]);
      this.b.release(mark);
    }
    if (acc !== dst) this.b.emit("MOVE", [dst, acc, 0]);
  }

  private list(items: A.Expr[], dst: number): void {
    // a long literal is made in steps: a variable's own register is written only at the end
    const acc = items.length > LITERAL_CHUNK && this.isLocalReg(dst) ? this.b.alloc() : dst;
    const first = Math.min(items.length, LITERAL_CHUNK);
    const base = this.b.alloc(Math.max(first, 1));
    for (let i = 0; i < first; i++) this.exprTo(items[i], base + i);
    this.b.emit("NEWLIST", [acc, base, first]);
    // long literals: the rest one push at a time
    for (let i = first; i < items.length; i++) {
      const args = this.b.alloc(2);
      this.b.emit("MOVE", [args, acc, 0]);
      this.exprTo(items[i], args + 1);
      this.b.emit("CALLB", [args, 2, BI_PUSH]);
      this.b.release(args);
    }
    if (acc !== dst) this.b.emit("MOVE", [dst, acc, 0]);
  }

  private map(e: A.MapLit, dst: number): void {
    const first = Math.min(e.entries.length, LITERAL_CHUNK / 2);
    // a long literal is made in steps: a variable's own register is written only at the end
    const acc = e.entries.length > first && this.isLocalReg(dst) ? this.b.alloc() : dst;
    const base = this.b.alloc(Math.max(first * 2, 1));
    for (let i = 0; i < first; i++) {
      this.exprTo(e.entries[i].key, base + 2 * i);
      this.exprTo(e.entries[i].value, base + 2 * i + 1);
    }
    this.pos(e.span);
    this.b.emit("NEWMAP", [acc, base, first]);
    for (let i = first; i < e.entries.length; i++) {
      const mark = this.b.top;
      const k = this.exprAny(e.entries[i].key);
      const v = this.exprAny(e.entries[i].value);
      this.b.emit("SETINDEX", [acc, k, v]);
      this.b.release(mark);
    }
    if (acc !== dst) this.b.emit("MOVE", [dst, acc, 0]);
  }

  private structLit(e: A.StructLit, dst: number): void {
    const sym = this.r.structs.get(e);
    if (!sym) return;
    const base = this.b.alloc(Math.max(sym.fields.length, 1));
    for (const f of e.fields) {
      const i = sym.fields.indexOf(f.name);
      if (i >= 0) this.exprTo(f.value, base + i);
    }
    sym.fieldTypes.forEach((t, i) => {
      if (t) this.checkType(base + i, t, e.fields.find((f) => f.name === sym.fields[i])?.span ?? e.span);
    });
    this.pos(e.span);
    this.b.emit("NEWSTRUCT", [dst, base, 0], sym.index);
  }

  private arith(op: OpName, dst: number, l: number, r: number, right: A.Expr): void {
    if ((op === "ADD" || op === "SUB") && right.kind === "Number" && isSmallInt(op === "ADD" ? right.value : -right.value, 8)) {
      this.b.emit("ADDI", [dst, l, op === "ADD" ? right.value : -right.value]);
      return;
    }
    this.b.emit(op, [dst, l, r]);
  }

  /** e into dst; `left` is a register already holding the left side's value, if any. */
  private binary(e: A.Binary, dst: number, left?: number): void {
    // x + 1, x - 2: an immediate operand saves a register and a load
    if ((e.op === "+" || e.op === "-") && e.right.kind === "Number" && isSmallInt(e.op === "+" ? e.right.value : -e.right.value, 8)) {
      const l = left ?? this.exprAny(e.left);
      this.pos(e.opSpan);
      this.b.emit("ADDI", [dst, l, e.op === "+" ? e.right.value : -e.right.value]);
      return;
    }
    const l = left ?? this.exprAny(e.left);
    const r = this.exprAny(e.right);
    this.pos(e.opSpan);
    if (e.op === ">") this.b.emit("LT", [dst, r, l]);
    else if (e.op === ">=") this.b.emit("LE", [dst, r, l]);
    else this.b.emit(BINARY_OPS[e.op]!, [dst, l, r]);
  }

  private call(e: A.Call, dst: number): void {
    const callee = e.callee;
    const res = callee.kind === "Ident" ? this.r.uses.get(callee) : undefined;
    if (res?.kind === "builtin" && e.args.length > CALL_ARGS) {
      // the builtin as a value, called with its arguments in a list
      const base = this.callBase(dst, 2);
      this.b.emit("LOADBUILTIN", [base, res.id]);
      this.callWithCallee(e, base);
      if (BUILTINS[res.id].host) this.b.emit("AWAIT", [base, base, 0]);
      if (base !== dst) this.b.emit("MOVE", [dst, base, 0]);
      return;
    }
    if (res?.kind === "builtin" && !(res.id === BI_SORT && e.args.length === 2)) {
      const base = this.callBase(dst, Math.max(e.args.length, 1));
      e.args.forEach((a, i) => this.exprTo(a, base + i));
      this.pos(e.span);
      this.b.emit("CALLB", [base, e.args.length, res.id]);
      // a host builtin may answer with a future (its promise): only this fiber waits for it
      if (BUILTINS[res.id].host) this.b.emit("AWAIT", [base, base, 0]);
      if (base !== dst) this.b.emit("MOVE", [dst, base, 0]);
      return;
    }
    const base = this.callBase(dst, this.callWidth(e.args.length));
    // a function in a global is called straight from it
    const global =
      res?.kind === "builtin"
        ? this.env.preludeGlobal(SORT_WITH)
        : res?.kind === "prelude"
          ? this.env.preludeGlobal(res.name)
          : res?.kind === "binding" && res.binding.kind === "global"
            ? res.binding.index
            : callee.kind === "Member"
              ? this.r.qualified.get(callee)?.index
              : undefined;
    if (global === undefined) this.exprTo(callee, base);
    this.callWithCallee(e, base, global);
    if (base !== dst) this.b.emit("MOVE", [dst, base, 0]);
  }

  /** Registers a call takes: the callee and its arguments, or the callee and a list of them. */
  private callWidth(args: number): number {
    return args > CALL_ARGS ? 2 : args + 1;
  }

  /** The call with its callee in register base (or in a global): arguments above it, then the call. */
  private callWithCallee(e: A.Call, base: number, global?: number): void {
    if (e.args.length > CALL_ARGS) {
      if (global !== undefined) this.getGlobal(base, global);
      this.list(e.args, base + 1);
      this.pos(e.span);
      this.b.emit("CALLV", [base, 0, 0]);
      return;
    }
    e.args.forEach((a, i) => this.exprTo(a, base + 1 + i));
    this.pos(e.span);
    if (global !== undefined) this.b.emit("CALLG", [base, e.args.length, 0], global);
    else this.b.emit("CALL", [base, e.args.length, 0]);
  }

  /** spawn f(args): like a call, but the callee runs as a task; spawn Name() makes an actor. */
  private spawn(e: A.SpawnExpr, dst: number): void {
    const call = e.call;
    if (this.r.actorSpawns.has(e)) {
      this.exprTo(call.callee, dst);
      this.pos(e.span);
      this.b.emit("NEWACTOR", [dst, 0, 0]);
      return;
    }
    const base = this.callBase(dst, this.callWidth(call.args.length));
    this.exprTo(call.callee, base);
    if (call.args.length > CALL_ARGS) {
      this.list(call.args, base + 1);
      this.pos(e.span);
      this.b.emit("SPAWNV", [base, 0, 0]);
    } else {
      call.args.forEach((a, i) => this.exprTo(a, base + 1 + i));
      this.pos(e.span);
      this.b.emit("SPAWN", [base, call.args.length, 0]);
    }
    if (base !== dst) this.b.emit("MOVE", [dst, base, 0]);
  }

  /** [1, 2; 3, 4]: small literals in one instruction, larger ones through matrix(list of rows). */
  private matrixLit(e: A.MatrixLit, dst: number): void {
    const count = e.rows.reduce((n, r) => n + r.length, 0);
    if (count <= LITERAL_CHUNK) {
      const base = this.b.alloc(Math.max(count, 1));
      let i = 0;
      for (const row of e.rows) for (const x of row) this.exprTo(x, base + i++);
      this.pos(e.span);
      this.b.emit("NEWMATRIX", [dst, base, count], count === 0 ? 0 : e.rows.length);
      return;
    }
    const base = this.b.alloc(1);
    this.list(
      e.rows.map((items) => ({ kind: "List", items, span: e.span }) as A.ListLit),
      base,
    );
    this.pos(e.span);
    this.b.emit("CALLB", [base, 1, BI_MATRIX]);
    this.b.emit("MOVE", [dst, base, 0]);
  }

  /** Loads a multi-dimensional index into pairs after `base`; returns the slice mask. */
  private indexPairs(indices: (A.Expr | A.SliceBounds)[], base: number): number {
    let mask = 0;
    indices.forEach((ix, d) => {
      const r = base + 1 + 2 * d;
      if (ix.kind === "SliceBounds") {
        mask |= 1 << d;
        if (ix.from) this.exprTo(ix.from, r);
        else this.b.emit("LOADNIL", [r, 0, 0]);
        if (ix.to) this.exprTo(ix.to, r + 1);
        else this.b.emit("LOADNIL", [r + 1, 0, 0]);
      } else {
        this.exprTo(ix, r);
        this.b.emit("LOADNIL", [r + 1, 0, 0]);
      }
    });
    return mask;
  }

  /**
   * Consecutive registers for a call. When the destination is the newest temporary, the call
   * starts there, so its result needs no move.
   */
  private callBase(dst: number, n: number): number {
    if (dst === this.b.top - 1 && dst >= this.localsTop) {
      if (n > 1) this.b.alloc(n - 1);
      return dst;
    }
    return this.b.alloc(n);
  }

  /** e into dst; `target` is a register already holding the indexed value, if any. */
  private index(e: A.Index, dst: number, target?: number): void {
    if (e.indices.length !== 1) {
      if (e.indices.length > 32) return this.limit(e.span, `an index has at most 32 dimensions, this one has ${e.indices.length}`);
      const base = this.b.alloc(1 + 2 * e.indices.length);
      if (target !== undefined) this.b.emit("MOVE", [base, target, 0]);
      else this.exprTo(e.target, base);
      const mask = this.indexPairs(e.indices, base);
      this.pos(e.span);
      this.b.emit("GETINDEXN", [dst, base, e.indices.length], mask);
      return;
    }
    const i = e.indices[0];
    const t = target ?? this.exprAny(e.target);
    if (i.kind === "SliceBounds") {
      const bounds = this.b.alloc(2);
      if (i.from) this.exprTo(i.from, bounds);
      else this.b.emit("LOADNIL", [bounds, 0, 0]);
      if (i.to) this.exprTo(i.to, bounds + 1);
      else this.b.emit("LOADNIL", [bounds + 1, 0, 0]);
      this.pos(e.span);
      this.b.emit("SLICE", [dst, t, bounds]);
      return;
    }
    if (i.kind === "Number" && Number.isInteger(i.value) && i.value >= 0 && i.value < 256) {
      this.pos(e.span);
      this.b.emit("GETINDEXI", [dst, t, i.value]);
      return;
    }
    const idx = this.exprAny(i);
    this.pos(e.span);
    this.b.emit("GETINDEX", [dst, t, idx]);
  }

  private match(e: A.MatchExpr, dst: number): void {
    const subject = this.b.alloc();
    this.exprTo(e.subject, subject);
    const result = this.isLocalReg(dst) ? this.b.alloc() : dst;
    const end = new Label();
    for (const c of e.cases) {
      const next = new Label();
      const mark = this.b.top;
      this.pattern(c.pattern, subject, next);
      if (c.guard) this.condJump(c.guard, next, false);
      if (c.body.kind === "Block") this.blockValue(c.body, result);
      else this.exprTo(c.body, result);
      this.b.release(mark);
      this.b.jump(end);
      this.b.place(next);
    }
    this.pos(e.span);
    this.b.emit("FAIL", [subject, ERRORS.NoMatch.code]);
    this.b.place(end);
    if (result !== dst) this.b.emit("MOVE", [dst, result, 0]);
  }

  /** A block used as a value: the value of its last expression statement, else nil. */
  private blockValue(b: A.Block, dst: number): void {
    const last = b.body[b.body.length - 1];
    if (last?.kind !== "ExprStmt") {
      this.block(b);
      this.b.emit("LOADNIL", [dst, 0, 0]);
      return;
    }
    const mark = this.b.top;
    this.blockBody(b.body.slice(0, -1));
    this.exprTo(last.expr, dst);
    this.b.release(mark);
  }

  /** Tests `value` against a pattern, binding names; jumps to `fail` when it does not match. */
  private pattern(p: A.Pattern, value: number, fail: Label): void {
    switch (p.kind) {
      case "PWildcard":
        return;
      case "PBind": {
        const binding = this.r.decls.get(p);
        if (binding?.kind !== "local") return;
        binding.reg = this.b.alloc();
        this.b.emit("MOVE", [binding.reg, value, 0]);
        if (binding.captured) this.b.emit("NEWBOX", [binding.reg, binding.reg, 0]);
        return;
      }
      case "PLiteral": {
        const k = this.b.alloc();
        if (p.value === null) this.b.emit("LOADNIL", [k, 0, 0]);
        else if (typeof p.value === "boolean") this.b.emit(p.value ? "LOADTRUE" : "LOADFALSE", [k, 0, 0]);
        else this.loadConstant(k, typeof p.value === "number" ? { kind: "number", value: p.value } : { kind: "string", value: p.value });
        this.b.jumpIf("JNE", [value, k, 0], fail);
        return;
      }
      case "PList": {
        const t = this.b.alloc();
        if (p.items.length > 255) return this.limit(p.span, `a list pattern has at most 255 items, this one has ${p.items.length}`);
        this.b.emit("ISLIST", [t, value, p.items.length]);
        this.b.jumpIf("JMPIFNOT", [t, 0, 0], fail);
        p.items.forEach((item, i) => {
          const r = this.b.alloc();
          this.b.emit("GETINDEXI", [r, value, i]);
          this.pattern(item, r, fail);
        });
        return;
      }
      case "PStruct": {
        const sym = this.r.structs.get(p);
        if (!sym) return;
        const t = this.b.alloc();
        this.b.emit("ISSTRUCT", [t, value, 0], sym.index);
        this.b.jumpIf("JMPIFNOT", [t, 0, 0], fail);
        for (const f of p.fields) {
          const r = this.b.alloc();
          this.b.emit("GETFIELD", [r, value, 0], this.env.out.constant({ kind: "string", value: f.name }));
          this.pattern(f.pattern, r, fail);
        }
        return;
      }
    }
  }
}
