// A pool of workers, each with its own VM: tasks (calls of a module's functions) are scheduled
// on the least-loaded worker within a window of tasks in flight, sent in batches, and answered
// in batches. Modules go to each worker once, by hash. A worker that dies is replaced; its
// tasks fail with 7001, or run again once when they are idempotent. The platform supplies the
// workers (endpoint.ts); this file is the same in Node and browsers.

import type { NbcModule } from "../bytecode/module.js";
import { type ArrayValue, decodeValue, encodeValue, type StoredValue, ValueSequenceReader, WIRE } from "../codec/value-codec.js";
import { ERRORS, formatError } from "../errors/table.js";
import type { LogEvent } from "../logs/event-log.js";
import type { DType } from "../math/arrays.js";
import { bestCoreVariant } from "../runtime/core.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";
import { TRACE_MARK } from "../runtime/trace-marks.js";
import type { JsValue } from "../runtime/values.js";
import type { HostWork, VM } from "../runtime/vm.js";
import { type ProgramStores, storesOf } from "../store/db-host.js";
import type { ActorCheckpoints } from "./actor-checkpoints.js";
import { chunksFor } from "./chunks.js";
import type { EndpointFactory } from "./endpoint.js";
import { type ActorOrigin, BUSY, HostedWork, type Origin } from "./hosted-work.js";
import { moduleBytes } from "./module-bytes.js";
import { defaultEndpoints, defaultPoolSize } from "./platform.js";
import { pmapHost } from "./pmap-host.js";
import {
  ArgumentArena,
  type ErrorInfo,
  type FromWorker,
  type HostedLimits,
  type ModuleBytes,
  NameTable,
  PackedValues,
  RESULT_FIELDS,
  TASK_FIELDS,
  TaskKind,
  type ToWorker,
  type WorkerStats,
} from "./protocol.js";
import { namesGlobals, replicaOf, writesGlobals } from "./replica-source.js";
import { splitRows } from "./row-split.js";
import { shareProducts } from "./shared-product.js";
import { capture, captured, type Task } from "./task.js";
import { WorkerSlot } from "./worker-slot.js";

export interface PoolOptions {
  /** How many workers (default: the number of cores). */
  workers?: number;
  /** Starts a worker (default: the platform's: worker_threads in Node, Web Workers in browsers). */
  endpoints?: EndpointFactory;
  /** Most tasks in flight on one worker; more wait in the pool's queue (default 4096). */
  window?: number;
  /** Most tasks in one message (default 512). */
  batch?: number;
  /**
   * Whether the workers can share memory with this thread (default: where the platform has
   * SharedArrayBuffer). Workers on other machines cannot: lanes, limits and products then travel
   * as messages.
   */
  sharedMemory?: boolean;
  /**
   * How many times a program's spawned task whose worker is lost runs again on another (default
   * 0: it fails with 7001). A cluster's nodes come and go, so a cluster retries 3 times.
   */
  taskRetries?: number;
  /**
   * What a program's task spawned while every worker is busy does (default "run-here": it runs in
   * the program's VM, where a tiny task costs far less than a trip to a worker); "wait": it waits
   * for a worker, as on a cluster, whose nodes are there to take the work.
   */
  busySpawns?: "run-here" | "wait";
  /**
   * A program's tasks and messages in flight at which a worker counts as busy (default 8). A
   * worker across a network needs more in flight to be kept busy: a cluster takes 256.
   */
  busyAt?: number;
  /** Where persistent actors' checkpoints are kept (a cluster's JetStream KV; see actor-checkpoints.ts). */
  checkpoints?: ActorCheckpoints;
  /** Told of the pool's runtime events: a worker lost and replaced, a task run again (see src/logs/). */
  events?: LogEvent;
}

export interface CallOptions {
  /** The task may run twice: when its worker dies it is retried once instead of failing with 7001. */
  idempotent?: boolean;
}

