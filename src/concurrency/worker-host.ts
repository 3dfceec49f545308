// The worker side of a pool, the same in Node and browsers: it keeps the modules it was sent
// (by hash), one VM per module for calls (its top level run once), replicas of a calling VM (one
// for in-program `pmap`, one hosting the program's spawned tasks and actors placed here), and
// kernel VMs for shares of matrix products. Each batch of tasks is answered with one message.
// What a replica prints goes back to the calling VM.

import { decodeModule, storedHash } from "../bytecode/codec.js";
import type { NbcModule } from "../bytecode/module.js";
import { decodeValue, encodeValue, type StoredValue, ValueSequenceReader, WIRE } from "../codec/value-codec.js";
import { ERRORS, formatError } from "../errors/table.js";
import { DEFAULT_HOT_SAMPLES, type JitOptions, jitModeOf } from "../jit/compiled-tier.js";
import type { LogEvent } from "../logs/event-log.js";
import { noPlotDisplay } from "../plot/plot-host.js";
import type { CoreVariant } from "../runtime/core.js";
import { releaseArrays } from "../runtime/host-calls.js";
import type { PermissionOptions } from "../runtime/permissions.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";
import { functionRef, type JsValue } from "../runtime/values.js";
import { VM } from "../runtime/vm.js";
import { forwardStoreCalls } from "../store/store-ops.js";
import { HostedOnWorker } from "./hosted-on-worker.js";
import { KernelVm } from "./kernel-vm.js";
import { forwardProgramCalls } from "./program-calls.js";
import {
  errorInfo,
  type FromWorker,
  type GemmJob,
  type HostedLimits,
  type ModuleBytes,
  type PmapJob,
  type ReplicaSource,
  ResultsBuilder,
  TASK_FIELDS,
  TaskKind,
  type ToWorker,
  type WorkerStats,
} from "./protocol.js";

export interface WorkerPort {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onMessage(handler: (message: ToWorker) => void): void;
  /** Answers a caller blocked in WorkerEndpoint.receiveSync, where the platform has that. */
  replySync?(message: FromWorker, transfer?: Transferable[]): void;
}

/** A module's VM after its top level ran, with its top-level names. */
interface Program {
  vm: VM;
  globals: Map<string, number>;
  /** The error its top level ended with, if it failed. */
  failed?: NoodleRuntimeError;
}

/** A VM with a caller's modules loaded but not run; its globals are set from the caller's. */
interface Replica {
  vm: VM;
  globalsHash: string;
}

/** What a replica is for: `pmap` (called synchronously), or hosting spawned tasks and actors (fibers). */
type Purpose = "pmap" | "hosted";

/**
 * What the machine running a worker allows whatever the caller asks (a cluster node's own
 * limits and capabilities): limits are the smaller of the two, permissions are the machine's.
 */
export interface WorkerPolicy {
  maxMemory?: number;
  maxSteps?: number;
  permissions?: PermissionOptions;
}

/** Serves a pool over `port`; returns what the worker has done so far, for its machine to report. */
export function serveWorker(port: WorkerPort, policy: WorkerPolicy = {}): () => WorkerStats {
  const host = new WorkerHost(port, policy);
  port.onMessage((m) => host.handle(m));
  port.postMessage({ t: "ready" });
  return () => host.counts();
}

class WorkerHost {
  private readonly modules = new Map<string, NbcModule>();
  private readonly programs = new Map<string, Promise<Program>>();
  private readonly ready = new Map<string, Program>();
  private readonly replicas = new Map<string, Promise<Replica>>();
  private readonly kernels = new Map<CoreVariant, Promise<KernelVm>>();
  /** What this worker counts as it goes; the rest of its WorkerStats is read from its VMs when asked. */
  private readonly stats: Pick<WorkerStats, "modulesLoaded" | "tasksRun" | "actors" | "messages"> = { modulesLoaded: 0, tasksRun: 0, actors: 0, messages: 0 };
  /** Every VM made here for programs and their replicas. */
  private readonly vms: VM[] = [];
  private readonly hosted: HostedOnWorker;

