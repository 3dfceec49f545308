// Messages between a pool and its workers. Tasks travel in batches: one message carries many
// tasks, their arguments encoded with the value codec into one buffer that is transferred, not
// copied; results come back the same way. Module bytes travel once per worker, named by hash.

import { type StoredValue, ValueSequence, WIRE } from "../codec/value-codec.js";
import type { Install } from "../compiler/codegen.js";
import { ERRORS } from "../errors/table.js";
import type { JitMode } from "../jit/compiled-tier.js";
import type { EventFields, LogLevel } from "../logs/event-log.js";
import type { CoreVariant } from "../runtime/core.js";
import type { PermissionOptions } from "../runtime/permissions.js";
import { NoodleRuntimeError, type TraceFrame } from "../runtime/runtime-error.js";
import type { LimitShare } from "../runtime/shared-limits.js";
import type { LaneBuffers, LaneMessage } from "./lane.js";

export const enum TaskKind {
  /** Calls a top-level function of a module with the arguments (a list). */
  Call = 0,
  /** Calls a top-level function once per item of the argument (a list); the result is the list of results. */
  Map = 1,
}

/** Numbers per task in a batch's head: kind, module (name index), function (name index), offset, length. */
export const TASK_FIELDS = 5;
/** Numbers per result in a results head, in the order of the batch's tasks: ok (1 or 0), offset, length. */
export const RESULT_FIELDS = 3;

export interface ModuleBytes {
  hash: string;
  bytes: Uint8Array;
}

export interface ErrorInfo {
  code: number;
  message: string;
  trace: TraceFrame[];
  /** The raw trace (see NoodleRuntimeError.frames), from a replica of the caller's program. */
  frames?: number[];
}

export type ToWorker =
  | { t: "batch"; id: number; modules: ModuleBytes[]; names: string[]; head: Float64Array; data: Uint8Array }
  | GemmJob
  | PmapJob
  | ({ t: "lanes"; actorIds: ActorIdBlock } & LaneBuffers)
  | LaneMessage
  | { t: "stats"; id: number };

/** What a worker needs to run functions of a caller's program: its modules' hashes and its globals. */
export interface ReplicaSource {
  /** The caller's modules, in load order. */
  hashes: string[];
  /** The caller's globals (see pmap-host.ts), with the hash of these bytes. */
  globals: Uint8Array;
  globalsHash: string;
  /** The caller's permissions (roots resolved) and arguments: std/fs and std/sys obey them on the worker too. */
  capabilities: { permissions: PermissionOptions; args: string[] };
  /** Some of the globals the function reaches could not be copied (they are nil in the replica). */
  incomplete?: true;
}

/**
 * A caller's program on this worker (a message on the lane): the VM hosting its spawned tasks
 * and actors here, with the globals the coming work can reach as the caller had them.
 */
/** Ids a worker gives the actors its work spawns: [first, first + count). */
export interface ActorIdBlock {
  first: number;
  count: number;
}

export interface HostedJob extends ReplicaSource {
  t: "hosted";
  client: number;
  modules: ModuleBytes[];
  limits: HostedLimits;
}

/**
 * The caller's limits that the VMs running its program's work on a worker keep: call depth, and
 * the instruction budget and heap cap, which are the program's: with `share`, the VMs count
 * their steps and heap in the caller's (see src/runtime/shared-limits.ts); without shared memory
 * each VM keeps them alone.
 */
export interface HostedLimits {
  maxMemory?: number;
  maxDepth?: number;
  maxSteps?: number;
  share?: LimitShare;
  /** The caller's run that `pmap` chunks belong to: those of a run that ended at a limit do not start in a later one. */
  run?: number;
  /** The caller's compiled tier, so work runs on the workers as it would in the caller's VM. */
  jit?: JitMode;
  jitThreshold?: number;
}

/**
 * The pool asks whether a caller's work here has ended or waits with nothing to wake it (a
 * message on the lane). The worker answers once it is so, as the value of task `id`:
 * [fibers blocked on a future, lane records and messages it has received].
 */