export interface AttachOptions {
  /** Matrix products with at least this many multiply-adds are split across the pool (default 256^3). */
  productWork?: number;
  /**
   * Run the program's `spawn f(args)` of top-level functions, and its actors, on the workers
   * (default false): each task in a replica with the program's globals as they are at the spawn,
   * its arguments and result copied; each actor on one worker, where it stays, its messages'
   * arguments and replies copied. Closures that capture variables stay in the VM.
   */
  tasks?: boolean;
}

/** A matrix as the pool takes it: a VM's Matrix view or plain data. */
export interface MatrixLike {
  shape: number[];
  dtype: DType;
  data: Float64Array | Float32Array;
}

/** A worker that starts and dies this many times in a row before answering is not replaced again. */
const MAX_FAILED_STARTS = 3;

export class Pool {
  private readonly slots: WorkerSlot[] = [];
  private readonly queue: Task[] = [];
  private queueHead = 0;
  private pumpScheduled = false;
  private nextId = 1;
  private closed = false;
  private failedStarts = 0;
  private retried = 0;
  private readonly pendingStats = new Map<number, (s: WorkerStats) => void>();
  private readonly window: number;
  private readonly batch: number;
  private readonly arena = new ArgumentArena();
  private readonly hosted = new HostedWork(this);
  /** VMs attached with their ids (what replicas of their programs print goes to them). */
  private readonly clients = new Map<number, VM>();
  readonly sharedMemory: boolean;
  readonly taskRetries: number;
  readonly busySpawns: "run-here" | "wait";
  readonly busyAt: number;
  readonly checkpoints: ActorCheckpoints | undefined;
  private readonly events: LogEvent | undefined;
  private lost = 0;

  private constructor(
    private readonly endpoints: EndpointFactory,
    options: PoolOptions,
  ) {
    this.window = options.window ?? 4096;
    this.batch = options.batch ?? 512;
    this.sharedMemory = (options.sharedMemory ?? true) && typeof SharedArrayBuffer !== "undefined";
    this.taskRetries = options.taskRetries ?? 0;
    this.busySpawns = options.busySpawns ?? "run-here";
    this.busyAt = options.busyAt ?? BUSY;
    this.checkpoints = options.checkpoints;
    this.events = options.events;
  }

  /** Starts the workers and waits until each is ready. */
  static async create(options: PoolOptions = {}): Promise<Pool> {
    const count = options.workers ?? defaultPoolSize();
    if (!Number.isInteger(count) || count < 1) throw new RangeError(formatError("BadOption", { detail: `a pool needs at least one worker, not ${count}` }));
    const endpoints = options.endpoints ?? defaultEndpoints();
    if (!endpoints) throw new Error(formatError("BadOption", { detail: "this platform has no workers to start (pass `endpoints`)" }));
    const pool = new Pool(endpoints, options);
    await Promise.all(Array.from({ length: count }, (_, i) => pool.start(i)));
    return pool;
  }

  /** The number of workers. */
  get size(): number {
    return this.slots.length;
  }

  /** Adds `count` workers (a cluster's new node brings some); resolves when they are ready. */
  async grow(count: number): Promise<void> {
    if (this.closed) return;
    const from = this.slots.length;
    await Promise.all(Array.from({ length: count }, (_, i) => this.start(from + i)));
  }

  /** Starts worker `index` (anew after a loss); resolves when it is ready. */
  private start(index: number): Promise<void> {
    const endpoint = this.endpoints();
    const slot = new WorkerSlot(endpoint, index);
    this.slots[index] = slot;
    this.hosted.connect(slot);
    return new Promise((resolve) => {
      endpoint.onmessage = (m) => {
        const msg = m as FromWorker;
        if (this.hosted.receive(slot, msg)) return;
        if (msg.t === "ready") {
          if (this.lost > 0) this.events?.("info", "worker_started", { worker: index });
          slot.ready = true;
          // an idle pool does not keep the process alive
          endpoint.hold?.(false);
          this.failedStarts = 0;
          resolve();
          this.hosted.ready();
          this.schedulePump();
        } else this.receive(slot, msg);
      };
      endpoint.onexit = (reason) => {
        resolve();
        this.lose(slot, reason);
      };
    });
  }

  // ---------------------------------------------------------------- the library API

