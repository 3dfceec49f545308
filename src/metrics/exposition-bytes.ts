// The exposition text being rendered, as UTF-8 bytes in one growing array: each series' name and
// labels are encoded once, when the series is made, and each value is written as digits in place
// (float-text.ts). A scrape makes no string per series and no joined text to encode again.

import { FLOAT_TEXT_MAX, writeFloat } from "./float-text.js";

const NEWLINE = 10;
const encoder = new TextEncoder();

/** `text` as UTF-8. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export class ExpositionBytes {
  private bytes: Uint8Array;
  private length = 0;

  /** Writes into `bytes` (a buffer no longer read), or else into new ones of `capacity` bytes (the last rendering's size); more are made room for as needed. */
  constructor(capacity: number, bytes?: Uint8Array) {
    this.bytes = bytes ?? new Uint8Array(Math.max(1024, capacity));
  }

  /** Bytes as they are (a header, a part of a sample's name). */
  put(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.bytes.length) this.grow(chunk.length);
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  /** A sample line: `head` (its name, labels and a space), the value's text, a newline. */
  sample(head: Uint8Array, value: number): void {
    const room = head.length + FLOAT_TEXT_MAX + 1;
    if (this.length + room > this.bytes.length) this.grow(room);
    const bytes = this.bytes;
    bytes.set(head, this.length);
    const end = writeFloat(bytes, this.length + head.length, value);
    bytes[end] = NEWLINE;
    this.length = end + 1;
  }

  /** The sample lines of a metric's series, `heads[i]` with `values[i]`: `sample` for each, in one loop. */
  samples(heads: readonly Uint8Array[], values: readonly number[]): void {
    let bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (at + head.length + FLOAT_TEXT_MAX + 1 > bytes.length) {
        this.length = at;
        this.grow(head.length + FLOAT_TEXT_MAX + 1);
        bytes = this.bytes;
      }
      bytes.set(head, at);
      at = writeFloat(bytes, at + head.length, values[i]);
      bytes[at++] = NEWLINE;
    }
    this.length = at;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  /** The bytes written from `start` on (a view: later writes do not change it). */
  since(start: number): Uint8Array {
    return this.bytes.subarray(start, this.length);
  }

  /** The bytes written. */
  done(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  private grow(room: number): void {
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.length + room));
    bigger.set(this.bytes.subarray(0, this.length));
    this.bytes = bigger;
  }
}
