// A virtual machine: one instance of the WebAssembly core with the modules loaded into it.
// Loading writes verified functions, constants and structs into the core's memory; running
// calls the core's dispatch loop and turns its outcome into JavaScript values or errors.

import { BUILTIN_ID, BUILTINS } from "../bytecode/builtin-table.js";
import type { Constant, FunctionProto, NbcModule } from "../bytecode/module.js";
import { verifyModule } from "../bytecode/verifier.js";
import { CodecError } from "../codec/codec-error.js";
import type { Install } from "../compiler/codegen.js";
import { PRELUDE_FILE } from "../compiler/prelude.js";
import { ERRORS, errorSpec, formatError } from "../errors/table.js";
import { acquireGpu } from "../gpu/device.js";
import { installGpuHost } from "../gpu/gpu-host.js";
import { type GpuInfo, type GpuMode, GpuOffload } from "../gpu/offload.js";
import { CompiledTier, coreJitMode, DEFAULT_HOT_SAMPLES, type JitOptions, type JitStats, prepareJit } from "../jit/compiled-tier.js";
import { installJson } from "../json/json-host.js";
import type { LogEvent } from "../logs/event-log.js";
import { installMetrics } from "../metrics/metrics-host.js";
import { MetricsRegistry } from "../metrics/registry.js";
import { observeUpgrades } from "../metrics/upgrade-metrics.js";
import { installPlots, type PlotDisplay } from "../plot/plot-host.js";
import { installStrings } from "../strings/string-host.js";
import { blockUntil } from "./block.js";
import { type ClusterView, installClusterHost } from "./cluster-host.js";
import { bestCoreVariant, type CoreExports, type CoreVariant, instantiateCore } from "./core.js";
import { CORE_STATUS } from "./core-status.js";
import { resolvedPath } from "./file-system.js";
import * as L from "./heap-layout.generated.js";
import { HostError, type HostFunction, hostBuiltinId, releaseArrays } from "./host-calls.js";
import { HostedRuns } from "./hosted-runs.js";
import { type PermissionOptions, Permissions } from "./permissions.js";
import { memoryLimitMessage, NoodleRuntimeError, runtimeMessage, type TraceFrame, traceLines } from "./runtime-error.js";
import { type LimitShare, newLimitShare, SharedLimits } from "./shared-limits.js";
import { StoreValues } from "./store-values.js";
import { installSystem } from "./system-host.js";
import { TRACE_MARK } from "./trace-marks.js";
import { type UpgradePeers, Upgrades } from "./upgrade.js";
import { type JsValue, makeString, numberValue, objectValue, type StructTypes, toCore, ValueReader } from "./values.js";

export interface Limits {
  /** Deepest call nesting (error 1001 beyond it). */
  maxDepth?: number;
  /** Instruction budget (error 4002 when spent); 0 or undefined: none. */
  maxSteps?: number;
  /** Most bytes of heap the program may hold (error 4001 beyond it); 0 or undefined: none. */
  maxMemory?: number;
}

/** How actors are restarted when a handler throws: at most `maxRestarts` within `withinMs`. */
export interface Supervision {
  maxRestarts?: number;
  withinMs?: number;
}

export const DEFAULT_SUPERVISION = { maxRestarts: 3, withinMs: 5000 };

export interface VmOptions extends Limits, JitOptions {
  /** Restart limit of actors (default: 3 restarts within 5 seconds, then the actor stops). */
  supervision?: Supervision;
  /** Which build of the core to use (default: the fastest this engine runs). */
  core?: CoreVariant;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** What the program may read, write and see of the environment (default: nothing; see docs/capabilities.md). */
  permissions?: PermissionOptions | Permissions;
  /** The program's arguments, `sys.args` (default: none). */
  args?: string[];
  /** Where plot.show shows figures (default: the platform's, SVG files in Node; see src/plot/plot-host.ts). */
  onPlot?: PlotDisplay;
  /** Where the program's own series (std/metrics) go (default: a registry of this VM's own, `vm.metrics`). */
  metrics?: MetricsRegistry;
  /** Told of runtime events (an actor restarted or stopped by its supervisor; see src/logs/). */
  events?: LogEvent;
  /**
   * Large f32 matrix work on a GPU (docs/gpu.md): auto (the default) where this device measured
   * it faster, force whenever a GPU is there (creating the VM fails with 9012 without one), off never.
   */
  gpu?: GpuMode;
}

/**
 * Computes C = A * B for the core: element addresses in the VM's memory, m x k times k x n,
 * dtype 0 f64 or 1 f32. Returns false to let the core compute it itself.
 */
/** Where a VM may send its tasks and actors to run elsewhere (a pool of workers). */
/**
 * Work of a task host that settles a future itself, with no Promise between: at 100 000 messages
 * a Promise, its reactions and their microtasks each add up. `cancel`, when present, is called
 * when a `timeout` gives up on the future.
 */
export interface HostWork {
  /** Calls `settled` once, with the value or (`failed`) the error, at once if it has settled. */
  whenSettled(settled: (outcome: unknown, failed: boolean) => void): void;
  cancel?(): void;
}

function isHostWork(x: PromiseLike<unknown> | HostWork): x is HostWork {
  return typeof (x as { whenSettled?: unknown }).whenSettled === "function";
}

export interface TaskHost {
  /**
   * Takes `spawn f(args)` of a top-level function (by prototype index): the promise of its
   * result, or undefined to run the task in this VM.
   */
  spawn?(proto: number, args: JsValue[]): PromiseLike<unknown> | HostWork | undefined;
  /** Whether `spawn` would refuse a task now (every worker busy): the VM keeps it without reading its arguments. */
  refusesTasks?(): boolean;
  /** Places a new actor of constructor `proto`: an id for it (> 0), or undefined to keep it in this VM. */
  spawnActor?(proto: number): number | undefined;
  /** Message `name(args)` to actor `id`: the promise of the handler's result. */
  sendActor(id: number, name: string, args: JsValue[]): PromiseLike<unknown> | HostWork;
  /**
   * Resolves once all the work this VM gave the host, and all that work started, has ended: a run
   * whose own fibers all ended waits for it, as for its own tasks. `cancel`: the run ended otherwise.
   */
  quiet?(): Promise<void> & { cancel?(): void };
  /** The VM has nothing to do but wait for host promises, no timer pending, or its hosted work ended (see `stall`). */
  stalled?(): void;
  /** The other VMs running this VM's work, upgraded with it (src/runtime/upgrade.ts); without it an upgrade is refused. */
  upgradePeers?: UpgradePeers;
}

/**
 * A call a VM runs for another: handler `name` of its actor `actor` (a handle from spawnActor),
 * or function `proto` (capturing nothing) as a task; with `args`.
 */
export type HostedCall = { actor: number; name: string; args: unknown[] } | { proto: number; args: unknown[] };

export type ProductHook = (a: number, b: number, c: number, m: number, k: number, n: number, dtype: number) => boolean;

/** How a run ended: with a value, with `sys.exit(code)` (`exitCode`), or with an error. */
export type RunOutcome = { ok: true; value: JsValue; exitCode?: number } | { ok: false; error: NoodleRuntimeError };

interface LoadedFunction {
  proto: FunctionProto;
  file: string;
  constants: readonly Constant[];
}