  /**
   * Calls top-level function `fn` of `module` on a worker with `args` (values the codec can
   * carry); resolves to its result. The module's top level runs once per worker, before its
   * first call there. A Noodle error is a NoodleRuntimeError with its code and trace.
   */
  call(module: NbcModule, fn: string, args: unknown[] = [], options?: CallOptions): Promise<StoredValue> {
    return this.enqueue(this.callOf(TaskKind.Call, module, fn, args), undefined, undefined, options?.idempotent === true) as Promise<StoredValue>;
  }

  /** `fn` of `module` applied to every item of `xs`, in parallel; the results in order. */
  async pmap(module: NbcModule, fn: string, xs: unknown[], options: CallOptions = {}): Promise<StoredValue[]> {
    const parts = chunksFor(xs, this.size).map((chunk) => this.submit({ call: this.callOf(TaskKind.Map, module, fn, chunk) }, options));
    return ((await Promise.all(parts)) as StoredValue[][]).flat(1);
  }

  /** A call with its arguments encoded now (later changes to them do not leak in), in the arena. */
  private callOf(kind: TaskKind, module: NbcModule, fn: string, args: unknown[]): Task["call"] {
    const at = this.arena.add(args);
    return { kind, module: moduleBytes(module), fn, bytes: this.arena.bytes, at, length: this.arena.end - at };
  }

  /** The matrix product A * B with its rows shared among the workers; the same bits as `A * B` in one VM. */
  async matmul(a: MatrixLike, b: MatrixLike): Promise<ArrayValue> {
    const [m, k] = a.shape,
      [k2, n] = b.shape;
    if (a.shape.length !== 2 || b.shape.length !== 2 || k !== k2) {
      throw new NoodleRuntimeError(ERRORS.ShapeMismatch.code, formatError("ShapeMismatch", { shapes: `${a.shape.join("x")} and ${b.shape.join("x")}` }), []);
    }
    const dtype: DType = a.dtype === "f32" && b.dtype === "f32" ? "f32" : "f64";
    const Elements = dtype === "f32" ? Float32Array : Float64Array;
    const shared = this.sharedMemory;
    const array = (count: number) =>
      new Elements((shared ? new SharedArrayBuffer(count * Elements.BYTES_PER_ELEMENT) : new ArrayBuffer(count * Elements.BYTES_PER_ELEMENT)) as ArrayBuffer);
    // one copy of each operand (converted when the dtypes differ), shared with every worker when the platform allows
    const aa = array(m * k),
      bb = array(k * n),
      c = array(m * n);
    aa.set(a.data);
    bb.set(b.data);
    const variant = bestCoreVariant();
    await Promise.all(
      splitRows(m, this.size).map(([r0, r1]) =>
        this.submit(
          {
            gemm: {
              a: shared ? aa.subarray(r0 * k, r1 * k) : aa.slice(r0 * k, r1 * k),
              b: bb,
              c: shared ? c.subarray(r0 * n, r1 * n) : undefined,
              m: r1 - r0,
              k,
              n,
              variant,
            },
          },
          { idempotent: true },
        ).then((rows) => {
          if (!shared) c.set(rows as Float64Array | Float32Array, r0 * n);
        }),
      ),
    );
    return { kind: "matrix", shape: [m, n], dtype, data: c };
  }

  /**
   * Lets a VM use this pool from inside its programs: `pmap(xs, f)` runs on the workers, and
   * large matrix products are split among them. Both block the VM's thread while the workers
   * run, so they work only where a thread may wait for another (Node); elsewhere `pmap` runs
   * sequentially and products stay in the VM, with the same results.
   */
  attach(vm: VM, options: AttachOptions = {}): void {
    const client = this.nextId++;
    this.clients.set(client, vm);
    vm.registerHost("__pmap", pmapHost(this, vm, client));
    if (options.tasks) {
      vm.shareTasks({
        spawn: (proto, args) => this.spawnIn(vm, client, proto, args),
        refusesTasks: () => this.closed || (this.busySpawns === "run-here" && this.hosted.busy()),
        spawnActor: (proto) => {
          const origin = this.closed ? undefined : this.movable(this.actorOrigin(client, proto)!);
          return origin && this.hosted.spawn(origin);
        },
        sendActor: (id, name, args) => this.hosted.call(client, id, name, args),
        quiet: () => this.hosted.quiet(client),
        stalled: () => this.hosted.stalled(client),
        upgradePeers: this.hosted.upgradePeers(client, () => vm.modules),
      });
    }
    if (this.slots.some((s) => s.endpoint.receiveSync) && typeof SharedArrayBuffer !== "undefined") {
      vm.shareProducts(shareProducts(this, vm), options.productWork ?? 256 ** 3);
    }
  }