  constructor(
    private readonly port: WorkerPort,
    private readonly policy: WorkerPolicy,
  ) {
    this.hosted = new HostedOnWorker({
      hostedVm: async (job) => {
        this.addModules(job.modules);
        const replica = await this.replica(job, "hosted");
        // the program loaded more modules since (an upgrade's, say): the VM keeps its state and loads them too
        this.loadModules(replica.vm, [], job.hashes);
        this.setGlobals(replica, job);
        await this.restrict(replica.vm, job);
        replica.vm.joinLimits(job.limits.share);
        return replica.vm;
      },
      loadModules: (vm, modules, hashes) => this.loadModules(vm, modules, hashes),
      post: (m, transfer) => port.postMessage(m, transfer),
      count: (what) => this.stats[what]++,
    });
  }

  handle(m: ToWorker): void {
    if (this.hosted.receive(m)) return;
    switch (m.t) {
      case "batch":
        void this.batch(m.id, m.modules, m.names, m.head, m.data);
        return;
      case "gemm":
        void this.gemm(m);
        return;
      case "pmap":
        void this.pmap(m);
        return;
      case "lanes":
        this.hosted.open(m);
        return;
      case "stats":
        this.port.postMessage({ t: "stats", id: m.id, stats: this.counts() });
        return;
    }
  }

  counts(): WorkerStats {
    const sum = (of: (vm: VM) => number) => this.vms.reduce((n, vm) => n + of(vm), 0);
    return {
      ...this.stats,
      jitCompiled: sum((vm) => vm.jitStats().compiled),
      instructions: sum((vm) => vm.core.stepsExecuted()),
      heapInUse: sum((vm) => vm.core.heapInUse()),
      heapCommitted: sum((vm) => vm.core.heapCommitted()),
      collections: sum((vm) => vm.core.collectionCount()),
    };
  }

  /** A replica's limits and capabilities: the caller's, within this machine's policy; its compiled tier the caller's. */
  private async restrict(vm: VM, job: { limits: HostedLimits; capabilities: ReplicaSource["capabilities"] }): Promise<void> {
    const { maxMemory, maxSteps } = this.policy;
    vm.setLimits({ ...job.limits, maxMemory: smaller(job.limits.maxMemory, maxMemory), maxSteps: smaller(job.limits.maxSteps, maxSteps) });
    vm.setCapabilities(this.policy.permissions ?? job.capabilities.permissions, job.capabilities.args);
    const { jit, jitThreshold } = callersJit(job.limits, vm.jit);
    if (jit !== vm.jit.jit || jitThreshold !== vm.jit.jitThreshold) await vm.setJit({ jit, jitThreshold });
  }

  private addModules(list: ModuleBytes[]): void {
    for (const { hash, bytes } of list) {
      if (this.modules.has(hash)) continue;
      // a module is named by its content: bytes that are not what their name says are refused
      if (storedHash(bytes) !== hash)
        throw new NoodleRuntimeError(ERRORS.MalformedBytecode.code, `malformed bytecode: module ${hash.slice(0, 12)} does not have that content hash`, []);
      this.modules.set(hash, decodeModule(bytes));
      this.stats.modulesLoaded++;
    }
  }

  /** Loads in `vm` those of `hashes` (a program's modules, in order) it lacks; the last one. */
  private loadModules(vm: VM, modules: ModuleBytes[], hashes: string[]): NbcModule {
    this.addModules(modules);
    for (let i = vm.modules.length; i < hashes.length; i++) vm.load(this.module(hashes[i]));
    return this.module(hashes[hashes.length - 1]);
  }

  private module(hash: string): NbcModule {
    const m = this.modules.get(hash);
    if (!m) throw new NoodleRuntimeError(ERRORS.InternalError.code, `internal error: module ${hash} was never sent to this worker`, []);
    return m;
  }

