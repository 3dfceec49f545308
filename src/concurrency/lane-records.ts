// The records of the lanes between the pool and a worker (lane.ts), in a small binary form
// written straight into a ring. Both directions use the same kinds: a message (a call of an
// actor's handler: from the pool to the actor's worker, or from a worker's task or actor to the
// pool, which passes it on), a spawned task (to a worker), the cancelling of either, an actor a
// worker's work spawned (to the pool, which places it), an actor the pool places on a worker, the
// value or the error answering a message or task, output printed by hosted work, and a call of
// std/db by hosted work (to the pool, which runs it on the program's store and answers with a
// value or error record). Values use the value codec's wire flavour
// (actor references included); names and text are UTF-8.

import { CodecError, type CodecOptions, type StoredValue, unshared, ValueEncoder, ValueSequenceReader, WIRE } from "../codec/value-codec.js";
import { ERRORS } from "../errors/table.js";
import { PLOT_SHOW_OP } from "../plot/plot-host.js";
import { HostError } from "../runtime/host-calls.js";
import type { TraceFrame } from "../runtime/runtime-error.js";
import { STORE_OPS } from "../store/store-ops.js";
import type { LaneWriter } from "./lane.js";
import type { ErrorInfo } from "./protocol.js";

const enum Kind {
  Message = 1,
  Value = 2,
  Error = 3,
  Output = 4,
  Task = 5,
  Cancel = 6,
  Spawn = 7,
  Store = 8,
  Actor = 9,
}

export type LaneRecord =
  /** Call handler `name` of actor `actor` with `args`; the answer names `id`. */
  | { kind: "message"; id: number; actor: number; name: string; args: StoredValue[] }
  | { kind: "value"; id: number; value: StoredValue }
  | { kind: "error"; id: number; error: ErrorInfo }
  /** Text hosted work printed for attached VM `client`. */
  | { kind: "output"; client: number; fd: number; text: string }
  /** Run function `proto` of `client`'s program with `args` as a task; the answer names `id`. */
  | { kind: "task"; id: number; client: number; proto: number; args: StoredValue[] }
  /** Nobody waits for task or message `id` any more: cancel it if it can still be. */
  | { kind: "cancel"; id: number }
  /** A worker's task or actor spawned actor `id` (an id of the worker's block) of `client`'s function `proto`. */
  | { kind: "spawn"; id: number; client: number; proto: number }
  /** Fiber `fiber` of `client`'s program on a worker calls std/db's operation number `op` (store-ops.ts), or plot.show (PLOT_SHOW_OP), with `args`; the answer names `id`. */
  | { kind: "store"; id: number; client: number; fiber: number; op: number; args: StoredValue[] }
  /** Make actor `id` of `client`'s constructor function `proto` here, under that supervision. */
  | { kind: "actor"; id: number; client: number; proto: number; supervision: { maxRestarts: number; withinMs: number } };

const COPIED: CodecOptions = { ...WIRE, copyArrays: true };
const utf8 = new TextEncoder();
const names = new Map<string, Uint8Array>();

function nameBytes(name: string): Uint8Array {
  let b = names.get(name);
  if (!b) names.set(name, (b = utf8.encode(name)));
  return b;
}

/** Copies of values for another worker: actor references cross, functions and local actors do not (8007). */
export function encodeForWire(encoder: ValueEncoder, v: StoredValue): Uint8Array {
  try {
    return encoder.encode(v);
  } catch (e) {
    if (e instanceof TypeError) throw new HostError(ERRORS.NotStorable.code, [], `cannot send the value to another worker: ${e.message}`);
    throw e;
  }
}

/** Writes records on a lane; one encoder's buffer serves every value (it is copied into the lane). */
export class LaneRecordWriter {
  readonly encoder = new ValueEncoder(WIRE);

  constructor(private readonly lane: LaneWriter) {}

  /** Message `name(args)` to `actor`, with its arguments already encoded (encodeForWire). */
  message(id: number, actor: number, name: string, args: Uint8Array): void {
    const n = nameBytes(name);
    this.lane.bytes(15 + n.length + args.length, (bytes, view, at) => {
      bytes[at] = Kind.Message;
      view.setFloat64(at + 1, id, true);
      view.setUint32(at + 9, actor, true);
      view.setUint16(at + 13, n.length, true);
      bytes.set(n, at + 15);
      bytes.set(args, at + 15 + n.length);
    });
  }

  /** Task `id`: function `proto` of `client`'s program on `args` (encoded with encodeForWire). */
  task(id: number, client: number, proto: number, args: Uint8Array): void {
    this.lane.bytes(17 + args.length, (bytes, view, at) => {
      bytes[at] = Kind.Task;
      view.setFloat64(at + 1, id, true);
      view.setUint32(at + 9, client, true);
      view.setUint32(at + 13, proto, true);
      bytes.set(args, at + 17);
    });
  }

