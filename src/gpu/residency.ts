// Which arrays are kept on the GPU between operations: a result stays there after it is read
// back, and so does an input, so a chain (C = A * B, then C * D) or a loop over the same operands
// does not upload them again. The VM's memory is the truth: a kept array is used again only when
// the array at that address still holds exactly the elements it had (the program may have
// changed them, or the block may hold another array since), checked bit for bit here, which
// costs far less than an upload.
import type { Upload } from "./device.js";

interface Resident {
  id: number;
  addr: number;
  /** The elements as they were when it was kept, as bits. */
  bits: Uint32Array;
  /** The operation that last used it: the current one's arrays are never dropped. */
  used: number;
}

/** How many arrays stay on the GPU, and how many bytes at most. */
const MAX_ARRAYS = 8;
const MAX_BYTES = 256 * 1024 * 1024;

export class Residency {
  private readonly arrays: Resident[] = [];
  private readonly dropped: number[] = [];
  private operation = 0;
  private nextId = 1;

  /** Starts an operation: the arrays it uses stay until the next one. */
  begin(): void {
    this.operation++;
  }

  /** The n f32 elements at `addr` as an input: the kept array when it still holds, else an upload. */
  input(memory: ArrayBuffer, addr: number, n: number): Upload {
    const now = new Uint32Array(memory, addr, n);
    const kept = this.arrays.find((r) => r.addr === addr && r.bits.length === n && sameBits(r.bits, now));
    if (kept) {
      kept.used = this.operation;
      return { id: kept.id };
    }
    const bits = now.slice();
    const id = this.keep(addr, bits);
    return { id, elements: new Float32Array(bits.buffer) };
  }

  /** An id for an operation's result, which will be kept once read back (`kept`). */
  newId(): number {
    return this.nextId++;
  }

  /** Records the result `id` read back into `addr` with these elements. */
  kept(id: number, addr: number, elements: Float32Array): void {
    this.keep(addr, new Uint32Array(elements.buffer, elements.byteOffset, elements.length).slice(), id);
  }

  /** The ids dropped since the last call: the GPU worker frees them with the next operation. */
  drops(): number[] {
    return this.dropped.splice(0);
  }

  private keep(addr: number, bits: Uint32Array, id = this.nextId++): number {
    // an older array at the same address is stale now
    for (let i = this.arrays.length - 1; i >= 0; i--) if (this.arrays[i].addr === addr) this.drop(i);
    this.arrays.push({ id, addr, bits, used: this.operation });
    let bytes = this.arrays.reduce((s, r) => s + r.bits.byteLength, 0);
    // the oldest go first, never one the current operation uses
    for (let i = 0; i < this.arrays.length && (this.arrays.length > MAX_ARRAYS || bytes > MAX_BYTES); ) {
      if (this.arrays[i].used === this.operation) i++;
      else bytes -= this.drop(i);
    }
    return id;
  }

  private drop(i: number): number {
    const [old] = this.arrays.splice(i, 1);
    this.dropped.push(old.id);
    return old.bits.byteLength;
  }
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