const MATH = [Math.sin, Math.cos, Math.tan, Math.exp, Math.log];
const decoder = new TextDecoder();

export const DEFAULT_MAX_DEPTH = 10_000;

/** Steps between the pauses of a run while an upgrade is under way (about a millisecond of work). */
const UPGRADE_SLICE = 1 << 16;
const STATUS_DONE: number = CORE_STATUS.DONE;
const STATUS_PAUSED: number = CORE_STATUS.PAUSED;
const STATUS_IDLE: number = CORE_STATUS.IDLE;
const STATUS_ERROR: number = CORE_STATUS.ERROR;
/** The host ended the run because the program called sys.exit in a task elsewhere (never a core status). */
const STATUS_EXITED = -1;
/** The host interrupted the run (`interrupt`): its fibers were cancelled. Never a core status. */
const STATUS_INTERRUPTED = -2;
/** Work of the run on another VM went past a limit of the program: the run ended with its error. Never a core status. */
const STATUS_LIMIT = -3;
/** The longest delay setTimeout takes. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long an asynchronous run computes before it lets the host's event loop turn. */
const ASYNC_TURN_MS = 20;

export class VM {
  private readonly functions: LoadedFunction[] = [];
  private readonly structFieldCounts: number[] = [];
  /** Struct types by "name(field,field)", for values the host builds (decoded from storage). */
  private readonly structIndex = new Map<string, number>();
  private readonly hosts = new Map<number, HostFunction>();
  private globalCount = 0;
  private readonly interned = new Map<string, number>();
  readonly reader: ValueReader;
  private stdout: (text: string) => void;
  private stderr: (text: string) => void;
  /** The modules loaded so far, in order (a replica of this VM loads the same). */
  readonly modules: NbcModule[] = [];
  /** Which build of the core this VM runs. */
  readonly variant: CoreVariant;
  private productHook: ProductHook | undefined;
  /** The least work of a product the hook takes (products offered for the GPU may be smaller). */
  private productWork = 0;
  /** This VM's use of the GPU; undefined with --gpu off. */
  private readonly gpu: GpuOffload | undefined;
  private taskHost: TaskHost | undefined;
  /** The registry std/metrics writes to (see src/metrics/). */
  readonly metrics: MetricsRegistry;
  /** Where the VM's runtime events go (see src/logs/). */
  events: LogEvent | undefined;

  private constructor(
    readonly core: CoreExports,
    options: VmOptions,
    hostRef: { vm?: VM },
  ) {
    hostRef.vm = this;
    this.variant = options.core ?? bestCoreVariant();
    this.stdout = options.stdout ?? ((t) => console.log(t.replace(/\n$/, "")));
    this.stderr = options.stderr ?? ((t) => console.error(t.replace(/\n$/, "")));
    this.reader = new ValueReader(
      core,
      (i) => this.functions[i]?.proto.name ?? "?",
      (id) => BUILTINS[id]?.name ?? "?",
      (p) => this.storeValues.handleOf(p),
    );
    this.storeValues = new StoreValues({
      core,
      loadedFunctions: () => this.functions,
      structType: (name, fields) => this.structType(name, fields),
      toValue: (v) => this.toValue(v),
    });
    this.setLimits(options);
    this.setSupervision(options.supervision ?? {});
    this.tier = new CompiledTier(core, (i) => this.functions[i]);
    this.useJit(options);
    // without a pool, pmap maps sequentially (see src/concurrency/pmap-host.ts)
    this.registerHost("__pmap", () => null);
    this.setCapabilities(options.permissions, options.args ?? []);
    const gpuMode = options.gpu ?? "auto";
    this.gpu = gpuMode === "off" ? undefined : new GpuOffload(core, gpuMode);
    installGpuHost(this, this.gpu ?? new GpuOffload(core, "off"));
    core.setArrayOffers(this.gpu?.arrayThreshold ?? 0);
    this.offerProducts();
    installSystem(this);
    installClusterHost(this, () => this.clusterView);
    installPlots(this, options.onPlot);
    installJson(this);
    installStrings(this);
    this.metrics = options.metrics ?? new MetricsRegistry();
    installMetrics(this, this.metrics);
    this.events = options.events;
    this.hosted = new HostedRuns({
      core: this.core,
      keep: (word) => this.keep(word),
      pointerOf: (handle) => this.pointerOf(handle),
      intern: (text) => this.intern(text),
      argumentsAt: (args) => this.argumentsAt(args),
      errorOfFault: (fallback) => this.errorOfFault(fallback),
      settledOutcome: (handle) => this.settledOutcome(handle),
      beginDrive: () => {
        this.enter();
        this.waiting = true;
      },
      endDrive: () => {
        this.running = false;
        this.waiting = false;
        this.taskHost?.stalled?.();
      },
      waitsInIdle: (status) => this.waitsInIdle(status),
      deliver: () => this.counted(() => this.core.deliver()),
      finishAsync: (status) => this.finishAsync(status),
      wakeUp: () => this.wakeUp(),
    });
  }

  /** What programs in this VM may touch outside it, and their arguments (std/fs, std/sys, std/db, imports). */
  setCapabilities(permissions: PermissionOptions | Permissions | undefined, args: string[]): void {
    this.permissionsSet = Permissions.of(permissions, resolvedPath);
    this.argsSet = [...args];
  }

  get permissions(): Permissions {
    return this.permissionsSet;
  }
  private permissionsSet = Permissions.NONE;
  /** The cluster this VM's program is attached to, as std/cluster shows it (see cluster-host.ts). */
  clusterView: ClusterView | undefined;

  get args(): readonly string[] {
    return this.argsSet;
  }
  private argsSet: string[] = [];

  /** Called by `sys.exit(code)`: the run ends at once, reporting `code`. */
  requestExit(code: number): void {
    this.exitCode ??= code;
  }
  /** The exit code the running program asked for, if it did. */
  private exitCode: number | undefined;

