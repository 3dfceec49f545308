// Where a store's log lives. A device appends bytes, patches bytes it appended since its last
// sync, makes them durable on `sync`, reads byte ranges back, and can drop a tail or be replaced
// wholesale (compaction). Files in Node (src/node/file-log.ts) and IndexedDB in browsers
// (idb-log.ts) implement it; so does memory, for stores opened without a path.
import { concatBytes } from "./log-format.js";

export interface LogDevice {
  /** How messages name the store: a file path, an IndexedDB database, "memory". */
  readonly name: string;
  /** Bytes in the log. */
  readonly size: number;
  /** Opened only to read: the store then never writes (8003), and leaves a torn tail alone. */
  readonly readOnly?: boolean;
  /** `length` bytes from `offset` (within the log). */
  read(offset: number, length: number): Uint8Array;
  /** Appends the parts, in order, at the end (durable after the next `sync`). */
  write(parts: Uint8Array[]): void;
  /** Overwrites bytes written since the last `sync`. */
  writeAt(offset: number, bytes: Uint8Array): void;
  /** Makes everything written durable: done when it returns, or when its promise settles. */
  sync(): void | Promise<void>;
  /** Cuts the log back to `size` bytes (a torn last record, a rolled back transaction). */
  truncate(size: number): void | Promise<void>;
  /** Replaces the whole log with `bytes`, atomically (compaction). */
  replace(bytes: Uint8Array): void | Promise<void>;
  close(): void | Promise<void>;
}

/** A log kept as a list of appended chunks in memory (also the cache of the IndexedDB device). */
export class ChunkLog {
  protected chunks: { offset: number; bytes: Uint8Array }[] = [];
  size = 0;

  protected add(bytes: Uint8Array): void {
    this.chunks.push({ offset: this.size, bytes });
    this.size += bytes.length;
  }

  read(offset: number, length: number): Uint8Array {
    if (offset < 0 || offset + length > this.size) throw new RangeError(`read past the end of the log (${offset}+${length} > ${this.size})`);
    const out = new Uint8Array(length);
    let i = this.chunkAt(offset);
    for (let done = 0; done < length; i++) {
      const c = this.chunks[i];
      const from = offset + done - c.offset;
      const n = Math.min(c.bytes.length - from, length - done);
      out.set(c.bytes.subarray(from, from + n), done);
      done += n;
    }
    return out;
  }

  /** Index of the chunk holding byte `offset` (binary search). */
  private chunkAt(offset: number): number {
    let lo = 0,
      hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid].offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Overwrites bytes in place (they must be in the log). */
  protected patch(offset: number, bytes: Uint8Array): void {
    let i = this.chunkAt(offset);
    for (let done = 0; done < bytes.length; i++) {
      const c = this.chunks[i];
      const from = offset + done - c.offset;
      const n = Math.min(c.bytes.length - from, bytes.length - done);
      c.bytes.set(bytes.subarray(done, done + n), from);
      done += n;
    }
  }

  protected cut(size: number): void {
    while (this.chunks.length && this.chunks[this.chunks.length - 1].offset >= size) this.chunks.pop();
    const last = this.chunks[this.chunks.length - 1];
    if (last && last.offset + last.bytes.length > size) last.bytes = last.bytes.slice(0, size - last.offset);
    this.size = size;
  }
}

/** The log of a store opened without a path: nothing survives the process. */
export class MemoryLog extends ChunkLog implements LogDevice {
  readonly name = "memory";
  write(parts: Uint8Array[]): void {
    this.add(concatBytes(parts));
  }
  writeAt(offset: number, bytes: Uint8Array): void {
    this.patch(offset, bytes);
  }
  sync(): void {}
  truncate(size: number): void {
    this.cut(size);
  }
  replace(bytes: Uint8Array): void {
    this.chunks = [];
    this.size = 0;
    this.add(bytes.slice());
  }
  close(): void {}
}