  private program(hash: string): Promise<Program> {
    let p = this.programs.get(hash);
    if (!p) {
      p = (async () => {
        const module = this.module(hash);
        // work on workers computes on WebAssembly: the GPU is the program's VM's (docs/gpu.md)
        const vm = await VM.create({ gpu: "off" });
        this.vms.push(vm);
        vm.setLimits({ maxMemory: this.policy.maxMemory, maxSteps: this.policy.maxSteps });
        if (this.policy.permissions) vm.setCapabilities(this.policy.permissions, []);
        const globals = new Map(module.globals.map((name, i) => [name, module.globalBase + i] as const));
        const outcome = vm.run(module);
        const program: Program = { vm, globals, failed: outcome.ok ? undefined : outcome.error };
        this.ready.set(hash, program);
        return program;
      })();
      this.programs.set(hash, p);
    }
    return p;
  }

  private async batch(id: number, modules: ModuleBytes[], names: string[], head: Float64Array, data: Uint8Array): Promise<void> {
    this.addModules(modules);
    const results = new ResultsBuilder(id, head.length / TASK_FIELDS);
    const args = new ValueSequenceReader(data, WIRE);
    for (let h = 0; h < head.length; h += TASK_FIELDS) {
      const hash = names[head[h + 1]];
      try {
        const program = this.ready.get(hash) ?? (await this.program(hash));
        const value = this.call(program, names[head[h + 2]], head[h] as TaskKind, args.at(head[h + 3], head[h + 4]) as StoredValue[]);
        try {
          results.resolve(value as StoredValue);
        } finally {
          releaseArrays(value);
        }
      } catch (e) {
        results.reject(errorInfo(e));
      }
      this.stats.tasksRun++;
    }
    this.port.postMessage(...results.finish());
  }

  /** Runs one task; returns its result (the caller releases the arrays in it). */
  private call(program: Program, name: string, kind: TaskKind, args: StoredValue[]): JsValue {
    if (program.failed) throw program.failed;
    const index = program.globals.get(name);
    if (index === undefined) throw new NoodleRuntimeError(ERRORS.UndeclaredName.code, `undeclared name '${name}'`, []);
    if (kind === TaskKind.Call) return valueOf(program.vm.callGlobal(index, args));
    const items: JsValue[] = [];
    try {
      for (const item of args) items.push(valueOf(program.vm.callGlobal(index, [item])));
      return items;
    } catch (e) {
      releaseArrays(items);
      throw e;
    }
  }

  private kernel(variant: CoreVariant): Promise<KernelVm> {
    let k = this.kernels.get(variant);
    if (!k) this.kernels.set(variant, (k = KernelVm.create(variant)));
    return k;
  }

  private async gemm(job: GemmJob): Promise<void> {
    const reply = (m: FromWorker, transfer: Transferable[] = []) =>
      job.sync && this.port.replySync ? this.port.replySync(m, transfer) : this.port.postMessage(m, transfer);
    try {
      const kernel = await this.kernel(job.variant);
      // a shared C is written in place; otherwise C is a new array, transferred
      const c = kernel.product(job.a, job.b, job.m, job.k, job.n, job.c);
      this.stats.tasksRun++;
      if (job.c) reply({ t: "gemm-done", id: job.id });
      else reply({ t: "gemm-done", id: job.id, c }, [c.buffer]);
    } catch (e) {
      reply({ t: "gemm-done", id: job.id, error: errorInfo(e) });
    }
  }

