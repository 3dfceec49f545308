// The records of the actor lanes (lane.ts), in a small binary form that is written straight into
// a ring. To a worker: a message (id, actor, handler name, arguments). From a worker: a reply
// (id and the value or the error) or output printed by an actor's handler. Values use the value
// codec; names and text are UTF-8.
import { decodeValue, ValueEncoder, type StoredValue } from "../store/codec.js";
import type { ErrorInfo } from "./protocol.js";
import type { LaneWriter } from "./lane.js";

const enum Reply {
  Value = 1,
  Error = 2,
  Output = 3,
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
const names = new Map<string, Uint8Array>();

function nameBytes(name: string): Uint8Array {
  let b = names.get(name);
  if (!b) names.set(name, (b = utf8.encode(name)));
  return b;
}

/** A message to an actor on a worker. */
export interface ActorMessageRecord {
  id: number;
  actor: number;
  name: string;
  args: StoredValue[];
}

/** Writes message records; one encoder's buffer serves every message (it is copied into the lane). */
export class ActorRecordWriter {
  private readonly encoder = new ValueEncoder();

  constructor(private readonly lane: LaneWriter) {}

  /** Message `name(args)` to `actor`; args are already encoded (see ActorDirectory.send). */
  message(id: number, actor: number, name: string, args: Uint8Array): void {
    const n = nameBytes(name);
    this.lane.bytes(14 + n.length + args.length, (bytes, view, at) => {
      view.setFloat64(at, id, true);
      view.setUint32(at + 8, actor, true);
      view.setUint16(at + 12, n.length, true);
      bytes.set(n, at + 14);
      bytes.set(args, at + 14 + n.length);
    });
  }

  /** The reply to message `id`: its value, or (when the codec cannot carry the value) that error. */
  value(id: number, value: StoredValue, failed: (e: unknown) => ErrorInfo): void {
    let bytes: Uint8Array;
    try {
      bytes = this.encoder.encode(value);
    } catch (e) {
      return this.error(id, failed(e));
    }
    this.reply(Reply.Value, id, bytes);
  }

  error(id: number, e: ErrorInfo): void {
    const trace = e.trace.map((f) => [f.name, f.file, f.line, f.col]);
    this.reply(Reply.Error, id, this.encoder.encode([e.code, e.message, trace]));
  }

  output(client: number, fd: number, text: string): void {
    const t = utf8.encode(text);
    this.lane.bytes(6 + t.length, (bytes, view, at) => {
      bytes[at] = Reply.Output;
      view.setUint32(at + 1, client, true);
      bytes[at + 5] = fd;
      bytes.set(t, at + 6);
    });
  }

  private reply(kind: Reply, id: number, value: Uint8Array): void {
    this.lane.bytes(9 + value.length, (bytes, view, at) => {
      bytes[at] = kind;
      view.setFloat64(at + 1, id, true);
      bytes.set(value, at + 9);
    });
  }
}

export function readActorMessage(bytes: Uint8Array, view: DataView, at: number, length: number): ActorMessageRecord {
  const nameLength = view.getUint16(at + 12, true);
  return {
    id: view.getFloat64(at, true),
    actor: view.getUint32(at + 8, true),
    name: fromUtf8.decode(bytes.subarray(at + 14, at + 14 + nameLength)),
    args: decodeValue(bytes.subarray(at + 14 + nameLength, at + length), true) as StoredValue[],
  };
}

/** What a worker's lane record says: a reply to message `id`, or output for VM `client`. */
export type ActorReplyRecord =
  | { kind: "value"; id: number; value: StoredValue }
  | { kind: "error"; id: number; error: ErrorInfo }
  | { kind: "output"; client: number; fd: number; text: string };

export function readActorReply(bytes: Uint8Array, view: DataView, at: number, length: number): ActorReplyRecord {
  const end = at + length;
  if (bytes[at] === Reply.Output) return { kind: "output", client: view.getUint32(at + 1, true), fd: bytes[at + 5], text: fromUtf8.decode(bytes.subarray(at + 6, end)) };
  const id = view.getFloat64(at + 1, true);
  const value = decodeValue(bytes.subarray(at + 9, end), true);
  if (bytes[at] === Reply.Value) return { kind: "value", id, value };
  const [code, message, trace] = value as [number, string, [string, string, number, number][]];
  return { kind: "error", id, error: { code, message, trace: trace.map(([name, file, line, col]) => ({ name, file, line, col })) } };
}
