// The compiled tier of one VM: answers the core's requests to compile a hot function (see
// assembly/vm/jit-entry.ts), puts the code in the VM's function table, and counts what it did.
// Compiled modules depend only on a function's bytecode and constants, never on addresses, so one
// compilation serves every VM of the process that loads the same function.
import { decodeAt } from "../bytecode/instruction.js";
import type { Constant, FunctionProto } from "../bytecode/module.js";
import type { CoreExports } from "../runtime/core.js";
import * as L from "../runtime/heap-layout.generated.js";
import { binaryenNow, loadBinaryen } from "./binaryen-loader.js";
import type { compileToBytes } from "./compile-job.js";
import { type CompileResult, type CompilerThread, compilerStarted, compilerThread } from "./compiler-thread.js";
import type { InlineCallee, leafInstructions } from "./inline.js";
import { BODY, ENTRY } from "./module-exports.js";

export type JitMode = "off" | "on" | "eager";

export const JIT_MODES: readonly JitMode[] = ["off", "on", "eager"];

/** Samples (one per 8 192 steps) that must find a function running before it is compiled. */
export const DEFAULT_HOT_SAMPLES = 8;

export interface JitOptions {
  /** off: interpret everything; on (the default): compile hot functions; eager: compile every function at its first call. */
  jit?: JitMode;
  /** Samples that make a function hot (default 8: about 65 000 steps spent in it). */
  jitThreshold?: number;
}

export interface JitStats {
  mode: JitMode;
  /** Functions compiled (or taken from the process's cache of compiled code). */
  compiled: number;
  /** Functions the compiler gave up on (their code stays interpreted). */
  refused: number;
  /** Times compiled code handed its frame back to the interpreter because a guard failed. */
  deopts: number;
  /** Functions left to the interpreter after deoptimising too often. */
  abandoned: number;
  /** Milliseconds each compilation that finished during this VM's runs took, in order. */
  compileMs: number[];
  /**
   * Functions found hot whose code was not ready when asked for (being compiled, or the compiler
   * not yet started) and that ran interpreted to the end: 0 when everything hot ran compiled.
   */
  waiting: number;
}

export interface CompilableFunction {
  proto: FunctionProto;
  constants: readonly Constant[];
}

/**
 * How long a VM runs before its first hot function starts the compiler thread. Loading binaryen
 * costs about a second of a core, which only a program that runs on can win back: waiting until
 * the program has run about that long (as renting skis until their price is spent) never costs
 * a short program the load, and costs a long one at most this delay.
 */
const COMPILER_START_MS = 1000;
/** Or how many requests for hot functions the process's VMs make before it starts. */
const COMPILER_START_REQUESTS = 64;
let hotRequests = 0;

/**
 * The compiler on this thread, loaded with binaryen and only when a function is compiled here
 * (eager mode, or a platform without a compiler thread): a program that never compiles never
 * parses it.
 */
let compileHere: typeof compileToBytes | undefined;
function loadCompiler(): Promise<unknown> {
  return Promise.all([loadBinaryen(), loadInliner(), import("./compile-job.js").then((m) => (compileHere = m.compileToBytes))]);
}
/** What finds the leaf functions a caller takes in (inline.ts, with the analysis), loaded at the first request. */
let isLeaf: typeof leafInstructions | undefined;
function loadInliner(): Promise<unknown> {
  return import("./inline.js").then((m) => (isLeaf = m.leafInstructions));
}

/** Compiled modules of the process by cacheKey; null for a function the compiler refused. */
const cache = new Map<string, WebAssembly.Module | null>();
/**
 * A function's key -> the key of its module with leaf functions inlined, and what that module
 * assumed: the function at each index has the code it had (its guards check the rest at run time).
 */
const withInlines = new Map<string, { key: string; callees: { index: number; key: string }[] }>();
/** Functions a compiler thread is compiling now. */
const pending = new Set<string>();