  /** The replica of the caller `job.client`'s program for `purpose`. */
  private replica(job: { hashes: string[]; client: number; limits: HostedLimits }, purpose: Purpose): Promise<Replica> {
    // one VM hosts a program's tasks and actors for good; a pmap replica is made for the modules it has
    const key = purpose === "hosted" ? `hosted ${job.client}` : `${purpose} ${job.client} ${job.hashes.join(" ")}`;
    let r = this.replicas.get(key);
    if (!r) {
      r = (async () => {
        // hosted output goes on the actor lane, so that it comes before the answers after it
        const out = (fd: number) =>
          purpose === "hosted"
            ? (text: string) => this.hosted.output(job.client, fd, text)
            : (text: string) => this.port.postMessage({ t: "out", client: job.client, fd, text });
        // a function mapped by pmap runs where its figures cannot reach the program's display
        const onPlot = purpose === "pmap" ? noPlotDisplay("a function pmap runs on workers cannot show figures; show them after pmap") : undefined;
        // the caller's tier from the start, so that loading takes no compiled code a tier that is off would not
        // its actors' restarts are the pool's to log
        const events: LogEvent = (level, event, fields = {}) => this.port.postMessage({ t: "event", level, event, fields });
        const vm = await VM.create({ stdout: out(1), stderr: out(2), onPlot, events, gpu: "off", ...callersJit(job.limits, DEFAULT_JIT) });
        this.vms.push(vm);
        for (const h of job.hashes) vm.load(this.module(h));
        if (purpose === "hosted") {
          vm.shareTasks(this.hosted.taskHostFor(job.client));
          // the program's stores live with the program: calls of std/db go there
          forwardStoreCalls(vm, (fiber, op, args) => this.hosted.storeCall(job.client, fiber, op, args));
          // and so do its files and environment
          forwardProgramCalls(vm, (op, args) => this.hosted.programCall(job.client, op, args));
        }
        return { vm, globalsHash: "" };
      })();
      this.replicas.set(key, r);
    }
    return r;
  }

  /** Sets a replica's globals to the caller's, unless they are the ones it has. */
  private setGlobals(replica: Replica, job: { globals: Uint8Array; globalsHash: string }): void {
    if (replica.globalsHash === job.globalsHash) return;
    setGlobals(replica.vm, decodeValue(job.globals, WIRE) as StoredValue[]);
    replica.globalsHash = job.globalsHash;
  }

  private async pmap(job: PmapJob): Promise<void> {
    const reply = (m: FromWorker, transfer: Transferable[] = []) =>
      (job.sync !== false && this.port.replySync ? this.port.replySync : this.port.postMessage.bind(this.port))(m, transfer);
    let results: JsValue = null;
    try {
      this.addModules(job.modules);
      const replica = await this.replica(job, "pmap");
      this.setGlobals(replica, job);
      await this.restrict(replica.vm, job);
      replica.vm.joinLimits(job.limits.share, job.limits.run);
      const items = decodeValue(job.items, WIRE) as StoredValue[];
      results = valueOf(replica.vm.callFunction(job.via, [items, functionRef("f", job.proto)]));
      this.stats.tasksRun++;
      const data = encodeValue(results, WIRE);
      reply({ t: "pmap-done", id: job.id, data }, [data.buffer]);
    } catch (e) {
      // the replica names the caller's functions by the same indices: the caller renders the frames
      reply({ t: "pmap-done", id: job.id, error: errorInfo(e, true) });
    } finally {
      releaseArrays(results);
    }
  }
}

/** A caller's globals as replica-source.ts sends them: [index, "f", function index] or [index, "v", value]. */
function setGlobals(vm: VM, entries: StoredValue[]): void {
  for (const e of entries) {
    const [i, kind, value] = e as [number, string, StoredValue];
    if (kind === "f") vm.setGlobalFunction(i, value as number);
    else vm.setGlobal(i, value);
  }
}

function smaller(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function valueOf(outcome: ReturnType<VM["callGlobal"]>): JsValue {
  if (!outcome.ok) throw outcome.error;
  // sys.exit here ends the caller's run: it travels back as the exit error
  if (outcome.exitCode !== undefined) throw new NoodleRuntimeError(ERRORS.Exit.code, formatError("Exit", { code: outcome.exitCode }), []);
  return outcome.value;
}

const DEFAULT_JIT: Required<JitOptions> = { jit: "on", jitThreshold: DEFAULT_HOT_SAMPLES };

/** The caller's compiled tier; from the network it is untrusted: an unknown mode or a threshold that is not a count keeps `own`. */
function callersJit(limits: HostedLimits, own: Required<JitOptions>): Required<JitOptions> {
  const asked = limits.jitThreshold;
  const counts = typeof asked === "number" && Number.isInteger(asked) && asked > 0 && asked < 2 ** 32;
  return { jit: jitModeOf(limits.jit) ?? own.jit, jitThreshold: counts ? asked : own.jitThreshold };
}