  /**
   * Runs `spawn f(args)` of `vm`'s top-level function `proto` on a worker, in a replica of the
   * program with the globals it has now; undefined when the arguments cannot be copied (the task
   * then runs in the VM). Not retried on a lost worker: it fails with 7001.
   */
  private spawnIn(vm: VM, client: number, proto: number, args: JsValue[]): HostWork | undefined {
    const origin = this.closed ? undefined : this.movable({ client, modules: vm.modules, replica: replicaOf(vm, proto), proto, limits: this.hostedLimits(vm) });
    return origin && this.hosted.spawnTask(origin, args);
  }

  /**
   * `origin` when its work can run on a worker with one VM's results; undefined when it must stay
   * in the program's VM: its code assigns a global (the program would not see it), or a global it
   * reaches cannot be copied (an actor living in the VM, a closure capturing variables).
   */
  private movable<O extends Origin>(origin: O): O | undefined {
    const vm = this.clients.get(origin.client);
    if (!vm || origin.replica.incomplete || writesGlobals(vm, origin.proto)) return undefined;
    return origin;
  }

  /**
   * `pmap(xs, f)` of `vm`'s function `proto` in replicas of its program, without blocking: chunks
   * of items go to the workers as tasks (idempotent: f should be a function of its argument).
   */
  async mapInReplicas(vm: VM, client: number, proto: number, via: number, xs: JsValue[]): Promise<StoredValue[]> {
    const replica = { modules: vm.modules, ...replicaOf(vm, proto, via), client, proto, via, limits: this.hostedLimits(vm) };
    const parts = chunksFor(xs, this.size).map((chunk) =>
      this.submit({ replica: { ...replica, items: encodeValue(chunk as StoredValue[], WIRE) } }, { idempotent: true }),
    );
    try {
      return ((await Promise.all(parts)) as StoredValue[][]).flat(1);
    } catch (e) {
      throw includesAwaiter(e);
    }
  }

  /** The limits of `vm`'s program that hold for its work on the workers, shared with them where memory can be. */
  hostedLimits(vm: VM): HostedLimits {
    const { maxMemory, maxDepth, maxSteps } = vm.limits;
    const share = this.sharedMemory ? vm.shareLimits() : undefined;
    return { maxMemory, maxDepth, maxSteps, share, run: vm.limitsRun, ...vm.jit };
  }

  program(client: number): VM | undefined {
    return this.clients.get(client);
  }

  globalsNow(client: number, proto: number): ActorOrigin | undefined {
    const vm = this.clients.get(client);
    return vm && namesGlobals(vm, proto) ? this.actorOrigin(client, proto) : undefined;
  }

  actorOrigin(client: number, proto: number): ActorOrigin | undefined {
    const vm = this.clients.get(client);
    if (!vm) return undefined;
    return { client, modules: vm.modules, replica: replicaOf(vm, proto), proto, supervision: vm.supervision, limits: this.hostedLimits(vm) };
  }

  stores(client: number): ProgramStores | undefined {
    const vm = this.clients.get(client);
    return vm && storesOf(vm);
  }

  storesLost(callers: string): void {
    for (const vm of this.clients.values()) storesOf(vm)?.workerLost(callers);
  }

  /** Workers that can take work now. */
  usableSlots(): WorkerSlot[] {
    return this.slots.filter((s) => s.usable);
  }