  static async create(options: VmOptions = {}): Promise<VM> {
    const ref: { vm?: VM } = {};
    const vm = () => ref.vm!;
    const core = await instantiateCore(
      {
        write: (fd, ptr, len) => vm().write(fd, ptr, len),
        formatNumber: (x, out) => {
          const s = String(x);
          const bytes = new Uint8Array(vm().core.memory.buffer, out, s.length);
          for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
          return s.length;
        },
        parseNumber: (ptr, len, okOut) => {
          const text = decoder.decode(new Uint8Array(vm().core.memory.buffer, ptr, len));
          const x = parseNumber(text);
          new Uint32Array(vm().core.memory.buffer, okOut, 1)[0] = x === undefined ? 0 : 1;
          return x ?? 0;
        },
        clock: () => performance.now(),
        math: (fn, x, y) => (fn === 5 ? x ** y : fn === 6 ? Math.atan2(x, y) : MATH[fn](x)),
        errorMessage: (code, argc, argsPtr) => {
          const message = vm().hostMessage;
          if (message !== undefined) {
            vm().hostMessage = undefined;
            return stringOrZero(vm().core, message);
          }
          if (code === ERRORS.MemoryLimit.code) return stringOrZero(vm().core, vm().memoryMessage());
          const args: JsValue[] = [];
          for (let i = 0; i < argc; i++) args.push(vm().reader.forMessage(argsPtr + i * 8));
          return stringOrZero(vm().core, runtimeMessage(code, args));
        },
        renderTrace: (list) => stringOrZero(vm().core, traceLines(vm().traceOf(list), "").join("\n")),
        call: (id, args, n, out) => vm().hostCall(id, args, n, out),
        matmul: (a, b, c, m, k, n, dt) => (vm().product(a, b, c, m, k, n, dt) ? 1 : 0),
        arrayOp: (kind, op, a, b, out, n, x) => (vm().gpu?.arrayOp(kind, op, a, b, out, n, x) ? 1 : 0),
        spawn: (proto, args, n, out) => vm().offerSpawn(proto, args, n, out),
        spawnActor: (proto) => vm().taskHost?.spawnActor?.(proto) ?? 0,
        sendActor: (id, name, args, n, out) => vm().sendActor(id, name, args, n, out),
        cancel: (p) => vm().cancelHostFuture(p),
        heapShare: (inUse) => vm().sharedLimits?.heapShare(inUse) ?? -1,
        jitCompile: (proto) => vm().tier.compile(proto),
        actorEvent: (kind, actor, name) => vm().actorEvent(kind, actor, name),
      },
      options.core,
    );
    const mode = options.jit ?? "on";
    if (mode === "eager") await prepareJit(mode);
    if (options.gpu === "force") {
      const gpu = await acquireGpu();
      if (gpu.kind !== "ready")
        throw new NoodleRuntimeError(ERRORS.NoGpu.code, formatError("NoGpu", { reason: gpu.kind === "none" ? gpu.reason : "no adapter" }), []);
    }
    return new VM(core, options, ref);
  }

  setLimits(limits: Limits): void {
    // a program's own limits start a new share when next asked for; work hosted here stays in its program's
    if (this.sharedLimits?.owned) this.sharedLimits = undefined;
    this.sharedLimits?.charge(this.core);
    this.core.setLimits(limits.maxDepth ?? DEFAULT_MAX_DEPTH, limits.maxSteps ?? 0, limits.maxMemory ?? 0);
    this.limitsSet = { ...limits };
    this.sharedLimits?.grant(this.core);
  }

  /**
   * This VM's budget and memory limit as a program's, shared with the VMs running its work on
   * other threads (see shared-limits.ts): what they pass to those VMs' `joinLimits`. Undefined
   * when it has neither limit, or the platform has no shared memory.
   */
  shareLimits(): LimitShare | undefined {
    if (!this.sharedLimits?.owned) {
      const share = newLimitShare(this.limitsSet.maxSteps, this.limitsSet.maxMemory);
      if (!share) return undefined;
      this.sharedLimits = new SharedLimits(share, true);
      this.sharedLimits.adopt(this.core);
    }
    return this.sharedLimits.share;
  }

  /**
   * Counts this VM's steps and heap in the limits of the program whose work it runs (from its
   * VM's `shareLimits`); `run`: the program's run the work belongs to, when it is one run's alone
   * (see shared-limits.ts).
   */
  joinLimits(share: LimitShare | undefined, run?: number): void {
    if (this.sharedLimits?.share.buffer !== share?.buffer) {
      this.sharedLimits?.charge(this.core);
      this.sharedLimits = share && new SharedLimits(share, false);
    }
    if (!this.sharedLimits) return;
    this.sharedLimits.workFor(run);
    this.sharedLimits.grant(this.core);
  }

  /** The run of this program going on, as its shared limits number it (see shared-limits.ts). */
  get limitsRun(): number | undefined {
    return this.sharedLimits?.owned ? this.sharedLimits.currentRun : undefined;
  }
  private sharedLimits: SharedLimits | undefined;

  /** The message of 4001 in this VM: its limit, or the size its heap reached. */
  memoryMessage(): string {
    return memoryLimitMessage(this.limitsSet.maxMemory, this.core.heapCommitted());
  }

  /** The limits this VM runs with (the VMs hosting its work on a pool's workers get its memory and depth limits). */
  get limits(): Limits {
    return { ...this.limitsSet };
  }
  private limitsSet: Limits = {};

  setSupervision(s: Supervision): void {
    const restarts = s.maxRestarts ?? DEFAULT_SUPERVISION.maxRestarts;
    const within = s.withinMs ?? DEFAULT_SUPERVISION.withinMs;
    if (!(restarts >= 0 && Number.isInteger(restarts)) || !(within >= 0)) {
      throw new NoodleRuntimeError(9001, formatError("BadOption", { detail: "supervision needs a whole maxRestarts >= 0 and withinMs >= 0" }), []);
    }
    this.core.setSupervision(Math.min(restarts, 0xffffffff), within);
    this.policy = { maxRestarts: restarts, withinMs: within };
  }

  /** The supervision policy of this VM's actors (actors it places elsewhere keep it). */
  get supervision(): Required<Supervision> {
    return { ...this.policy };
  }
  private policy = { ...DEFAULT_SUPERVISION };

  setOutput(stdout?: (text: string) => void, stderr?: (text: string) => void): void {
    if (stdout) this.stdout = stdout;
    if (stderr) this.stderr = stderr;
  }

  private write(fd: number, ptr: number, len: number): void {
    this.output(fd, decoder.decode(new Uint8Array(this.core.memory.buffer, ptr, len)));
  }

  /** Writes text to the program's output (fd 1) or error output (fd 2), as its `print` would. */
  output(fd: number, text: string): void {
    (fd === 2 ? this.stderr : this.stdout)(text);
  }

  /** The name of loaded function `index` (an actor's constructor has the actor's name). */
  functionName(index: number): string | undefined {
    return this.functions[index]?.proto.name;
  }

  /** The index of the prelude's function `name` among those loaded, when the program uses it. */
  preludeFunction(name: string): number | undefined {
    const i = this.functions.findIndex((f) => f.file === PRELUDE_FILE && f.proto.name === name);
    return i < 0 ? undefined : i;
  }

  /** What is loaded so far, for compiling and verifying modules that build on it. */
  get loaded(): { functions: number; structs: number[]; globals: number } {
    return { functions: this.functions.length, structs: this.structFieldCounts, globals: this.globalCount };
  }

  private intern(text: string): number {
    let p = this.interned.get(text);
    if (p === undefined) {
      p = makeString(this.core, text, true);
      this.interned.set(text, p);
    }
    return p;
  }

  private table(words: ArrayLike<number>, bytesPerItem: 4 | 8 = 4): number {
    const addr = this.core.allocTable(Math.max(1, words.length) * bytesPerItem);
    if (addr === 0) throw new RangeError("out of memory loading a module");
    new Uint32Array(this.core.memory.buffer, addr, words.length).set(words);
    return addr;
  }

  private defineStruct(name: string, fields: string[], display?: string): number {
    const index = this.structFieldCounts.length;
    const template = display === undefined ? 0 : this.intern(display);
    this.core.defineStruct(this.intern(name), fields.length, this.table(fields.map((f) => this.intern(f))), template);
    this.structFieldCounts.push(fields.length);
    const key = `${name}(${fields.join(",")})`;
    if (!this.structIndex.has(key)) this.structIndex.set(key, index);
    return index;
  }

