// An ordered lane of records from one thread to another. A small record is copied into a shared
// ring (byte-ring.ts), and the reader is woken by one tiny message only when it may be asleep;
// anything else (a large record, a structured message such as an actor's placement) travels as
// a port message whose place in the order a small ring record keeps. Without shared memory every
// record is a port message, which the port keeps in order by itself.
import { ByteRing } from "./byte-ring.js";

/** What a lane posts on its port. */
export type LaneMessage =
  /** The reader may be asleep: records wait in the ring. */
  | { t: "lane-ring" }
  /**
   * Record `seq` of the lane: bytes as a ring record would hold, or a structured message; or,
   * without a ring, `batch`: the byte records written in one turn of the writer's event loop,
   * each after its length (u32).
   */
  | { t: "lane"; seq: number; bytes?: Uint8Array; message?: unknown; batch?: Uint8Array };

/** The two rings of a worker's lanes, made by the pool (absent without shared memory). */
export interface LaneBuffers {
  toWorker?: SharedArrayBuffer;
  fromWorker?: SharedArrayBuffer;
}

const INLINE = 1;
const PORTED = 2;
/** How long a writer whose ring is full waits before it tries again (ms). */
const FULL_RETRY_MS = 1;
/**
 * Least time between two wake-ups of a reader (ms). A burst of records to a reader that keeps
 * falling asleep (it reads faster than they come) would otherwise cost a port message per
 * record; within the gap the wake-up waits for the writer's next record after it, or for the end
 * of the writer's current task (a microtask), whichever comes first.
 */
const WAKE_GAP_MS = 1;

export function laneBuffers(capacity = 1 << 20): LaneBuffers {
  if (typeof SharedArrayBuffer === "undefined") return {};
  return { toWorker: ByteRing.allocate(capacity), fromWorker: ByteRing.allocate(capacity) };
}

/** Writes a record's bytes at `at` (bytes and view address the same memory). */
export type RecordFill = (bytes: Uint8Array, view: DataView, at: number) => void;
/** Reads a record of `length` bytes at `at` (valid only during the call). */
export type RecordRead = (bytes: Uint8Array, view: DataView, at: number, length: number) => void;

export class LaneWriter {
  private readonly ring: ByteRing | undefined;
  private seq = 0;
  /**
   * Ring records that did not fit yet, in order, as the ring would hold them (kind byte first),
   * each after its length (u32): while any wait, every record waits behind them. They move into
   * the ring as it frees room, at the next write or retry, so a burst larger than the ring costs
   * a copy per record, not a port message each.
   */
  private waiting = new Uint8Array(0);
  private waitingView = new DataView(this.waiting.buffer);
  private waitingFrom = 0;
  private waitingTo = 0;
  private retrying = false;
  private closed = false;
  /** Byte records waiting for the end of the turn, without a ring (see batched). */
  private batch = new Uint8Array(0);
  private batchView = new DataView(this.batch.buffer);
  private batchAt = 0;
  private batchScheduled = false;
  /** The reader may be asleep with records waiting: a wake-up is owed. */
  private wakeOwed = false;
  private wakeScheduled = false;
  private wokeAt = -Infinity;

  constructor(
    buffer: SharedArrayBuffer | undefined,
    private readonly post: (m: LaneMessage, transfer?: Transferable[]) => void,
    private readonly wakeGapMs = WAKE_GAP_MS,
  ) {
    this.ring = buffer && new ByteRing(buffer);
  }

  /** A record of `length` bytes, written by `fill`. */
  bytes(length: number, fill: RecordFill): void {
    const ring = this.ring;
    if (ring && length + 1 <= ring.largest) {
      if (this.flush(ring) && this.inline(ring, length, fill)) return;
      return this.wait(length + 1, (bytes, view, at) => {
        bytes[at] = INLINE;
        fill(bytes, view, at + 1);
      });
    }
    if (!ring) return this.batched(length, fill);
    const bytes = new Uint8Array(length);
    fill(bytes, new DataView(bytes.buffer), 0);
    this.ported({ bytes }, [bytes.buffer]);
  }

  /** A structured message, in order with the records. */
  message(message: unknown, transfer: Transferable[] = []): void {
    this.postBatch();
    this.ported({ message }, transfer);
  }

