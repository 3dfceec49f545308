// Messages in NATS messages. A NATS message is at most the server's max_payload (1 MiB by
// default), and a message of the cluster may be larger (module bytes, matrices), so a message
// travels as one frame or more, each a NATS message:
//
//   0   "N" "F"    magic
//   2   u8         version (1)
//   3   u8         flags (0)
//   4   16 bytes   the session's token
//   20  u32        message id: the sender numbers its messages in order (wrapping after 2^32)
//   24  u32        part index
//   28  u32        part count
//   32  ...        the part: every part but the last has the same length, the last 1 to that
//                  many bytes (a message of one part may be empty)
//
// Integers are little-endian. NATS keeps the frames of one sender on one subject in order, so a
// receiver assembles one message at a time: the parts of a message arrive one after another, and
// each message has a later id than the one before (later: less than 2^31 ahead, modulo 2^32; ids
// may skip, since NATS may drop messages for a receiver that falls behind). Frames come from the
// network: the assembler drops anything else (another session's frame, a damaged header, a part
// out of order, a message again or out of order, a message over the cap) and counts it, and
// never throws.

import { formatError } from "../errors/table.js";

export const FRAME_VERSION = 1;

/** Bytes of a frame's header. */
export const FRAME_HEADER = 32;

/** Bytes of a session's token. */
export const TOKEN_SIZE = 16;

/** The largest message an assembler takes by default (256 MiB). */
export const DEFAULT_MAX_MESSAGE = 256 << 20;

const MAGIC0 = 0x4e; // "N"
const MAGIC1 = 0x46; // "F"
const MAX_UINT32 = 0xffffffff;

/** A new session token: random bytes that mark the frames of one session. */
export function newToken(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(TOKEN_SIZE));
}

/**
 * The frames of message `id` (its bytes are `bytes`), none longer than `maxPayload` bytes, with
 * the session's `token`. A message that fits is one frame, its bytes copied once.
 */
export function frameMessage(bytes: Uint8Array, token: Uint8Array, id: number, maxPayload: number): Uint8Array[] {
  if (token.length !== TOKEN_SIZE) throw new TypeError(`a session token has ${TOKEN_SIZE} bytes, not ${token.length}`);
  if (!Number.isInteger(id) || id < 0 || id > MAX_UINT32) throw new RangeError(`message id ${id} is not a 32-bit unsigned integer`);
  if (!Number.isInteger(maxPayload) || maxPayload <= FRAME_HEADER)
    throw new RangeError(`a frame of ${maxPayload} bytes cannot hold a part after its ${FRAME_HEADER}-byte header`);
  const partSize = maxPayload - FRAME_HEADER;
  const count = Math.max(1, Math.ceil(bytes.length / partSize));
  if (count > MAX_UINT32) throw new RangeError(`a message of ${bytes.length} bytes needs more than ${MAX_UINT32} frames`);
  const frames: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const part = count === 1 ? bytes : bytes.subarray(index * partSize, Math.min(bytes.length, (index + 1) * partSize));
    const frame = new Uint8Array(FRAME_HEADER + part.length);
    frame[0] = MAGIC0;
    frame[1] = MAGIC1;
    frame[2] = FRAME_VERSION;
    frame.set(token, 4);
    setU32(frame, 20, id);
    setU32(frame, 24, index);
    setU32(frame, 28, count);
    frame.set(part, FRAME_HEADER);
    frames.push(frame);
  }
  return frames;
}

function setU32(b: Uint8Array, at: number, x: number): void {
  b[at] = x;
  b[at + 1] = x >>> 8;
  b[at + 2] = x >>> 16;
  b[at + 3] = x >>> 24;
}