export interface QuietProbe {
  t: "probe";
  id: number;
  client: number;
}

/**
 * A step of an upgrade of the caller's program (src/runtime/upgrade.ts, UpgradePeers): check the
 * new version (the last of the program's modules `hashes`, with `installs`; `current` is what the
 * running one installs) on the actors living here and hold it, answered on the lane with the reason it cannot switch or
 * "" (id); then switch to it or forget it; or go back a version.
 */
export type HostedUpgrade =
  | {
      t: "upgrade";
      step: "check";
      id: number;
      client: number;
      modules: ModuleBytes[];
      hashes: string[];
      installs: Install[];
      current: Install[];
      retire: string[];
    }
  | { t: "upgrade"; step: "commit" | "abort" | "rollback"; client: number };

/** The caller's fibers wait everywhere and nothing can wake them: one await here fails with 7004, counting `elsewhere` more. */
export interface DeadlockBreak {
  t: "break";
  client: number;
  elsewhere: number;
}

/** Rows [0, m) of C = A * B: A holds only those rows; C is shared, or absent to have the rows sent back. */
export interface GemmJob {
  t: "gemm";
  id: number;
  a: Float64Array | Float32Array;
  b: Float64Array | Float32Array;
  c?: Float64Array | Float32Array;
  m: number;
  k: number;
  n: number;
  variant: CoreVariant;
  /** Reply on the synchronous channel (the caller is blocked waiting). */
  sync: boolean;
}

/**
 * One chunk of an in-program `pmap`: items mapped through function `proto` of a replica of the
 * caller's VM by the prelude's pmap (function `via`), which maps sequentially there, so an error's
 * trace has the frames it would have in one VM.
 */
export interface PmapJob extends ReplicaSource {
  t: "pmap";
  id: number;
  /** The attached VM it runs for: what the function prints goes there. */
  client: number;
  modules: ModuleBytes[];
  proto: number;
  via: number;
  items: Uint8Array;
  limits: HostedLimits;
  /** Reply on the synchronous channel (default) or, when false, as an ordinary message. */
  sync?: boolean;
}

export type FromWorker =
  | { t: "ready" }
  | { t: "results"; batch: number; head: Float64Array; data: Uint8Array; errors: ErrorInfo[] }
  | { t: "gemm-done"; id: number; c?: Float64Array | Float32Array; error?: ErrorInfo }
  | { t: "pmap-done"; id: number; data?: Uint8Array; error?: ErrorInfo }
  | { t: "stats"; id: number; stats: WorkerStats }
  | { t: "out"; client: number; fd: number; text: string }
  /** A runtime event of a replica (an actor restarted there), for the pool's log. */
  | { t: "event"; level: LogLevel; event: string; fields: EventFields }
  | LaneMessage;

/** What a worker has done, as it counts it. */
export interface WorkerStats {
  /** Modules decoded from bytes (each hash once). */
  modulesLoaded: number;
  tasksRun: number;
  /** Actors placed here. */
  actors: number;
  /** Messages their handlers took. */
  messages: number;
  /** Functions the compiled tier of this worker's VMs compiled (or took from the worker's cache). */
  jitCompiled: number;
  /** Instructions its VMs ran, their heap bytes in use and committed, and their full collections. */
  instructions: number;
  heapInUse: number;
  heapCommitted: number;
  collections: number;
}

/** The strings of a message (module hashes, function names), each sent once and named by its index. */
export class NameTable {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  of(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) this.index.set(name, (i = this.names.push(name) - 1));
    return i;
  }
}

/**
 * Gathers encoded values into one buffer, each at a multiple of 8 bytes so that matrix data
 * decodes in place (the codec aligns elements relative to the start of an encoding). Values that
 * lie one after another in the same source buffer (an arena's, in the order they were encoded)
 * are copied as one span.
 */
export class PackedValues {
  /** Spans to copy: source buffer, start, end (the end rounded up to a multiple of 8). */
  private spans: (Uint8Array | number)[] = [];
  private size = 0;
  private source: Uint8Array | undefined;
  private sourceEnd = -1;