/** Only what the compiled code depends on: the function's shape, code and constants. */
function cacheKey(f: CompilableFunction): string {
  const { proto } = f;
  const handlers = proto.handlers.map((h) => `${h.start},${h.end},${h.target},${h.reg}`).join(";");
  const constants = f.constants.map((c) => (c.kind === "number" ? `n${c.value}` : "s")).join(",");
  return `${proto.nparams}/${proto.nrequired}/${proto.nregs}|${proto.code.join(",")}|${handlers}|${constants}`;
}

/** Takes in what the compiler thread finished; returns it. */
function collect(thread: CompilerThread): CompileResult[] {
  const done = thread.poll();
  for (const r of done) {
    pending.delete(r.key);
    cache.set(r.key, r.bytes ? new WebAssembly.Module(r.bytes as Uint8Array<ArrayBuffer>) : null);
  }
  return done;
}

export function jitModeOf(text: string | undefined): JitMode | undefined {
  return JIT_MODES.find((m) => m === text);
}

export class CompiledTier {
  private readonly stats: Omit<JitStats, "deopts" | "abandoned" | "mode" | "waiting"> = { compiled: 0, refused: 0, compileMs: [] };
  /** Functions asked for whose code was not ready (see JitStats.waiting). */
  private readonly waitingFor = new Set<number>();
  private readonly born = performance.now();

  constructor(
    private readonly core: CoreExports,
    private readonly functionAt: (index: number) => CompilableFunction | undefined,
    public mode: JitMode = "on",
  ) {}

  /**
   * A function just loaded whose code the process compiled already (another VM ran it: a
   * benchmark's next run, a server's next request) runs it from its first call.
   */
  loaded(index: number): void {
    if (this.mode === "off" || cache.size === 0) return;
    const f = this.functionAt(index);
    if (!f) return;
    const inlined = withInlines.get(cacheKey(f));
    const same = inlined?.callees.every((c) => {
      const callee = this.functionAt(c.index);
      return callee !== undefined && cacheKey(callee) === c.key;
    });
    const module = (inlined && same ? cache.get(inlined.key) : undefined) ?? cache.get(cacheKey(f));
    if (module) this.core.jitUseCompiled(index, this.instantiate(module));
  }

  /**
   * The core's request: the table slot of function `index`'s code, 0 to ask again later (it is
   * being compiled, or the compiler is loading), -1 never.
   */
  compile(index: number): number {
    const f = this.functionAt(index);
    if (!f) return -1;
    if (!isLeaf) {
      void loadInliner();
      this.waitingFor.add(index);
      return 0;
    }
    const inlines = this.leavesCalledBy(f, isLeaf);
    let key = cacheKey(f);
    if (inlines.length > 0) {
      const callees = inlines.map((c) => ({
        index: c.index,
        key: cacheKey({ proto: c.proto, constants: (this.functionAt(c.index) as CompilableFunction).constants }),
      }));
      const full = `${key}${callees.map((c, k) => `|inline ${inlines[k].global}>${c.index}:${c.key}`).join("")}`;
      withInlines.set(key, { key: full, callees });
      key = full;
    }
    const module = this.moduleFor(key, f, inlines);
    if (module === undefined) {
      this.waitingFor.add(index);
      return 0;
    }
    this.waitingFor.delete(index);
    if (module === null) {
      this.stats.refused++;
      return -1;
    }
    return this.instantiate(module);
  }