  /**
   * Without a ring, the byte records of one turn of the event loop travel in one message: a
   * message each would cost a post (on a cluster, a network message) per task or answer.
   */
  private batched(length: number, fill: RecordFill): void {
    if (this.batchAt + 4 + length > this.batch.length) {
      const grown = new Uint8Array(Math.max(4096, 2 * (this.batchAt + 4 + length)));
      grown.set(this.batch.subarray(0, this.batchAt));
      this.batch = grown;
      this.batchView = new DataView(grown.buffer);
    }
    this.batchView.setUint32(this.batchAt, length, true);
    fill(this.batch, this.batchView, this.batchAt + 4);
    this.batchAt += 4 + length;
    if (this.batchScheduled) return;
    this.batchScheduled = true;
    queueMicrotask(() => this.postBatch());
  }

  /** Posts the byte records batched so far now, rather than at the end of the turn. */
  send(): void {
    this.postBatch();
  }

  private postBatch(): void {
    this.batchScheduled = false;
    if (this.batchAt === 0 || this.closed) return;
    const batch = this.batch.slice(0, this.batchAt);
    this.batchAt = 0;
    this.ported({ batch }, [batch.buffer]);
  }

  private inline(ring: ByteRing, length: number, fill: RecordFill): boolean {
    const at = ring.reserve(length + 1);
    if (at < 0) return false;
    ring.bytes[at] = INLINE;
    fill(ring.bytes, ring.words, at + 1);
    this.publish(ring);
    return true;
  }

  /** Posts a record on the port; with a ring, a ring record keeps its place in the order. */
  private ported(content: { bytes?: Uint8Array; message?: unknown; batch?: Uint8Array }, transfer: Transferable[]): void {
    const seq = this.seq++;
    this.post({ t: "lane", seq, ...content }, transfer);
    const ring = this.ring;
    if (!ring) return;
    const mark: RecordFill = (bytes, view, at) => {
      bytes[at] = PORTED;
      view.setUint32(at + 1, seq, true);
    };
    if (this.flush(ring)) {
      const at = ring.reserve(5);
      if (at >= 0) {
        mark(ring.bytes, ring.words, at);
        this.publish(ring);
        return;
      }
    }
    this.wait(5, mark);
  }

  /** Makes the reserved record visible, and sees that a reader that may be asleep is woken. */
  private publish(ring: ByteRing): void {
    if (ring.publish()) this.wakeOwed = true;
    if (!this.wakeOwed) return;
    const now = performance.now();
    if (now - this.wokeAt >= this.wakeGapMs) return this.wake(now);
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    queueMicrotask(() => {
      this.wakeScheduled = false;
      if (this.wakeOwed) this.wake(performance.now());
    });
  }

  private wake(now: number): void {
    this.wakeOwed = false;
    this.wokeAt = now;
    this.post({ t: "lane-ring" });
  }

  /** Keeps a ring record of `length` bytes (written by `fill`) until the ring has room for it. */
  private wait(length: number, fill: RecordFill): void {
    if (this.closed) return;
    const need = 4 + length;
    if (this.waitingTo + need > this.waiting.length) {
      const kept = this.waitingTo - this.waitingFrom;
      if (kept + need <= this.waiting.length / 2) this.waiting.copyWithin(0, this.waitingFrom, this.waitingTo);
      else {
        const grown = new Uint8Array(Math.max(1024, 2 * (kept + need)));
        grown.set(this.waiting.subarray(this.waitingFrom, this.waitingTo));
        this.waiting = grown;
        this.waitingView = new DataView(grown.buffer);
      }
      this.waitingFrom = 0;
      this.waitingTo = kept;
    }
    this.waitingView.setUint32(this.waitingTo, length, true);
    fill(this.waiting, this.waitingView, this.waitingTo + 4);
    this.waitingTo += need;
    this.retry();
  }

  /** Moves waiting records into the ring while they fit; true when none is left waiting. */
  private flush(ring: ByteRing): boolean {
    if (this.waitingFrom === this.waitingTo) return true;
    while (this.waitingFrom < this.waitingTo) {
      const length = this.waitingView.getUint32(this.waitingFrom, true);
      const at = ring.reserve(length);
      if (at < 0) break;
      const from = this.waitingFrom + 4;
      ring.bytes.set(this.waiting.subarray(from, from + length), at);
      this.publish(ring);
      this.waitingFrom = from + length;
    }
    if (this.waitingFrom < this.waitingTo) return false;
    this.waitingFrom = this.waitingTo = 0;
    return true;
  }