  /** The struct type with this name and these fields: the first loaded one, else a new one. */
  readonly structType: StructTypes = Object.assign(
    (name: string, fields: string[]): number => this.structIndex.get(`${name}(${fields.join(",")})`) ?? this.defineStruct(name, fields),
    { store: (handle: number, path: JsValue) => this.storeValues.make(handle, path) },
  );

  /** Stores of std/db as values crossing to and from other VMs (store-values.ts). */
  private readonly storeValues: StoreValues;

  /** A JavaScript value as a value in this VM (see `toCore`); structs keep their type. */
  toValue(v: unknown): bigint {
    return toCore(this.core, v, this.structType);
  }

  /**
   * Hands matrix products of at least `work` multiply-adds to `hook` (a pool splitting them
   * across workers); without a hook every product stays in the core.
   */
  shareProducts(hook: ProductHook | undefined, work = 0): void {
    this.productHook = hook;
    this.productWork = hook ? Math.max(1, work) : 0;
    this.offerProducts();
  }

  /** Products reach the host from the least work the GPU or the hook takes. */
  private offerProducts(): void {
    const least = [this.productWork, this.gpu?.productThreshold ?? 0].filter((w) => w > 0);
    this.core.setParallelThreshold(least.length ? Math.min(...least) : 0);
  }

  /** A product the core offers: the GPU's when it takes it, else the hook's when large enough for it. */
  private product(a: number, b: number, c: number, m: number, k: number, n: number, dtype: number): boolean {
    if (this.gpu?.product(a, b, c, m, k, n, dtype)) return true;
    return this.productHook !== undefined && m * k * n >= this.productWork && this.productHook(a, b, c, m, k, n, dtype);
  }

  /** What the GPU did for this VM: the adapter, or why there is none, and each fallback's reason (docs/gpu.md). */
  gpuInfo(): GpuInfo {
    return (this.gpu ?? new GpuOffload(this.core, "off")).info();
  }

  /**
   * Offers the program's tasks of top-level functions and its actors to `host` (a pool running
   * them on workers); undefined: everything runs in this VM.
   */
  shareTasks(host: TaskHost | undefined): void {
    this.taskHost = host;
    this.core.setSpawnOffers(host?.spawn || host?.spawnActor ? 1 : 0);
  }

  private offerSpawn(proto: number, argsAddr: number, n: number, out: number): number {
    if (this.taskHost?.refusesTasks?.()) return 0;
    return this.fromCore(argsAddr, n, 0, (args) => {
      try {
        const promise = this.taskHost?.spawn?.(proto, args);
        if (!promise) return 0;
        this.writeWord(out, this.futureOf(promise, true));
        return 1;
      } catch {
        return 0; // anything the host cannot take runs here
      }
    });
  }

  private sendActor(id: number, name: number, argsAddr: number, n: number, out: number): number {
    return this.fromCore(argsAddr, n, 0, (args) => {
      if (!this.taskHost) throw new HostError(ERRORS.ActorStopped.code, [], "this actor lives on a worker pool that this VM is not attached to");
      this.writeWord(out, this.futureOf(this.taskHost.sendActor(id, this.reader.string(name), args), true));
      return 1;
    });
  }

  /** Whether the run going on is a program's, which work elsewhere at a limit ends (hosted work fails alone). */
  private endsAtLimit = false;
  private limitError: NoodleRuntimeError | undefined;

  /**
   * A call from the core with the n values at `addr`, as JavaScript values (released after):
   * `body`'s status, or `failed` with the program's error raised when it throws.
   */
  private fromCore(addr: number, n: number, failed: number, body: (args: JsValue[]) => number): number {
    const args: JsValue[] = [];
    try {
      for (let i = 0; i < n; i++) args.push(this.reader.at(addr + i * 8));
      return body(args);
    } catch (e) {
      this.raiseFromHost(e);
      return failed;
    } finally {
      releaseArrays(args);
    }
  }

  private writeWord(addr: number, word: bigint): void {
    this.words()[addr >>> 3] = word;
  }

  /**
   * The core's memory as 64-bit words; the view is made again only when the memory grew, which
   * detaches its old buffer (the memory is not shared) and so empties the view.
   */
  private words(): BigUint64Array {
    if (this.wordView.length === 0) this.wordView = new BigUint64Array(this.core.memory.buffer);
    return this.wordView;
  }
  private wordView = new BigUint64Array(0);

  // ---------------------------------------------------------------- work hosted for another VM

  /**
   * A new actor of constructor function `proto` (an actor declaration) hosted by this VM for
   * another; its constructor starts at once. Returns its handle for `runHosted`.
   */
  spawnActor(proto: number): number {
    return this.hosted.spawnActor(proto);
  }

  /**
   * Runs work for another VM: a message to an actor of this VM (from spawnActor), or a call of
   * function `proto` as a task. `done` gets its outcome (see hosted-runs.ts). Returns a cancel.
   */
  runHosted(work: HostedCall, done: (outcome: RunOutcome) => void): () => void {
    return this.hosted.run(work, done);
  }

  private readonly hosted: HostedRuns;

  /** Whether this VM hosts no work for another and runs none of its fibers. */
  get hostedEnded(): boolean {
    return this.hosted.ended;
  }

  /**
   * While the run waits with nothing to do but wait for host promises and no timer pending: how
   * many of its fibers are blocked on a future, and how many host promises it waits for.
   */
  stall(): { blocked: number; waits: number } | undefined {
    return this.stalled ? { blocked: this.core.blockedFibers(), waits: this.hostWaiting } : undefined;
  }
  private stalled = false;

  /**
   * The host found the program's fibers blocked here and in its other VMs (`elsewhere` of them),
   * with nothing that can wake them: one await here fails with 7004, as in one VM. False when
   * this VM is not stalled or has no blocked fiber.
   */
  breakDeadlock(elsewhere: number): boolean {
    if (!this.stalled || this.core.breakDeadlockAcross(elsewhere) === 0) return false;
    this.wakeUp();
    return true;
  }

  /** The outcome of the future a handle holds, or undefined while it is pending. */
  private settledOutcome(handle: number): RunOutcome | undefined {
    const slot = this.scratchWord();
    const state = this.core.futureOutcome(this.pointerOf(handle), slot);
    if (state === 1) return { ok: true, value: this.reader.at(slot) };
    if (state === 2) return { ok: false, error: this.errorAt(slot) };
    return undefined;
  }

  /** Resumes a run waiting in nextSettlement (a host promise settled, or hosted work came). */
  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Keeps a value alive for the host: a handle. */
  private keep(word: bigint): number {
    const slot = this.scratchWord();
    this.writeWord(slot, word);
    const handle = this.core.retain(slot);
    if (handle === 0) throw new RangeError("out of memory keeping a value");
    return handle;
  }

  /** A word of the core's memory for handing one value over, read back at once. */
  private scratchWord(): number {
    this.scratch ||= this.core.allocTable(8);
    return this.scratch;
  }
  private scratch = 0;

  /** The object a handle holds. */
  private pointerOf(handle: number): number {
    return this.reader.raw(this.core.handleAddress(handle))[0];
  }