  /** Actors placed on each worker. */
  get actorsPlaced(): number[] {
    return this.slots.map((s) => this.hosted.countOn(s));
  }

  /** Counts from every worker (modules loaded, tasks run). */
  workerStats(): Promise<WorkerStats[]> {
    return Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<WorkerStats>((resolve) => {
            const id = this.nextId++;
            this.pendingStats.set(id, resolve);
            slot.endpoint.hold?.(true);
            slot.endpoint.postMessage({ t: "stats", id } satisfies ToWorker);
          }),
      ),
    );
  }

  /** Messages that carried module bytes to each worker (a module is sent to a worker once). */
  get modulesSent(): number[] {
    return this.slots.map((s) => s.modulesSent);
  }

  /** Tasks in flight on each worker. */
  get load(): number[] {
    return this.slots.map((s) => s.load);
  }

  /** Tasks run again after their worker died. */
  get retries(): number {
    return this.retried;
  }

  /** Workers lost (crashed, or their node gone) since the pool started. */
  get workersLost(): number {
    return this.lost;
  }

  /** Each worker's state: up (answering), starting, or lost and not replaced. */
  get workerStates(): ("up" | "starting" | "lost")[] {
    return this.slots.map((s) => (s.lost ? "lost" : s.ready ? "up" : "starting"));
  }

  /** Ends worker `index` at once, as a crash would: the pool replaces it. For testing faults. */
  killWorker(index: number): void {
    this.slots[index]?.endpoint.terminate();
  }

  /** Ends every worker; tasks still running fail with 7001. */
  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots) {
      slot.lost = true;
      slot.endpoint.terminate();
      this.failAll(slot.takeAll(), "the pool was closed");
    }
    this.failAll(this.queue.splice(this.queueHead), "the pool was closed");
    this.failAll(this.hosted.drop(), "the pool was closed");
    this.queueHead = 0;
  }

  // ---------------------------------------------------------------- synchronous use (attach)

  /** Up to `count` workers ready for a synchronous job (the caller blocks on their replies). */
  syncWorkers(count: number): WorkerSlot[] {
    return this.slots.filter((s) => s.usable && s.endpoint.receiveSync).slice(0, count);
  }

  /** A fresh id for a message. */
  newId(): number {
    return this.nextId++;
  }

  // ---------------------------------------------------------------- scheduling

  private submit(work: Pick<Task, "call" | "gemm" | "replica">, options: CallOptions): Promise<unknown> {
    return this.enqueue(work.call, work.gemm, work.replica, options.idempotent === true);
  }

  private enqueue(call: Task["call"], gemm: Task["gemm"], replica: Task["replica"], idempotent: boolean): Promise<unknown> {
    if (this.closed) return Promise.reject(lostError("the pool was closed"));
    const done = new Promise(capture);
    // a literal of fixed shape: spreading an object here made submitting several times slower
    this.queue.push({ call, gemm, replica, id: this.nextId++, idempotent, attempts: 0, resolve: captured.resolve, reject: captured.reject });
    // a full batch for every worker goes at once, so the workers start on it while the caller
    // submits more; less waits for the caller's current task to end, to gather more
    if (this.queue.length - this.queueHead >= this.batch * this.slots.length) this.pump();
    else this.schedulePump();
    return done;
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => this.pump());
  }

  /** Hands queued tasks to the least-loaded workers, a batch per message. */
  private pump(): void {
    this.pumpScheduled = false;
    while (this.queueHead < this.queue.length) {
      let slot: WorkerSlot | undefined;
      let usable = 0;
      for (const s of this.slots) {
        if (!s.usable) continue;
        usable++;
        if (!slot || s.load < slot.load) slot = s;
      }
      if (!slot || slot.load >= this.window) break;
      // a fair share of what waits, so a few large tasks spread over the workers too
      const share = Math.ceil((this.queue.length - this.queueHead) / usable);
      const room = Math.min(this.batch, this.window - slot.load, share);
      const end = Math.min(this.queue.length, this.queueHead + room);
      this.send(slot, this.queue.slice(this.queueHead, end));
      this.queueHead = end;
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }

  /**
   * One message of calls to a worker (module bytes first where it lacks them), answered in the
   * order of its tasks; shares of products go alone.
   */
  private send(slot: WorkerSlot, tasks: Task[]): void {
    const names = new NameTable();
    const modules: ModuleBytes[] = [];
    const packed = new PackedValues();
    const head = new Float64Array(tasks.length * TASK_FIELDS);
    const calls: Task[] = [];
    if (slot.load === 0 && tasks.length) slot.endpoint.hold?.(true);
    // the module and function of the task before, named again without looking them up
    let lastModule: ModuleBytes | undefined;
    let lastFn: string | undefined;
    let moduleName = 0;
    let fnName = 0;
    for (const t of tasks) {
      t.attempts++;
      if (t.call) {
        const { kind, module, fn, bytes, at, length } = t.call;
        if (module !== lastModule) {
          if (!slot.shipped.has(module.hash)) {
            slot.shipped.add(module.hash);
            modules.push(module);
          }
          lastModule = module;
          moduleName = names.of(module.hash);
        }
        if (fn !== lastFn) {
          lastFn = fn;
          fnName = names.of(fn);
        }
        const h = calls.push(t) * TASK_FIELDS - TASK_FIELDS;
        head[h] = kind;
        head[h + 1] = moduleName;
        head[h + 2] = fnName;
        head[h + 3] = packed.add(bytes, at, length);
        head[h + 4] = length;
        continue;
      }
      slot.inflight.set(t.id, t);
      if (t.gemm) {
        // copied, not transferred: the job may have to be sent again if this worker dies
        slot.endpoint.postMessage({ t: "gemm", id: t.id, sync: false, ...t.gemm } satisfies ToWorker);
      } else if (t.replica) {
        const { modules: programModules, ...job } = t.replica;
        slot.endpoint.postMessage({ t: "pmap", id: t.id, sync: false, modules: this.shipTo(slot, programModules), ...job } satisfies ToWorker);
      }
    }
    if (calls.length === 0) return;
    if (modules.length) slot.modulesSent++;
    const id = this.nextId++;
    slot.batches.set(id, calls);
    slot.batched += calls.length;
    const data = packed.finish();
    const used = head.subarray(0, calls.length * TASK_FIELDS);
    slot.endpoint.postMessage({ t: "batch", id, modules, names: names.names, head: used, data } satisfies ToWorker, [head.buffer, data.buffer]);
  }

  /** Those of `modules` a worker has not been sent yet, counted as sent (for a synchronous job's message). */
  shipTo(slot: WorkerSlot, modules: NbcModule[]): ModuleBytes[] {
    const missing = modules.map(moduleBytes).filter((m) => !slot.shipped.has(m.hash));
    for (const m of missing) slot.shipped.add(m.hash);
    if (missing.length) slot.modulesSent++;
    return missing;
  }

  /** A message from a worker (directly, or on its actor lane). */
  receive(slot: WorkerSlot, m: FromWorker): void {
    switch (m.t) {
      case "results":
        this.settleResults(slot, m.batch, m.head, m.data, m.errors);
        break;
      case "gemm-done":
        this.settle(slot, m.id, m.error, () => m.c);
        break;
      case "pmap-done":
        this.settle(slot, m.id, m.error, () => decodeValue(m.data!, WIRE));
        break;
      case "stats":
        this.pendingStats.get(m.id)?.(m.stats);
        this.pendingStats.delete(m.id);
        break;
      case "out":
        this.output(m.client, m.fd, m.text);
        return;
      case "event":
        this.events?.(m.level, m.event, { ...m.fields, worker: slot.index });
        return;
    }
    if (slot.load === 0) slot.endpoint.hold?.(false);
    this.schedulePump();
  }

  /** Text a replica printed for attached VM `client`. */
  output(client: number, fd: number, text: string): void {
    this.clients.get(client)?.output(fd, text);
  }

  /** Settles the tasks of batch `batch` with the values (which may fail to decode) and errors of its "results" message. */
  private settleResults(slot: WorkerSlot, batch: number, head: Float64Array, data: Uint8Array, errors: ErrorInfo[]): void {
    const tasks = slot.batches.get(batch);
    if (!tasks) return;
    slot.batches.delete(batch);
    slot.batched -= tasks.length;
    const values = new ValueSequenceReader(data, WIRE);
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[i];
      const h = i * RESULT_FIELDS;
      if (!head[h]) {
        task.reject(runtimeError(errors[head[h + 1]]));
        continue;
      }
      let value: StoredValue;
      try {
        value = values.at(head[h + 1], head[h + 2]);
      } catch (e) {
        task.reject(e as Error);
        continue;
      }
      task.resolve(value);
    }
  }

  /** Settles task `id` of `slot` with its error, or with what `read` gives (which may fail). */
  settle(slot: WorkerSlot, id: number, error: ErrorInfo | undefined, read: () => unknown): void {
    const task = slot.inflight.get(id);
    if (!task) return;
    slot.inflight.delete(id);
    if (slot.load === 0) slot.endpoint.hold?.(false);
    this.hosted.freed(slot);
    if (error) return task.reject(runtimeError(error));
    try {
      task.resolve(read());
    } catch (e) {
      task.reject(e as Error);
    }
  }

  // ---------------------------------------------------------------- faults

  /** A worker died: replace it; its tasks run again (idempotent, first loss) or fail with 7001. */
  private lose(slot: WorkerSlot, reason: string): void {
    if (this.slots[slot.index] !== slot) return;
    slot.lost = true;
    const tasks = slot.takeAll();
    if (this.closed) return this.failAll(tasks, "the pool was closed");
    const retry = tasks.filter((t) => t.idempotent && t.attempts < 2);
    // attempts counts the workers it was sent to: the first, then each retry
    const respawn = tasks.filter((t) => t.spawned && t.attempts <= this.taskRetries);
    this.failAll(
      tasks.filter((t) => !retry.includes(t) && !respawn.includes(t)),
      reason,
    );
    this.queue.splice(this.queueHead, 0, ...retry);
    this.retried += retry.length + respawn.length;
    this.lost++;
    this.events?.("warn", "worker_lost", { worker: slot.index, reason, tasks_failed: tasks.length - retry.length - respawn.length });
    for (const t of [...retry, ...respawn]) this.events?.("info", "task_retried", { task: t.id, worker: slot.index, attempt: t.attempts + 1 });
    this.hosted.lost(slot);
    for (const t of respawn) this.hosted.respawn(t);
    if (!slot.ready) this.failedStarts++;
    if (this.failedStarts >= MAX_FAILED_STARTS) {
      this.events?.("error", "workers_failing", { worker: slot.index, reason, starts_failed: this.failedStarts });
      // workers die as they start: stop replacing them, and fail what waits once none is left
      if (!this.slots.some((s) => !s.lost)) {
        this.failAll(this.queue.splice(this.queueHead), `workers fail to start (${reason})`);
        this.failAll(this.hosted.drop(), `workers fail to start (${reason})`);
        this.queueHead = 0;
      }
      return;
    }
    void this.start(slot.index);
    this.schedulePump();
  }

  private failAll(tasks: Task[], reason: string): void {
    for (const t of tasks) t.reject(lostError(reason));
  }
}

function lostError(reason: string): NoodleRuntimeError {
  return new NoodleRuntimeError(ERRORS.WorkerLost.code, formatError("WorkerLost", { detail: reason }), []);
}

/**
 * A chunk's error, whose trace ends with the frame of the prelude's pmap that ran it on the worker:
 * marked so that the caller's pmap frame, which awaits it, does not appear twice.
 */
function includesAwaiter(e: unknown): unknown {
  if (!(e instanceof NoodleRuntimeError) || !e.frames?.length) return e;
  return new NoodleRuntimeError(e.code, e.message, e.trace, [...e.frames, TRACE_MARK.INCLUDES_AWAITER, 0, 0]);
}

export function runtimeError(e: ErrorInfo): NoodleRuntimeError {
  return new NoodleRuntimeError(e.code, e.message, e.trace, e.frames);
}
