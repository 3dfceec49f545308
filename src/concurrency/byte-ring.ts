// A ring of byte records in a SharedArrayBuffer, from one thread (the producer) to one other
// (the consumer). A small message costs a copy into shared memory instead of a structured clone
// of new buffers, which is most of a postMessage's price. The producer publishes a record by
// advancing `head`; the consumer frees it by advancing `tail`. A record is its length (u32) and
// its bytes, padded to 8; one that would run past the end starts again at 0 after a marker.
// The awake flag tells the producer whether the consumer must be woken (by a message) to see a
// record: the consumer clears it only when it is about to sleep, and looks once more after.

const HEAD = 0;
const TAIL = 1;
const AWAKE = 2;
const CONTROL_BYTES = 64;
const WRAP = 0xffffffff;

export class ByteRing {
  private readonly control: Int32Array;
  /** The records' memory, as bytes and as a DataView: records are addressed by offsets into it. */
  readonly bytes: Uint8Array;
  readonly words: DataView;
  private readonly capacity: number;
  /** The record the consumer is reading: where it ends. */
  private reading = -1;

  /** A ring over `buffer` (made by `ByteRing.allocate`, possibly in another thread). */
  constructor(readonly buffer: SharedArrayBuffer) {
    this.control = new Int32Array(buffer, 0, CONTROL_BYTES / 4);
    this.capacity = buffer.byteLength - CONTROL_BYTES;
    this.bytes = new Uint8Array(buffer, CONTROL_BYTES, this.capacity);
    this.words = new DataView(buffer, CONTROL_BYTES, this.capacity);
  }

  /** A new ring's memory: `capacity` bytes of records, a power of two (positions wrap at 2^32). */
  static allocate(capacity: number): SharedArrayBuffer {
    if (!Number.isInteger(capacity) || capacity < 64 || (capacity & (capacity - 1)) !== 0)
      throw new RangeError(`a ring's capacity must be a power of two, not ${capacity}`);
    return new SharedArrayBuffer(CONTROL_BYTES + capacity);
  }

  /** The largest record the ring may take; larger ones must travel otherwise. */
  get largest(): number {
    return this.capacity / 4;
  }

  // ---------------------------------------------------------------- producer

  /**
   * Room for a record of `length` bytes: the offset in `bytes` to fill before `publish`, or -1
   * when the ring is too full (or the record too large) for it now.
   */
  reserve(length: number): number {
    if (length > this.largest) return -1;
    const head = this.control[HEAD] >>> 0;
    const used = (head - (Atomics.load(this.control, TAIL) >>> 0)) >>> 0;
    let at = head % this.capacity;
    const size = 8 + align8(length);
    const skip = at + size > this.capacity ? this.capacity - at : 0;
    if (used + skip + size > this.capacity) return -1;
    if (skip) {
      this.words.setUint32(at, WRAP, true);
      at = 0;
    }
    this.words.setUint32(at, length, true);
    this.pending = (head + skip + size) >>> 0;
    return at + 8;
  }
  private pending = 0;

  /** Makes the reserved record visible; true when the consumer must be woken to read it. */
  publish(): boolean {
    Atomics.store(this.control, HEAD, this.pending | 0);
    return Atomics.exchange(this.control, AWAKE, 1) === 0;
  }

  // ---------------------------------------------------------------- consumer

  /**
   * The consumer goes to sleep: later records wake it. False when a record came in the meantime
   * (published while it still looked awake, so nobody will wake it for that one): read on.
   */
  sleep(): boolean {
    Atomics.store(this.control, AWAKE, 0);
    if (this.control[TAIL] === Atomics.load(this.control, HEAD)) return true;
    Atomics.store(this.control, AWAKE, 1);
    return false;
  }

  /** Whether a record waits. */
  get ready(): boolean {
    return this.control[TAIL] !== Atomics.load(this.control, HEAD);
  }

  /** The offset in `bytes` of the next record (valid until `release`), or -1 when there is none. */
  next(): number {
    let tail = this.control[TAIL] >>> 0;
    if (tail === Atomics.load(this.control, HEAD) >>> 0) return -1;
    let at = tail % this.capacity;
    if (this.words.getUint32(at, true) === WRAP) {
      tail = (tail + this.capacity - at) >>> 0;
      at = 0;
    }
    const length = this.words.getUint32(at, true);
    this.reading = (tail + 8 + align8(length)) >>> 0;
    this.length = length;
    return at + 8;
  }

  /** The length of the record `next` returned. */
  length = 0;

  /** Frees the record `next` returned. */
  release(): void {
    Atomics.store(this.control, TAIL, this.reading | 0);
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
