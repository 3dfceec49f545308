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
  /** Record `seq` of the lane: bytes as a ring record would hold, or a structured message. */
  | { t: "lane"; seq: number; bytes?: Uint8Array; message?: unknown };

/** The two rings of a worker's lanes, made by the pool (absent without shared memory). */
export interface LaneBuffers {
  toWorker?: SharedArrayBuffer;
  fromWorker?: SharedArrayBuffer;
}

const INLINE = 1;
const PORTED = 2;
/** How long a writer whose ring is full waits before it tries again (ms). */
const FULL_RETRY_MS = 1;

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
  /** Ring records that did not fit yet, in order: while any wait, every record waits behind them. */
  private readonly backlog: ((ring: ByteRing) => boolean)[] = [];
  private retrying = false;

  constructor(
    buffer: SharedArrayBuffer | undefined,
    private readonly post: (m: LaneMessage, transfer?: Transferable[]) => void,
  ) {
    this.ring = buffer && new ByteRing(buffer);
  }

  /** A record of `length` bytes, written by `fill`. */
  bytes(length: number, fill: RecordFill): void {
    const ring = this.ring;
    if (ring && this.backlog.length === 0 && this.inline(ring, length, fill)) return;
    const bytes = new Uint8Array(length);
    fill(bytes, new DataView(bytes.buffer), 0);
    this.ported({ bytes }, [bytes.buffer]);
  }

  /** A structured message, in order with the records. */
  message(message: unknown, transfer: Transferable[] = []): void {
    this.ported({ message }, transfer);
  }

  private inline(ring: ByteRing, length: number, fill: RecordFill): boolean {
    const at = ring.reserve(length + 1);
    if (at < 0) return false;
    ring.bytes[at] = INLINE;
    fill(ring.bytes, ring.words, at + 1);
    if (ring.publish()) this.post({ t: "lane-ring" });
    return true;
  }

  /** Posts a record on the port; with a ring, a ring record keeps its place in the order. */
  private ported(content: { bytes?: Uint8Array; message?: unknown }, transfer: Transferable[]): void {
    const seq = this.seq++;
    this.post({ t: "lane", seq, ...content }, transfer);
    if (!this.ring) return;
    const mark = (ring: ByteRing) => {
      const at = ring.reserve(5);
      if (at < 0) return false;
      ring.bytes[at] = PORTED;
      ring.words.setUint32(at + 1, seq, true);
      if (ring.publish()) this.post({ t: "lane-ring" });
      return true;
    };
    if (this.backlog.length === 0 && mark(this.ring)) return;
    this.backlog.push(mark);
    this.retry();
  }

  /** The reader is far behind (the ring is full): try again shortly. */
  private retry(): void {
    if (this.retrying) return;
    this.retrying = true;
    setTimeout(() => {
      this.retrying = false;
      while (this.backlog.length && this.backlog[0](this.ring!)) this.backlog.shift();
      if (this.backlog.length) this.retry();
    }, FULL_RETRY_MS);
  }
}

export class LaneReader {
  private readonly ring: ByteRing | undefined;
  /** Port records that arrived before their turn in the ring. */
  private readonly early = new Map<number, { bytes?: Uint8Array; message?: unknown }>();
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

  private take(record: { bytes?: Uint8Array; message?: unknown }): void {
    const b = record.bytes;
    if (b) this.onBytes(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length);
    else this.onMessage(record.message);
  }
}