  spawn(id: number, client: number, proto: number): void {
    this.lane.bytes(17, (bytes, view, at) => {
      bytes[at] = Kind.Spawn;
      view.setFloat64(at + 1, id, true);
      view.setUint32(at + 9, client, true);
      view.setUint32(at + 13, proto, true);
    });
  }

  /** Store call `id` of fiber `fiber` of `client`'s program: operation `op` on `args` (encoded with encodeForWire). */
  store(id: number, client: number, fiber: number, op: number, args: Uint8Array): void {
    this.lane.bytes(18 + args.length, (bytes, view, at) => {
      bytes[at] = Kind.Store;
      view.setFloat64(at + 1, id, true);
      view.setUint32(at + 9, client, true);
      view.setUint32(at + 13, fiber, true);
      bytes[at + 17] = op;
      bytes.set(args, at + 18);
    });
  }

  /** A placement: a record in the ring, as cheap as a message, so placing many actors costs no port message each. */
  actor(id: number, client: number, proto: number, supervision: { maxRestarts: number; withinMs: number }): void {
    this.lane.bytes(33, (bytes, view, at) => {
      bytes[at] = Kind.Actor;
      view.setFloat64(at + 1, id, true);
      view.setUint32(at + 9, client, true);
      view.setUint32(at + 13, proto, true);
      view.setFloat64(at + 17, supervision.maxRestarts, true);
      view.setFloat64(at + 25, supervision.withinMs, true);
    });
  }

  cancel(id: number): void {
    this.lane.bytes(9, (bytes, view, at) => {
      bytes[at] = Kind.Cancel;
      view.setFloat64(at + 1, id, true);
    });
  }

  /** The answer to message `id`: its value, or (when the value cannot be sent) the error `failed` makes of that. */
  value(id: number, value: StoredValue, failed: (e: unknown) => ErrorInfo): void {
    let bytes: Uint8Array;
    try {
      bytes = encodeForWire(this.encoder, value);
    } catch (e) {
      return this.error(id, failed(e));
    }
    this.answer(Kind.Value, id, bytes);
  }

  error(id: number, e: ErrorInfo): void {
    const trace = e.trace.map((f) => [f.name, f.file, f.line, f.col, f.calls ?? 1, f.omitted ?? -1]);
    this.answer(Kind.Error, id, this.encoder.encode([e.code, e.message, trace, e.frames ?? null]));
  }

  output(client: number, fd: number, text: string): void {
    const t = utf8.encode(text);
    this.lane.bytes(6 + t.length, (bytes, view, at) => {
      bytes[at] = Kind.Output;
      view.setUint32(at + 1, client, true);
      bytes[at + 5] = fd;
      bytes.set(t, at + 6);
    });
  }

  private answer(kind: Kind, id: number, value: Uint8Array): void {
    this.lane.bytes(9 + value.length, (bytes, view, at) => {
      bytes[at] = kind;
      view.setFloat64(at + 1, id, true);
      bytes.set(value, at + 9);
    });
  }
}

/** Bytes of each kind's fixed part, its kind byte included. */
const FIXED_SIZE: Record<Kind, number> = {
  [Kind.Message]: 15,
  [Kind.Value]: 9,
  [Kind.Error]: 9,
  [Kind.Output]: 6,
  [Kind.Task]: 17,
  [Kind.Cancel]: 9,
  [Kind.Spawn]: 17,
  [Kind.Store]: 18,
  [Kind.Actor]: 33,
};

