// The Noodle library: compile source to NBC modules, run them on the WebAssembly VM, and
// exchange values with JavaScript. The same API works in Node, browsers and workers.

import { BytecodeError } from "./bytecode/errors.js";
import type { NbcModule } from "./bytecode/module.js";
import { type CompileOptions, type CompileResult, CompileSession, compile } from "./compiler/compile.js";
import { type Diagnostic, renderDiagnostic } from "./compiler/diagnostics.js";
import type { GpuMode } from "./gpu/offload.js";
import type { JitOptions } from "./jit/compiled-tier.js";
import { type DType, type Matrix, matrixFromArrays } from "./math/arrays.js";
import type { MetricsRegistry } from "./metrics/registry.js";
import type { PlotDisplay } from "./plot/plot-host.js";
import type { CoreVariant } from "./runtime/core.js";
import type { PermissionOptions, Permissions } from "./runtime/permissions.js";
import { NoodleRuntimeError } from "./runtime/runtime-error.js";
import type { JsValue } from "./runtime/values.js";
import { type Limits, type RunOutcome, type Supervision, VM } from "./runtime/vm.js";
import { defaultStorage, installStorage, openStore as openStoreIn, type StorageEnvironment, type Store, usesStorage } from "./store/index.js";

export { decodeModule, encodeModule, moduleHash } from "./bytecode/codec.js";
export { disassemble } from "./bytecode/disasm.js";
export { verifyModule } from "./bytecode/verifier.js";
export {
  type AttachOptions,
  type CallOptions,
  type EndpointFactory,
  type MatrixLike,
  Pool,
  type PoolOptions,
  serveWorker,
  setDefaultEndpoints,
  type WorkerEndpoint,
  type WorkerPort,
  type WorkerStats,
  webWorkers,
} from "./concurrency/index.js";
export { ERROR_LIST, errorSpec } from "./errors/table.js";
export { destroyGpuDevice } from "./gpu/device.js";
export type { GpuInfo, GpuMode } from "./gpu/offload.js";
export type { JitMode, JitOptions, JitStats } from "./jit/compiled-tier.js";
export { type DType, Matrix, Tensor } from "./math/arrays.js";
export {
  Counter,
  DEFAULT_BUCKETS,
  Gauge,
  Histogram,
  type MetricKind,
  MetricsError,
  MetricsRegistry,
  PROMETHEUS_CONTENT_TYPE,
} from "./metrics/registry.js";
export { observeVm } from "./metrics/vm-metrics.js";
export type { Figure } from "./plot/figure.js";
export type { PlotDisplay } from "./plot/plot-host.js";
export { bestCoreVariant } from "./runtime/core.js";
export { type FileSystem, setPlatformFileSystem } from "./runtime/file-system.js";
export { HostError } from "./runtime/host-calls.js";
export { type PermissionOptions, Permissions } from "./runtime/permissions.js";
export type { ProgramVersion, UpgradeEvent, UpgradeOptions, UpgradeOutcome, Upgrades } from "./runtime/upgrade.js";
export { STRUCT_NAME } from "./runtime/values.js";
export { VM, type VmOptions } from "./runtime/vm.js";
export {
  CodecError,
  decodeValue,
  encodeValue,
  installStorage,
  type LogDevice,
  MemoryLog,
  prepareStorage,
  type StorageEnvironment,
  Store,
  type StoredValue,
  type StoreStats,
  setDefaultLogOpener,
  valueHash,
} from "./store/index.js";
export type { CompileOptions, CompileResult, CoreVariant, Diagnostic, JsValue, Limits, NbcModule, Supervision };
export { BytecodeError, CompileSession, compile, NoodleRuntimeError, renderDiagnostic };

/**
 * Opens a store: at `path` with the platform's storage (a file in Node), in memory without one.
 * Its reads are synchronous; its writes return promises where the storage is asynchronous.
 */
export async function openStore(path?: string, storage?: StorageEnvironment): Promise<Store> {
  return openStoreIn(storage ?? (await defaultStorage()), path);
}

export interface RunOptions extends Limits, JitOptions {
  /** Which build of the core to use (default: the fastest this engine runs). */
  core?: CoreVariant;
  /** Restart limit of actors (default: 3 restarts within 5000 ms). */
  supervision?: Supervision;
  /** Receives everything the program prints (default: the console). */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** With source text: its file name and how to read what it imports. */
  file?: string;
  readFile?: (path: string) => string | undefined;
  /** Where std/db keeps stores (default: the platform's, files in Node). */
  storage?: StorageEnvironment;
  /**
   * What the program may read, write and see of the environment (std/fs, std/sys, stores with a
   * path). Default: nothing (stores only in memory); see docs/capabilities.md.
   */
  permissions?: PermissionOptions | Permissions;
  /** The program's arguments, `sys.args` (default: none). */
  args?: string[];
  /**
   * Where plot.show shows figures (default: SVG files in the working directory in Node, when the
   * permissions let the program write there; none in browsers, where plot.show fails with 3018).
   */
  onPlot?: PlotDisplay;
  /** Where the program's own series (std/metrics) go (default: a registry of the VM's own, `vm.metrics`). */
  metrics?: MetricsRegistry;
  /** Large f32 matrix work on a GPU: "auto" (default), "off" or "force" (see docs/gpu.md). */
  gpu?: GpuMode;
}