  /** Adds the value encoded at `bytes[at, at + length)`, `at` a multiple of 8; returns its offset in the result. */
  add(bytes: Uint8Array, at: number, length: number): number {
    const end = (at + length + 7) & ~7;
    const offset = this.size;
    if (bytes === this.source && at === this.sourceEnd) {
      this.spans[this.spans.length - 1] = end;
    } else {
      this.spans.push(bytes, at, end);
      this.source = bytes;
    }
    this.sourceEnd = end;
    this.size = offset + end - at;
    return offset;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    const spans = this.spans;
    let to = 0;
    for (let i = 0; i < spans.length; i += 3) {
      const bytes = spans[i] as Uint8Array,
        from = spans[i + 1] as number,
        end = Math.min(spans[i + 2] as number, bytes.length);
      out.set(bytes.subarray(from, end), to);
      to += (spans[i + 2] as number) - from;
    }
    this.spans = [];
    this.size = 0;
    this.source = undefined;
    this.sourceEnd = -1;
    return out;
  }
}

/**
 * Encodes the arguments of many tasks into shared buffers (a new one after each megabyte), so a
 * tiny task allocates nothing of its own for them.
 */
export class ArgumentArena {
  private seq = new ValueSequence(WIRE);

  /** Encodes `args`; returns its offset in `bytes`, the arena's buffer as it is after the call (see `end`). */
  add(args: unknown[]): number {
    if (this.seq.byteLength > 1 << 20) this.seq = new ValueSequence(WIRE);
    return this.seq.add(args as StoredValue);
  }

  /** The buffer holding the encoding `add` just made (the arena writes into a new one as it grows). */
  get bytes(): Uint8Array {
    return this.seq.buffer;
  }

  /** Where the encoding `add` just made ends. */
  get end(): number {
    return this.seq.byteLength;
  }
}

/** The answers to the tasks of batch `batch`, in one "results" message, in the order of the batch. */
export class ResultsBuilder {
  private readonly out = new ValueSequence(WIRE);
  private readonly head: Float64Array;
  private readonly errors: ErrorInfo[] = [];
  private count = 0;

  constructor(
    private readonly batch: number,
    capacity: number,
  ) {
    this.head = new Float64Array(capacity * RESULT_FIELDS);
  }

  /** The next task returned `value`; throws (adding nothing) when the codec cannot carry it. */
  resolve(value: StoredValue): void {
    const offset = this.out.add(value);
    this.put(1, offset, this.out.byteLength - offset);
  }

  /** The next task failed with `error`. */
  reject(error: ErrorInfo): void {
    this.errors.push(error);
    this.put(0, this.errors.length - 1, 0);
  }

  private put(ok: number, offset: number, length: number): void {
    const h = this.count++ * RESULT_FIELDS;
    const head = this.head;
    head[h] = ok;
    head[h + 1] = offset;
    head[h + 2] = length;
  }

  /** The message, and the buffers it transfers. */
  finish(): [FromWorker, Transferable[]] {
    const head = this.head.subarray(0, this.count * RESULT_FIELDS);
    const data = this.out.bytes;
    return [{ t: "results", batch: this.batch, head, data, errors: this.errors }, [this.head.buffer, data.buffer]];
  }
}

/**
 * An exception as the error a task or message failed with, to send back to the caller; with its
 * raw trace when it comes from a replica of the caller's program (`replica`).
 */
export function errorInfo(e: unknown, replica = false): ErrorInfo {
  if (e instanceof NoodleRuntimeError) return { code: e.code, message: e.message, trace: e.trace, frames: replica ? e.frames : undefined };
  if (e instanceof TypeError) return { code: ERRORS.NotStorable.code, message: `cannot send the value to another worker: ${e.message}`, trace: [] };
  const code = (e as { code?: unknown })?.code;
  const message = e instanceof Error ? e.message : String(e);
  return typeof code === "number" ? { code, message, trace: [] } : { code: ERRORS.InternalError.code, message: `internal error: ${message}`, trace: [] };
}