  /**
   * The leaf functions (see inline.ts) that the globals `f` calls through hold now. The compiled
   * code checks at each call that its global still holds that function.
   */
  private leavesCalledBy(f: CompilableFunction, leaf: typeof leafInstructions): InlineCallee[] {
    const globals = new Set<number>();
    for (let at = 0; at < f.proto.code.length; ) {
      const ins = decodeAt(f.proto.code, at);
      if (!ins) return [];
      if (ins.op === "CALLG") globals.add(ins.ext as number);
      at += ins.size;
    }
    if (globals.size === 0) return [];
    const memory = new DataView(this.core.memory.buffer);
    const globalsBase = (this.core as unknown as Record<string, WebAssembly.Global>).globalsBase.value as number;
    const out: InlineCallee[] = [];
    for (const global of globals) {
      const bits = memory.getBigUint64(globalsBase + global * 8, true);
      if (bits >> 32n !== L.TAG_OBJ >> 32n) continue;
      const closure = Number(bits & 0xffff_ffffn);
      if (memory.getUint8(closure) !== L.T_CLOSURE) continue;
      const index = memory.getUint32(closure + L.CLO_PROTO, true);
      const callee = this.functionAt(index);
      if (!callee) continue;
      const constants = callee.constants.map(constantValue);
      if (leaf(callee.proto, (k) => constants[k] ?? "")) out.push({ global, index, proto: callee.proto, constants });
    }
    return out;
  }

  /** The module's entry in a new slot of the VM's table, its body in the next (which compiled callers call). */
  private instantiate(module: WebAssembly.Module): number {
    const instance = new WebAssembly.Instance(module, this.importsOf(module));
    const slot = this.core.table.grow(2);
    this.core.table.set(slot, instance.exports[ENTRY] as () => number);
    this.core.table.set(slot + 1, instance.exports[BODY] as () => bigint);
    this.stats.compiled++;
    return slot;
  }

  /** What a compiled module imports, all from the core: its memory, table, functions and globals. */
  private importsOf(module: WebAssembly.Module): WebAssembly.Imports {
    const exports = this.core as unknown as Record<string, WebAssembly.ExportValue>;
    const imports: Record<string, WebAssembly.ExportValue> = {};
    for (const { name } of WebAssembly.Module.imports(module)) imports[name] = exports[name];
    return { core: imports };
  }

  /** The function's module, null if refused, undefined while it is being compiled. */
  private moduleFor(key: string, f: CompilableFunction, inlines: InlineCallee[]): WebAssembly.Module | null | undefined {
    if (cache.has(key)) return cache.get(key);
    // a program done within its first moments never starts the compiler (or loads binaryen);
    // many short runs in one process start it as one long run would
    hotRequests++;
    if (this.mode !== "eager" && !compilerStarted() && performance.now() - this.born < COMPILER_START_MS && hotRequests < COMPILER_START_REQUESTS)
      return undefined;
    // eager mode compiles here, at the first call; hot functions go to the compiler thread if there is one
    const thread = this.mode === "eager" ? undefined : compilerThread();
    if (thread) for (const r of collect(thread)) this.stats.compileMs.push(r.ms);
    if (cache.has(key)) return cache.get(key);
    const constants = f.constants.map(constantValue);
    if (thread) {
      if (!pending.has(key)) {
        pending.add(key);
        thread.request({ key, proto: f.proto, constants, inlines });
      }
      return undefined;
    }
    const binaryen = binaryenNow();
    if (!binaryen || !compileHere) {
      void loadCompiler();
      return undefined;
    }
    const started = performance.now();
    const bytes = compileHere(binaryen, f.proto, constants, inlines);
    this.stats.compileMs.push(performance.now() - started);
    const module = bytes ? new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>) : null;
    cache.set(key, module);
    return module;
  }

  report(): JitStats {
    return {
      mode: this.mode,
      ...this.stats,
      compileMs: [...this.stats.compileMs],
      waiting: this.waitingFor.size,
      deopts: this.core.jitDeopts(),
      abandoned: this.core.jitAbandoned(),
    };
  }
}

function constantValue(c: Constant): number | string {
  return c.value;
}

/** Loads the compiler ahead of a run (eager mode compiles at the first call, so it must be there). */
export function prepareJit(mode: JitMode): Promise<unknown> {
  return mode === "off" ? Promise.resolve() : loadCompiler();
}

/** The core's number for a mode. */
export function coreJitMode(mode: JitMode): number {
  return mode === "off" ? 0 : mode === "on" ? 1 : 2;
}