  /** The core's pending fault as an error (or a memory error with `fallback` when there is none). */
  private errorOfFault(fallback: string): NoodleRuntimeError {
    const code = this.core.lastFault();
    if (code === ERRORS.MemoryLimit.code) return new NoodleRuntimeError(code, this.memoryMessage(), []);
    return code !== 0 ? new NoodleRuntimeError(code, runtimeMessage(code, []), []) : new NoodleRuntimeError(ERRORS.MemoryLimit.code, fallback, []);
  }

  /** Implements host builtin `name` (one marked `host` in the builtin table) in this VM. */
  registerHost(name: string, fn: HostFunction): void {
    this.hosts.set(hostBuiltinId(name), fn);
  }

  /** Calls host builtin `name` as this VM's program would (hosted work elsewhere calling its program's files). */
  callHost(name: string, args: JsValue[]): unknown {
    const fn = this.hosts.get(hostBuiltinId(name));
    if (!fn) throw HostError.of("UnsupportedFeature", `'${name}' on this platform`);
    return fn(args);
  }

  private hostCall(id: number, argsAddr: number, n: number, out: number): number {
    this.hostMessage = undefined;
    return this.fromCore(argsAddr, n, 1, (args) => {
      const fn = this.hosts.get(id);
      if (!fn) throw HostError.of("UnsupportedFeature", `'${BUILTINS[id]?.name ?? id}' on this platform`);
      const value = fn(args);
      // a promise becomes a future; the call is compiled with an await after it, so only the
      // calling fiber waits for it
      this.writeWord(out, isThenable(value) ? this.hostFuture(value) : this.toValue(value));
      return 0;
    });
  }

  /** The message of the error a host function just raised, when it came whole. */
  private hostMessage: string | undefined;

  /** Turns an exception of a host function into the Noodle error the program sees. */
  private raiseFromHost(e: unknown): void {
    const [code, message] =
      e instanceof HostError || e instanceof CodecError || e instanceof NoodleRuntimeError
        ? [e.code, e.message]
        : e instanceof RangeError && /out of memory/.test(e.message)
          ? [ERRORS.MemoryLimit.code, undefined]
          : [ERRORS.InternalError.code, `internal error: host function failed: ${e instanceof Error ? e.message : String(e)}`];
    this.hostMessage = message;
    this.core.raiseFromHost(code);
  }

  /** The core's supervisor restarted (kind 0) or stopped (1) the actor at `actor`, named by the string at `name`. */
  private actorEvent(kind: number, actor: number, name: number): void {
    if (!this.events) return;
    const id = `${this.reader.string(name)}@${actor}`;
    if (kind === 0) this.events?.("warn", "actor_restarted", { actor: id });
    else this.events?.("warn", "actor_stopped", { actor: id });
  }

  /** Verifies a module against what is loaded and loads it; returns its entry function. */
  load(m: NbcModule): number {
    verifyModule(m, this.loaded);
    const core = this.core;
    // constants: numbers as doubles, strings as pinned interned strings
    const kbase = core.allocTable(Math.max(1, m.constants.length) * 8);
    if (kbase === 0) throw new RangeError("out of memory loading a module");
    m.constants.forEach((c, i) => {
      const v = c.kind === "number" ? numberValue(c.value) : objectValue(this.intern(c.value));
      new BigUint64Array(core.memory.buffer, kbase + i * 8, 1)[0] = v;
    });
    for (const s of m.structs) this.defineStruct(s.name, s.fields, s.display);
    this.globalCount = m.globalBase + m.globals.length;
    core.ensureGlobals(this.globalCount);
    for (const f of m.functions) {
      const code = this.table(f.code);
      const caps = this.table(f.captures);
      const handlers = this.table(f.handlers.flatMap((h) => [h.start, h.end, h.target, h.reg, h.region]));
      core.defineProto(code, f.code.length, f.nparams, f.nrequired, f.nregs, f.captures.length, caps, kbase, handlers, f.handlers.length, this.intern(f.name));
      this.functions.push({ proto: f, file: m.files[f.file] ?? "?", constants: m.constants });
      this.tier.loaded(this.functions.length - 1);
    }
    this.modules.push(m);
    return m.entry;
  }

  private readonly tier: CompiledTier;
  private jitThreshold = DEFAULT_HOT_SAMPLES;

  /**
   * Upgrades of the program this VM runs (docs/upgrade.md): made once, from what its first
   * version installs (the compile result's `installs`).
   */
  upgrades(first: readonly Install[] = []): Upgrades {
    this.upgrader ??= new Upgrades(
      {
        core: this.core,
        reader: this.reader,
        modules: this.modules,
        get loaded() {
          return vm.loaded;
        },
        load: (m) => this.load(m),
        keep: (word) => this.keep(word),
        release: (handle) => this.core.release(handle),
        pointerOf: (handle) => this.pointerOf(handle),
        setGlobalFunction: (global, fn) => this.setGlobalFunction(global, fn),
        get sharesWork() {
          return vm.taskHost !== undefined;
        },
        get peers() {
          return vm.taskHost?.upgradePeers;
        },
        get running() {
          return vm.waiting;
        },
        get atRest() {
          return vm.core.currentFiber() === 0;
        },
        pauseOften: (on) => {
          // where other VMs share the budget, its slices are theirs to set
          if (!this.sharedLimits) this.core.grantSteps(this.core.stepsLeft(), on ? UPGRADE_SLICE : Number.POSITIVE_INFINITY);
        },
        runQueued: () => this.finish(this.core.deliver()),
        wake: () => this.wakeUp(),
        futureError: (handle) => {
          const o = this.settledOutcome(handle);
          return o && !o.ok ? o.error : undefined;
        },
        futureSettled: (handle) => this.settledOutcome(handle) !== undefined,
      },
      first,
    );
    if (!this.upgradesObserved) {
      this.upgradesObserved = true;
      observeUpgrades(this.metrics, this.upgrader, this.events);
    }
    const vm = this;
    return this.upgrader;
  }
  private upgrader: Upgrades | undefined;
  private upgradesObserved = false;

  /** What the compiled tier did in this VM: functions compiled, deoptimisations, compile times. */
  jitStats(): JitStats {
    return this.tier.report();
  }

  /** The compiled tier's mode and threshold: work this VM hosts for another VM runs as that VM does. */
  get jit(): Required<JitOptions> {
    return { jit: this.tier.mode, jitThreshold: this.jitThreshold };
  }

  /** Changes the compiled tier's mode between runs (eager loads the compiler first). */
  async setJit(options: JitOptions): Promise<void> {
    await prepareJit(options.jit ?? "on");
    this.useJit(options);
  }

  private useJit(options: JitOptions): void {
    this.tier.mode = options.jit ?? "on";
    this.jitThreshold = options.jitThreshold ?? DEFAULT_HOT_SAMPLES;
    this.core.setJit(coreJitMode(this.tier.mode), this.jitThreshold);
  }

  /** Runs a loaded function (an entry: no parameters, no captures) to completion. */
  runFunction(index: number): RunOutcome {
    return this.exclusive(() => this.core.runFunction(index));
  }

  /** Like runFunction, but a fiber may wait for host promises (see hostFuture). */
  runFunctionAsync(index: number): Promise<RunOutcome> {
    return this.exclusiveAsync(() => this.core.runFunction(index));
  }