/** Whether message id `a` comes after `b`: less than 2^31 ahead of it, modulo 2^32. */
function later(a: number, b: number): boolean {
  const ahead = (a - b) >>> 0;
  return ahead !== 0 && ahead < 2 ** 31;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/**
 * Puts the frames of one sender's messages together again. `push` returns a message once its
 * last part came; a frame that does not belong (see the top of this file) is dropped, never
 * thrown: `rejected` counts the frames dropped and `lastRejection` says why the last was (a 7007
 * message, for logs). A message that loses a part is dropped whole, its frames counted, when
 * the frame after the gap shows it. A message whose id is not later than the last one begun is
 * dropped, so no message is taken twice.
 *
 * A message of one frame is a view of the frame's bytes (no copy); the parts of a larger one are
 * kept as views until its last part comes, then copied into one buffer: frames pushed must not
 * be changed afterwards (NATS gives every message bytes of its own).
 */
export class FrameAssembler {
  /** Frames dropped. */
  rejected = 0;
  /** Why the last frame was dropped. */
  lastRejection: string | undefined;

  private readonly token: Uint8Array;
  /** The id of the last message begun, or -1 before the first. */
  private lastId = -1;
  /** The message in progress: its id, part count, parts so far, their length and bytes. */
  private id = 0;
  private count = 0;
  private parts: Uint8Array[] = [];
  private partSize = 0;
  private size = 0;

  constructor(
    token: Uint8Array,
    /** The largest message taken, in bytes. */
    private readonly maxMessage = DEFAULT_MAX_MESSAGE,
  ) {
    if (token.length !== TOKEN_SIZE) throw new TypeError(`a session token has ${TOKEN_SIZE} bytes, not ${token.length}`);
    this.token = new Uint8Array(token);
  }

  /** Bytes held for the message in progress. */
  get buffered(): number {
    return this.size;
  }

  /** The whole message when `frame` is its last part, else undefined. */
  push(frame: Uint8Array): Uint8Array | undefined {
    if (frame.length < FRAME_HEADER) return this.reject(`a frame of ${frame.length} bytes is shorter than its header`);
    if (frame[0] !== MAGIC0 || frame[1] !== MAGIC1) return this.reject("not a frame (bad magic)");
    if (frame[2] !== FRAME_VERSION) return this.reject(`unsupported frame version ${frame[2]}`);
    if (frame[3] !== 0) return this.reject(`unknown frame flags ${frame[3]}`);
    let differ = 0; // every byte compared, whatever the first difference
    for (let i = 0; i < TOKEN_SIZE; i++) differ |= frame[4 + i] ^ this.token[i];
    if (differ !== 0) return this.reject("a frame of another session (wrong token)");
    // from here on the frame is the sender's: one that does not fit ends the message in progress
    const id = u32(frame, 20);
    const index = u32(frame, 24);
    const count = u32(frame, 28);
    const part = frame.subarray(FRAME_HEADER);
    if (index >= count) return this.abandon(`part ${index} of ${count} in message ${id}`);
    if (index === 0) {
      // a message again (a frame repeated, or replayed) or out of order is not taken twice
      if (this.lastId >= 0 && !later(id, this.lastId)) return this.reject(`message ${id} after message ${this.lastId}: again or out of order`);
      if (this.count > 0) this.drop(`message ${this.id} lost its part ${this.parts.length} of ${this.count}`);
      this.lastId = id;
      if (count === 1) return part.length <= this.maxMessage ? part : this.reject(this.overCap(part.length));
      if (part.length === 0) return this.reject(`message ${id} has an empty part`);
      // every part but the last is this long, the last at least one byte
      const least = (count - 1) * part.length + 1;
      if (least > this.maxMessage) return this.reject(this.overCap(least));
      this.id = id;
      this.count = count;
      this.partSize = part.length;
      this.parts.push(part);
      this.size = part.length;
      return undefined;
    }
    if (this.count === 0 || id !== this.id || count !== this.count || index !== this.parts.length) {
      const expected = this.count === 0 ? "a first part" : `part ${this.parts.length} of ${this.count} of message ${this.id}`;
      return this.abandon(`part ${index} of ${count} of message ${id} where ${expected} was due`);
    }
    const last = index === count - 1;
    if (last ? part.length === 0 || part.length > this.partSize : part.length !== this.partSize) {
      return this.abandon(`part ${index} of message ${id} has ${part.length} bytes, its first ${this.partSize}`);
    }
    const size = this.size + part.length;
    if (size > this.maxMessage) return this.abandon(this.overCap(size));
    this.parts.push(part);
    this.size = size;
    if (!last) return undefined;
    const message = new Uint8Array(size);
    let at = 0;
    for (const p of this.parts) {
      message.set(p, at);
      at += p.length;
    }
    this.clear();
    return message;
  }

  private overCap(size: number): string {
    return `a message of ${size} bytes is over the cap of ${this.maxMessage}`;
  }

  private reject(reason: string): undefined {
    this.rejected++;
    this.lastRejection = formatError("MalformedMessage", { detail: reason });
    return undefined;
  }

  /** Drops the message in progress, which cannot complete. */
  private drop(reason: string): void {
    this.rejected += this.parts.length;
    this.lastRejection = formatError("MalformedMessage", { detail: reason });
    this.clear();
  }

  /** Drops the message in progress, if any, with the frame that shows it broken. */
  private abandon(reason: string): undefined {
    this.drop(reason);
    return this.reject(reason);
  }

  private clear(): void {
    this.count = 0;
    this.parts = [];
    this.size = 0;
  }
}