export interface RunResult {
  ok: boolean;
  /** The value the entry returned (nil for a program). */
  value?: JsValue;
  /** Compile errors, when the source did not compile. */
  diagnostics?: Diagnostic[];
  /** The runtime error that ended the run (or 1004 for a malformed module). */
  error?: NoodleRuntimeError;
  /** The code the program gave `sys.exit`, when it ended that way. */
  exitCode?: number;
}

function outcome(o: RunOutcome): RunResult {
  if (!o.ok) return { ok: false, error: o.error };
  return o.exitCode === undefined ? { ok: true, value: o.value } : { ok: true, value: o.value, exitCode: o.exitCode };
}

function bytecodeFailure(e: unknown): RunResult {
  if (e instanceof BytecodeError) return { ok: false, error: new NoodleRuntimeError(1004, e.message, []) };
  throw e;
}

/** Compiles (when given source) and runs a program on a fresh VM; its tasks may await host promises. */
export async function run(program: string | NbcModule, options: RunOptions = {}): Promise<RunResult> {
  let module: NbcModule;
  if (typeof program === "string") {
    const c = compile(program, { file: options.file, readFile: options.readFile });
    if (!c.ok || !c.module) return { ok: false, diagnostics: c.diagnostics };
    module = c.module;
  } else module = program;
  let vm: VM;
  try {
    vm = await VM.create(options);
  } catch (e) {
    // --gpu force without a GPU (9012) ends the run as its error; other refusals reject
    if (e instanceof NoodleRuntimeError && e.code === 9012) return { ok: false, error: e };
    throw e;
  }
  if (usesStorage(module)) installStorage(vm, options.storage ?? (await defaultStorage()));
  let o: RunOutcome;
  try {
    o = await vm.runAsync(module);
  } catch (e) {
    return bytecodeFailure(e);
  }
  return outcome(o);
}

export interface EvalResult extends RunResult {
  /** Sources of the compiled text, for rendering diagnostics. */
  render?: () => string;
}

/**
 * A long-lived Noodle session: one VM whose top-level names persist from one `eval` to the
 * next (what a REPL or a notebook needs), with calls into Noodle functions from JavaScript.
 */
export class Noodle {
  private readonly session = new CompileSession();

  private constructor(
    readonly vm: VM,
    private readonly readFile?: (path: string) => string | undefined,
  ) {}

  static async create(options: RunOptions = {}): Promise<Noodle> {
    // storage loads beside the VM; where it cannot load (a page without sql.js), std/db reports
    // that it is unavailable rather than the session failing
    const [vm, storage] = await Promise.all([VM.create(options), options.storage ?? defaultStorage().catch(() => undefined)]);
    if (storage) installStorage(vm, storage);
    return new Noodle(vm, options.readFile);
  }

  /** Compiles and runs source in this session; the value of a final expression is returned. */
  eval(source: string, file = "<eval>"): EvalResult {
    const c = this.compileEval(source, file);
    if (!("entry" in c)) return c;
    try {
      return outcome(this.vm.run(c.entry));
    } catch (e) {
      return bytecodeFailure(e);
    }
  }

  /** Like eval, but the program's tasks may wait for host promises. */
  async evalAsync(source: string, file = "<eval>"): Promise<EvalResult> {
    const c = this.compileEval(source, file);
    if (!("entry" in c)) return c;
    let o: RunOutcome;
    try {
      o = await this.vm.runAsync(c.entry);
    } catch (e) {
      return bytecodeFailure(e);
    }
    return outcome(o);
  }

  private compileEval(source: string, file: string): { entry: NbcModule } | EvalResult {
    const c = compile(source, { file, readFile: this.readFile, session: this.session, valueOfLast: true });
    if (c.ok && c.module) return { entry: c.module };
    return { ok: false, diagnostics: c.diagnostics, render: () => c.diagnostics.map((d) => renderDiagnostic(d, c.sources.get(d.file))).join("\n") };
  }

  /** The current value of a top-level name, as JavaScript. */
  get(name: string): JsValue {
    const sym = this.session.names.get(name);
    if (sym?.kind !== "global") throw new ReferenceError(`no top-level name '${name}'`);
    return this.vm.global(sym.index);
  }

  /** Calls a top-level Noodle function with JavaScript arguments; a Noodle error is thrown. */
  call(name: string, ...args: unknown[]): JsValue {
    const sym = this.session.names.get(name);
    if (sym?.kind !== "global") throw new ReferenceError(`no top-level name '${name}'`);
    const o = this.vm.callGlobal(sym.index, args);
    if (!o.ok) throw o.error;
    return o.value;
  }

  /**
   * Calls a top-level Noodle function, waiting for what it awaits; a JavaScript promise among
   * the arguments arrives as a future that settles when the promise does.
   */
  async callAsync(name: string, ...args: unknown[]): Promise<JsValue> {
    const sym = this.session.names.get(name);
    if (sym?.kind !== "global") throw new ReferenceError(`no top-level name '${name}'`);
    const o = await this.vm.callGlobalAsync(sym.index, args);
    if (!o.ok) throw o.error;
    return o.value;
  }

  /** A matrix in this session's memory, from rows of numbers, to pass to Noodle functions. */
  matrix(rows: ArrayLike<number>[], dtype: DType = "f64"): Matrix {
    return matrixFromArrays(this.vm.core, rows, dtype);
  }

  setLimits(limits: Limits): void {
    this.vm.setLimits(limits);
  }
}