  /** Starts a run and drives it to its end. One run at a time: a run waiting for the host still owns the fibers. */
  private exclusive(start: () => number): RunOutcome {
    this.enter();
    try {
      return this.outcome(this.finish(this.counted(start)));
    } finally {
      this.running = false;
    }
  }

  private async exclusiveAsync(start: () => number): Promise<RunOutcome> {
    this.enter();
    this.waiting = true;
    this.endsAtLimit = true;
    try {
      const status = await this.finishAsync(this.counted(start));
      return this.outcome(status === STATUS_DONE ? await this.finishElsewhere() : status);
    } finally {
      this.running = false;
      this.waiting = false;
      this.endsAtLimit = false;
      this.limitError = undefined;
      this.interruptRequested = false;
      this.upgrader?.afterRun();
    }
  }

  /** Whether the run going on may wait for host promises (an asynchronous run, or hosted work). */
  get mayWait(): boolean {
    return this.waiting;
  }
  private waiting = false;

  private enter(): void {
    if (this.running) throw new Error("the VM is already running a program (an asynchronous run has not finished)");
    this.running = true;
    this.exitCode = undefined;
    this.limitError = undefined;
    if (this.sharedLimits?.owned) this.sharedLimits.restart();
  }
  private running = false;

  /** The value of global `index` (a top-level name). */
  global(index: number): JsValue {
    return this.reader.at(this.core.globalsAddress() + index * 8);
  }

  /** The function (its index) global `index` holds, when it holds one. */
  globalFunction(index: number): number | undefined {
    const [p, hi] = this.reader.raw(this.core.globalsAddress() + index * 8);
    if (hi !== Number(L.TAG_OBJ >> 32n) || new Uint8Array(this.core.memory.buffer)[p] !== L.T_CLOSURE) return undefined;
    return new Uint32Array(this.core.memory.buffer)[(p + L.CLO_PROTO) >>> 2];
  }

  /** Sets global `index` to a JavaScript value (see `toValue`). */
  setGlobal(index: number, v: unknown): void {
    const word = this.toValue(v);
    new BigUint64Array(this.core.memory.buffer, this.core.globalsAddress() + index * 8, 1)[0] = word;
  }

  /** Sets global `index` to function `fn` (an index among the loaded functions; it must capture nothing). */
  setGlobalFunction(index: number, fn: number): void {
    const word = this.closureOf(fn);
    new BigUint64Array(this.core.memory.buffer, this.core.globalsAddress() + index * 8, 1)[0] = word;
  }

  /** Calls function `fn` (an index among the loaded functions; it must capture nothing) with JavaScript arguments. */
  callFunction(fn: number, args: unknown[]): RunOutcome {
    const word = this.closureOf(fn);
    const at = this.argumentsAt(args);
    this.functionSlot ||= this.table([0, 0]);
    this.writeWord(this.functionSlot, word);
    return this.exclusive(() => this.core.callFunction(this.functionSlot, at, args.length));
  }
  private functionSlot = 0;

  private closureOf(fn: number): bigint {
    // an i64 export comes back signed
    const word = BigInt.asUintN(64, this.core.closureOf(fn));
    if (word === L.NIL) throw new RangeError(`function ${fn} is not loaded, captures variables, or memory is exhausted`);
    return word;
  }

  /** Calls the function held by global `index` with JavaScript arguments (a promise becomes a future). */
  callGlobal(index: number, args: unknown[]): RunOutcome {
    return this.exclusive(() => this.core.callFunction(this.core.globalsAddress() + index * 8, this.argumentsAt(args), args.length));
  }

  /** Like callGlobal, but a fiber may wait for host promises. */
  callGlobalAsync(index: number, args: unknown[]): Promise<RunOutcome> {
    return this.exclusiveAsync(() => this.core.callFunction(this.core.globalsAddress() + index * 8, this.argumentsAt(args), args.length));
  }

  /** Applies builtin `name` to JavaScript arguments (the host's way to use the core's kernels). */
  applyBuiltin(name: string, args: unknown[]): RunOutcome {
    const id = BUILTIN_ID.get(name);
    if (id === undefined) throw new RangeError(`no builtin '${name}'`);
    const at = this.argumentsAt(args);
    return this.exclusive(() => this.core.applyBuiltin(id, at, args.length));
  }

  /** Writes arguments as core values into a buffer kept for the purpose; returns its address. */
  private argumentsAt(args: unknown[]): number {
    const n = args.length;
    if (n > this.argsCapacity) {
      this.argsBuffer = this.core.allocTable(n * 8);
      this.argsCapacity = n;
    }
    for (let i = 0; i < n; i++) {
      const a = args[i];
      const word = isThenable(a) ? this.hostFuture(a) : this.toValue(a);
      // the view after the conversion, which may have grown the memory
      this.words()[(this.argsBuffer >>> 3) + i] = word;
    }
    return this.argsBuffer;
  }
  private argsBuffer = 0;
  private argsCapacity = 0;

  private outcome(status: number): RunOutcome {
    if (status === STATUS_INTERRUPTED) return { ok: false, error: new NoodleRuntimeError(ERRORS.Interrupted.code, formatError("Interrupted", {}), []) };
    if (status === STATUS_IDLE) {
      // a synchronous run cannot wait for the host: its fibers are cancelled
      const pending = this.core.pendingHostFutures();
      this.core.abandonRun();
      if (pending === 0) return { ok: false, error: new NoodleRuntimeError(ERRORS.SleepCannotBlock.code, formatError("SleepCannotBlock"), []) };
      return { ok: false, error: new NoodleRuntimeError(ERRORS.HostWait.code, formatError("HostWait", { count: pending }), []) };
    }
    if (status === STATUS_EXITED) return this.exited();
    if (status === STATUS_LIMIT) return this.stoppedAtLimit(this.limitError!);
    const slot = this.core.resultSlot();
    if (status === STATUS_DONE) return { ok: true, value: this.reader.at(slot) };
    const error = this.errorAt(slot + 8);
    if (error.code === ERRORS.Exit.code) return this.exited(error);
    if (isLimitError(error)) return this.stoppedAtLimit(error);
    return { ok: false, error };
  }

  /** A run that ended at a limit: the program's work still running elsewhere ends too. */
  private stoppedAtLimit(error: NoodleRuntimeError): RunOutcome {
    if (this.sharedLimits?.owned) this.sharedLimits.stop();
    return { ok: false, error };
  }

  /** The outcome of a run the program ended with sys.exit (here, or in a task on a worker: `error`). */
  private exited(error?: NoodleRuntimeError): RunOutcome {
    const code = this.exitCode ?? (error ? exitCodeOf(error.message) : 1);
    this.exitCode = undefined;
    return { ok: true, value: null, exitCode: code };
  }

  /**
   * Resumes a run that paused at the end of a time slice until it finishes or waits for the host.
   * A run that only waits for a sleep blocks the thread until the sleep is over, where it may.
   */
  private finish(status: number): number {
    for (;;) {
      while (status === STATUS_PAUSED) status = this.resumeCounted();
      if (status !== STATUS_IDLE || this.hostWaiting > 0 || !blockUntil(this.core.nextDeadline())) return status;
      status = this.resumeCounted();
    }
  }