// fatal: a record's text is the writer's own UTF-8; anything else means the record is damaged
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The record of `length` bytes at `at` (array data copied out: the ring's bytes will be reused).
 * Records come from another thread, so anything that is not a record a writer could have made is
 * refused with 8004 (CodecError), read only from the record's own bytes.
 */
export function readLaneRecord(bytes: Uint8Array, view: DataView, at: number, length: number): LaneRecord {
  const end = at + length;
  const kind = length > 0 ? (bytes[at] as Kind) : fail("empty");
  const fixed = FIXED_SIZE[kind] ?? fail(`unknown kind ${kind}`);
  if (length < fixed) fail(`${length} bytes, fewer than the ${fixed} of its kind`);
  if ((kind === Kind.Spawn || kind === Kind.Cancel || kind === Kind.Actor) && length !== fixed) fail(`${length - fixed} trailing bytes`, fixed);
  const id = kind === Kind.Output ? 0 : view.getFloat64(at + 1, true); // output names no id
  if (!Number.isSafeInteger(id) || id < 0) fail(`id ${id} is not a whole number`, 1);
  switch (kind) {
    case Kind.Message: {
      const nameEnd = at + 15 + view.getUint16(at + 13, true);
      if (nameEnd > end) fail("handler name runs past the end", 13);
      return { kind: "message", id, actor: view.getUint32(at + 9, true), name: textAt(bytes, at, at + 15, nameEnd), args: listAt(bytes, at, nameEnd, end) };
    }
    case Kind.Task:
      return { kind: "task", id, client: view.getUint32(at + 9, true), proto: view.getUint32(at + 13, true), args: listAt(bytes, at, at + 17, end) };
    case Kind.Spawn:
      return { kind: "spawn", id, client: view.getUint32(at + 9, true), proto: view.getUint32(at + 13, true) };
    case Kind.Actor: {
      const supervision = { maxRestarts: view.getFloat64(at + 17, true), withinMs: view.getFloat64(at + 25, true) };
      if (!Number.isSafeInteger(supervision.maxRestarts) || supervision.maxRestarts < 0 || !(supervision.withinMs >= 0))
        fail(`supervision ${supervision.maxRestarts} restarts within ${supervision.withinMs} ms`, 17);
      return { kind: "actor", id, client: view.getUint32(at + 9, true), proto: view.getUint32(at + 13, true), supervision };
    }
    case Kind.Cancel:
      return { kind: "cancel", id };
    case Kind.Store: {
      const op = bytes[at + 17];
      if (op >= STORE_OPS.length && op !== PLOT_SHOW_OP) fail(`store operation ${op}`, 17);
      return { kind: "store", id, client: view.getUint32(at + 9, true), fiber: view.getUint32(at + 13, true), op, args: listAt(bytes, at, at + 18, end) };
    }
    case Kind.Output: {
      const fd = bytes[at + 5];
      if (fd !== 1 && fd !== 2) fail(`output to descriptor ${fd}`, 5);
      return { kind: "output", client: view.getUint32(at + 1, true), fd, text: textAt(bytes, at, at + 6, end) };
    }
    case Kind.Value:
      return { kind: "value", id, value: valueAt(bytes, at + 9, end) };
    case Kind.Error:
      return { kind: "error", id, error: errorInfo(valueAt(bytes, at + 9, end)) ?? fail("not an error", 9) };
  }
}

function fail(detail: string, offset = 0): never {
  throw new CodecError(`lane record: ${detail}`, offset);
}

/** The text at bytes [from, to) of the record at `at`. */
function textAt(bytes: Uint8Array, at: number, from: number, to: number): string {
  try {
    return strictUtf8.decode(unshared(bytes.subarray(from, to)));
  } catch {
    return fail("invalid UTF-8", from - at);
  }
}

/** The value encoded at bytes [from, end), read by one reader per buffer (a ring's bytes are always the same). */
function valueAt(bytes: Uint8Array, from: number, end: number): StoredValue {
  let reader = readers.get(bytes);
  if (!reader) readers.set(bytes, (reader = new ValueSequenceReader(bytes, COPIED)));
  return reader.at(from, end - from);
}
const readers = new WeakMap<Uint8Array, ValueSequenceReader>();

function listAt(bytes: Uint8Array, at: number, from: number, end: number): StoredValue[] {
  const v = valueAt(bytes, from, end);
  return Array.isArray(v) ? v : fail("arguments are not a list", from - at);
}

/** The error an Error record carries: [code, message, trace of [name, file, line, col, calls, omitted or -1], frames or nil]. */
function errorInfo(v: StoredValue): ErrorInfo | undefined {
  if (!Array.isArray(v) || v.length !== 4) return undefined;
  const [code, message, trace, frames] = v;
  if (typeof code !== "number" || typeof message !== "string" || !Array.isArray(trace)) return undefined;
  if (frames !== null && !(Array.isArray(frames) && frames.every((f) => typeof f === "number"))) return undefined;
  const frameList: TraceFrame[] = [];
  for (const f of trace) {
    if (!Array.isArray(f) || f.length !== 6 || !f.slice(2).every((n) => typeof n === "number")) return undefined;
    const [name, file, line, col, calls, omitted] = f as [string, string, number, number, number, number];
    if (typeof name !== "string" || typeof file !== "string") return undefined;
    frameList.push({ name, file, line, col, ...(calls > 1 ? { calls } : {}), ...(omitted >= 0 ? { omitted } : {}) });
  }
  return frames === null ? { code, message, trace: frameList } : { code, message, trace: frameList, frames: frames as number[] };
}