  /** The reader is far behind (the ring is full): try again shortly. */
  private retry(): void {
    if (this.retrying) return;
    this.retrying = true;
    setTimeout(() => {
      this.retrying = false;
      if (!this.closed && !this.flush(this.ring!)) this.retry();
    }, FULL_RETRY_MS);
  }

  /**
   * The reader is gone (its worker died, or the pool closed): records still waiting are dropped
   * and the writer stops retrying, which would otherwise keep the process alive for ever.
   */
  close(): void {
    this.closed = true;
    this.waiting = new Uint8Array(0);
    this.waitingView = new DataView(this.waiting.buffer);
    this.waitingFrom = this.waitingTo = 0;
  }
}

export class LaneReader {
  private readonly ring: ByteRing | undefined;
  /** Port records that arrived before their turn in the ring. */
  private readonly early = new Map<number, { bytes?: Uint8Array; message?: unknown; batch?: Uint8Array }>();
  /** The port record the ring is stopped at, or -1. */
  private waitingFor = -1;

  /**
   * `onDrained` runs when the records that came so far were all read (to act on them together).
   * `spinMs`: how long the reader keeps looking at the ring after that before it sleeps. A reader
   * that answers requests (a worker) then takes a quick next request without being woken, and
   * its writer saves posting a wake-up; it costs that much CPU when none comes.
   */
  constructor(
    buffer: SharedArrayBuffer | undefined,
    private readonly onBytes: RecordRead,
    private readonly onMessage: (message: unknown) => void,
    private readonly onDrained: () => void = () => {},
    private readonly spinMs = 0,
  ) {
    this.ring = buffer && new ByteRing(buffer);
  }

  /** Takes the lane's port messages (true), leaving others (false). */
  receive(m: { t: string }): boolean {
    if (m.t === "lane-ring") {
      this.drain();
      return true;
    }
    if (m.t !== "lane") return false;
    const record = m as Extract<LaneMessage, { t: "lane" }>;
    if (!this.ring) {
      this.take(record);
      this.onDrained();
      return true;
    }
    this.early.set(record.seq, record);
    if (record.seq === this.waitingFor) this.drain();
    return true;
  }

  /** Reads the ring's records in order, stopping at a port record that has not arrived yet. */
  private drain(): void {
    try {
      this.read();
    } catch (e) {
      // a callback threw: nobody would wake the reader for the records after it (its writer
      // sees it awake), so it looks again soon, or sleeps when none is left. Stopped at a port
      // record, it waits for that record as before.
      if (this.waitingFor < 0 && !this.ring!.sleep()) setTimeout(() => this.drain(), 0);
      throw e;
    }
  }

  private read(): void {
    const ring = this.ring!;
    for (;;) {
      for (let at = ring.next(); at >= 0; at = ring.next()) {
        if (ring.bytes[at] === INLINE) {
          try {
            this.onBytes(ring.bytes, ring.words, at + 1, ring.length - 1);
          } finally {
            ring.release();
          }
          continue;
        }
        const seq = ring.words.getUint32(at + 1, true);
        const record = this.early.get(seq);
        if (!record) {
          // its port message wakes the reader
          this.waitingFor = seq;
          ring.sleep();
          this.onDrained();
          return;
        }
        this.early.delete(seq);
        this.waitingFor = -1;
        ring.release();
        this.take(record);
      }
      this.onDrained();
      if (this.spinMs > 0) {
        const until = performance.now() + this.spinMs;
        while (!ring.ready && performance.now() < until);
        if (ring.ready) continue;
      }
      if (ring.sleep()) return;
    }
  }

  private take(record: { bytes?: Uint8Array; message?: unknown; batch?: Uint8Array }): void {
    const b = record.bytes ?? record.batch;
    if (!b) return this.onMessage(record.message);
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (record.bytes) return this.onBytes(b, view, 0, b.length);
    for (let at = 0; at + 4 <= b.length; ) {
      const length = view.getUint32(at, true);
      // a batch cut short (from the network) ends where its bytes do
      if (at + 4 + length > b.length) break;
      this.onBytes(b, view, at + 4, length);
      at += 4 + length;
    }
  }
}