  /** Resumes the run, counting its steps and heap in the program's shared limits first (and after). */
  private resumeCounted(): number {
    return this.counted(() => this.core.resume());
  }

  /** Runs the core through `go`, with the steps and heap it uses counted in the program's shared limits. */
  private counted(go: () => number): number {
    const shared = this.sharedLimits;
    if (!shared) return go();
    shared.sync(this.core);
    const status = go();
    if (status === STATUS_DONE || status === STATUS_ERROR) shared.ended(this.core);
    shared.sync(this.core);
    return status;
  }

  /** Whether an idle run waits for something that will come: a host promise, or a sleep's end. */
  private waitsInIdle(status: number): boolean {
    return status === STATUS_IDLE && (this.hostWaiting > 0 || Number.isFinite(this.core.nextDeadline()));
  }

  /** Drives a run to its end, letting the event loop turn while it waits for host promises. */
  private async finishAsync(status: number): Promise<number> {
    let turn = performance.now();
    for (;;) {
      // hosted work is reported as it finishes; while some is left, new work may come any time
      this.hosted.report();
      if (this.upgrader?.busy && (status === STATUS_PAUSED || status === STATUS_IDLE)) {
        // an upgrade advances between slices, where every fiber is at rest
        this.upgrader.step();
        if (status === STATUS_IDLE) status = this.resumeCounted();
      }
      if (this.exitCode !== undefined && (status === STATUS_PAUSED || status === STATUS_IDLE)) {
        // a task on a worker called sys.exit: the run ends here too, every fiber with it
        this.core.abandonRun();
        return STATUS_EXITED;
      }
      if (this.interruptRequested && (status === STATUS_PAUSED || status === STATUS_IDLE)) {
        this.interruptRequested = false;
        this.core.abandonRun();
        return STATUS_INTERRUPTED;
      }
      if (this.limitError && (status === STATUS_PAUSED || status === STATUS_IDLE)) {
        // work of this run elsewhere went past a limit: the run ends here too, every fiber with it
        this.core.abandonRun();
        return STATUS_LIMIT;
      }
      if (status === STATUS_PAUSED) {
        if (performance.now() - turn > ASYNC_TURN_MS) {
          // timers, I/O and signals get their turn even while the program only computes; an
          // immediate costs microseconds where a timeout would cost a millisecond
          await (this.hostWaiting > 0 || this.hosted.size > 0 ? macrotask() : immediate());
          turn = performance.now();
          if (this.interruptRequested || this.limitError) continue;
        }
        status = this.resumeCounted();
      } else if (this.waitsInIdle(status)) {
        await this.nextSettlement(this.core.nextDeadline());
        turn = performance.now();
        if (this.interruptRequested || this.limitError) continue;
        status = this.resumeCounted();
      } else return status;
    }
  }

  /**
   * A run whose fibers all ended waits for the work it gave the host (a pool's workers) and all
   * that work started, as one VM waits for its un-awaited tasks; an exit or an interrupt ends it.
   */
  private async finishElsewhere(): Promise<number> {
    const quiet = this.taskHost?.quiet?.();
    if (!quiet) return STATUS_DONE;
    let ended = false;
    void quiet.then(() => {
      ended = true;
      this.wakeUp();
    });
    try {
      for (;;) {
        if (this.exitCode !== undefined) return STATUS_EXITED;
        if (this.interruptRequested) {
          this.interruptRequested = false;
          return STATUS_INTERRUPTED;
        }
        if (ended) return STATUS_DONE;
        await this.nextSettlement(Infinity);
      }
    } finally {
      if (!ended) quiet.cancel?.();
    }
  }

  /**
   * Stops the asynchronous run going on at its next pause (slices end every few milliseconds,
   * and a run waiting for the host stops at once): its fibers are cancelled and it fails with
   * 1006. False when no asynchronous run is going on.
   */
  interrupt(): boolean {
    if (!this.waiting) return false;
    this.interruptRequested = true;
    this.wakeUp();
    return true;
  }
  private interruptRequested = false;

  /** Waits until a host promise settles, or until `deadline` (host clock) when a timeout is due first. */
  private nextSettlement(deadline: number): Promise<void> {
    const settled = new Promise<void>((resolve) => {
      // timers take at most 2^31 - 1 ms (a longer delay would fire at once): the run looks again then
      const timer = Number.isFinite(deadline) ? setTimeout(resolve, Math.min(MAX_TIMER_MS, Math.max(0, deadline - performance.now()))) : undefined;
      this.wake = () => {
        clearTimeout(timer);
        this.stalled = false;
        resolve();
      };
    });
    if (!Number.isFinite(deadline)) {
      this.stalled = true;
      this.taskHost?.stalled?.();
    }
    return settled;
  }

  /** Host promises not settled yet. */
  private hostWaiting = 0;
  /** How to cancel the work behind host futures whose promise can be cancelled (a `cancel` method). */
  private readonly cancels = new Map<number, { cancel(): void }>();

  /** A timeout gave up on host future p: the work behind it is cancelled, when it can be. */
  private cancelHostFuture(p: number): void {
    const promise = this.cancels.get(p);
    this.cancels.delete(p);
    promise?.cancel();
  }
  /** Resumes an asynchronous run waiting in nextSettlement. */
  private wake: (() => void) | undefined;

  /**
   * A Noodle future that settles when `promise` does: with its value, or failing with its error
   * (its `code` when it is a Noodle error code, else 3006). A fiber that awaits it suspends until
   * then; run the program with an async method so the VM can wait. When a `timeout` gives up on
   * the future, the promise's `cancel` method is called, if it has one.
   */
  hostFuture(promise: PromiseLike<unknown>): bigint {
    return this.futureOf(promise, false);
  }

  /**
   * A host future for `promise`; `work`: the promise of a task or message running elsewhere,
   * which, when it goes past a limit of the program (4001, 4002), ends the program's run with its
   * error and trace, as it would here, awaited or not.
   */
  private futureOf(promise: PromiseLike<unknown> | HostWork, work: boolean): bigint {
    const core = this.core;
    const p = core.newHostFuture();
    if (p === 0) throw new RangeError("out of memory making a future");
    const handle = core.retainPointer(p);
    this.hostWaiting++;
    // the promise itself is kept, not a closure calling its `cancel`: a message makes one each
    const cancellable = typeof (promise as { cancel?: unknown }).cancel === "function";
    if (cancellable) this.cancels.set(p, promise as { cancel(): void });
    if (isHostWork(promise)) {
      promise.whenSettled((outcome, failed) => {
        // later, never inside a call into the core (the work may settle while the core waits on a host call)
        if (this.settlements.push({ p, handle, cancellable, outcome, failed, work }) === 1) queueMicrotask(this.settleAll);
      });
    } else {
      promise.then(
        (v) => this.settleHostFuture(p, handle, cancellable, v, false),
        (e) => this.failHostFuture(p, handle, cancellable, e, work),
      );
    }
    return objectValue(p);
  }

  /** Host work settled since the last microtask, settled in the core together. */
  private readonly settlements: { p: number; handle: number; cancellable: boolean; outcome: unknown; failed: boolean; work: boolean }[] = [];
  private readonly settleAll = () => {
    for (const s of this.settlements.splice(0)) {
      if (s.failed) this.failHostFuture(s.p, s.handle, s.cancellable, s.outcome, s.work);
      else this.settleHostFuture(s.p, s.handle, s.cancellable, s.outcome, false);
    }
  };

  /** Fails host future `p` with `e`: `sys.exit` elsewhere ends the run, as does work past a limit (`work`). */
  private failHostFuture(p: number, handle: number, cancellable: boolean, e: unknown, work: boolean): void {
    if ((e as { code?: unknown })?.code === ERRORS.Exit.code) this.requestExit(exitCodeOf((e as Error).message));
    else if (work && this.endsAtLimit && isLimitError(e)) this.limitError ??= e;
    this.settleHostFuture(p, handle, cancellable, e, true);
  }

  /** Settles host future `p` (held by `handle`) with `outcome`, a value or (`failed`) an error. */
  private settleHostFuture(p: number, handle: number, cancellable: boolean, outcome: unknown, failed: boolean): void {
    let value: bigint;
    try {
      value = failed ? this.errorValue(outcome) : this.toValue(outcome);
    } catch (e) {
      // a result the VM cannot hold (out of memory, say) fails the future instead
      [value, failed] = [this.errorValue(e), true];
    }
    const slot = this.scratchWord();
    this.writeWord(slot, value);
    this.core.settleFuture(p, slot, failed ? 1 : 0);
    this.core.release(handle);
    if (cancellable) this.cancels.delete(p);
    this.hostWaiting--;
    this.wakeUp();
  }

  /**
   * A rejection as a Noodle error value: a Noodle error (from another VM, say) keeps its code, as
   * does an error with a code of the table; anything else is 3006.
   */
  private errorValue(e: unknown): bigint {
    const own = (e as { code?: unknown })?.code;
    const code = typeof own === "number" && (e instanceof NoodleRuntimeError || errorSpec(own)) ? own : 3006;
    const message = e instanceof Error ? e.message : String(e);
    const error = this.core.newError(code, makeString(this.core, message, false));
    if (e instanceof NoodleRuntimeError && e.frames && BigInt.asUintN(64, error) !== L.NIL) {
      // the trace of a replica's error names the same functions here
      const list = this.core.newList(e.frames.length);
      if (list !== 0) {
        for (const x of e.frames) this.core.listPush(list, numberValue(x));
        new Uint32Array(this.core.memory.buffer)[(Number(error & 0xffffffffn) + L.ERR_TRACE) >>> 2] = list;
      }
    }
    return error;
  }

  /** Loads and runs a module's entry. */
  run(m: NbcModule): RunOutcome {
    return this.runFunction(this.load(m));
  }

  /** Loads and runs a module's entry; fibers may wait for host promises. */
  runAsync(m: NbcModule): Promise<RunOutcome> {
    return this.runFunctionAsync(this.load(m));
  }

  private errorAt(addr: number): NoodleRuntimeError {
    const [p, hi] = this.reader.raw(addr);
    if (hi !== Number(L.TAG_OBJ >> 32n) || new Uint8Array(this.core.memory.buffer)[p] !== L.T_ERROR) {
      return new NoodleRuntimeError(1002, "internal error: a run failed without an error value", []);
    }
    const u32 = new Uint32Array(this.core.memory.buffer);
    const code = new Float64Array(this.core.memory.buffer)[(p + L.ERR_CODE) >>> 3];
    let message = this.reader.string(u32[(p + L.ERR_MESSAGE) >>> 2]);
    // with memory exhausted the core could not make the message and used the bare name
    if (code === ERRORS.MemoryLimit.code && message === ERRORS.MemoryLimit.name) message = this.memoryMessage();
    const list = u32[(p + L.ERR_TRACE) >>> 2];
    return new NoodleRuntimeError(code, message, this.traceOf(list), list === 0 ? [] : (this.reader.object(list, 0) as number[]));
  }

  /**
   * Frames of a raw trace: a list of numbers [function, word offset, count, ...], where a record
   * stands for `count` identical consecutive frames, and function -1 for `count` frames left out.
   */
  traceOf(list: number): TraceFrame[] {
    if (list === 0) return [];
    const raw = this.reader.object(list, 0) as number[];
    const frames: TraceFrame[] = [];
    for (let i = 0; i + 2 < raw.length; i += 3) {
      if (raw[i] === TRACE_MARK.GAP) {
        frames.push({ name: "", file: "", line: 0, col: 0, omitted: raw[i + 2] });
        continue;
      }
      const fn = this.functions[raw[i]];
      if (!fn) continue;
      const { line, col } = positionOf(fn.proto, raw[i + 1]);
      frames.push({ name: fn.proto.name, file: fn.file, line, col, ...(raw[i + 2] > 1 ? { calls: raw[i + 2] } : {}) });
    }
    return frames;
  }

  /** Collects garbage now (between runs) and reports heap figures. */
  collect(): { inUse: number; committed: number; collections: number } {
    this.core.collect();
    return this.heapStats();
  }

  heapStats(): { inUse: number; committed: number; collections: number } {
    return { inUse: this.core.heapInUse(), committed: this.core.heapCommitted(), collections: this.core.collectionCount() };
  }
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof (x as { then?: unknown })?.then === "function";
}

/** Resolves after the event loop has polled for I/O and signals once. */
function immediate(): Promise<void> {
  return typeof setImmediate === "function" ? new Promise((r) => setImmediate(r)) : macrotask();
}

/** Resolves after the event loop has turned once (timers and I/O callbacks get to run). */
function macrotask(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}

function stringOrZero(core: CoreExports, text: string): number {
  try {
    return makeString(core, text, false);
  } catch (e) {
    if (e instanceof RangeError) return 0;
    throw e;
  }
}

/** The source position of a word offset, from a function's debug table. */
export function positionOf(f: FunctionProto, offset: number): { line: number; col: number } {
  let line = 0,
    col = 0;
  for (let i = 0; i + 2 < f.lines.length && f.lines[i] <= offset; i += 3) {
    line = f.lines[i + 1];
    col = f.lines[i + 2];
  }
  return { line, col };
}

/** Parses number text as `num` does: decimal, 0x, 0b, exponents, underscores between digits, Infinity and NaN. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  if (/^[+-]?(Infinity|NaN)$/.test(t)) return Number(t);
  const clean = /^[+-]?[0-9a-fA-FxXbBoOeE._+-]+$/.test(t) && !/__|_$|^_|_\.|\._/.test(t) ? t.replace(/_/g, "") : t;
  const sign = clean.startsWith("-") ? -1 : 1;
  const body = clean.replace(/^[+-]/, "");
  const x = /^0[xXbBoO]/.test(body) ? sign * Number(body) : Number(clean);
  return Number.isNaN(x) ? undefined : x;
}

/** The code in an exit error's message ("... exited with code N"). */
/** Whether `e` is an error of a limit of the program (memory 4001, steps 4002), which no handler catches. */
function isLimitError(e: unknown): e is NoodleRuntimeError {
  return e instanceof NoodleRuntimeError && (e.code === ERRORS.MemoryLimit.code || e.code === ERRORS.StepLimit.code);
}

function exitCodeOf(message: string): number {
  const m = /(\d+)$/.exec(message);
  return m ? Number(m[1]) : 1;
}
