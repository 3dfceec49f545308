// A worker's share of a matrix product: the rows it was given, computed by the core's own
// kernel (the one behind `*`) in a VM kept for the purpose, so every share gives the very bits
// the whole product would. Its scratch tables are kept between products and grow as needed.

import type { CoreVariant } from "../runtime/core.js";
import { VM } from "../runtime/vm.js";

type Elements = Float64Array | Float32Array;

export class KernelVm {
  private tables: { addr: number; bytes: number }[] = [];

  private constructor(private readonly vm: VM) {}

  static async create(variant: CoreVariant): Promise<KernelVm> {
    return new KernelVm(await VM.create({ core: variant, gpu: "off" }));
  }

  /** C = A * B for A m x k and B k x n (row-major); C goes into `out` when given, else a new array. */
  product(a: Elements, b: Elements, m: number, k: number, n: number, out?: Elements): Elements {
    const f32 = a instanceof Float32Array;
    const size = f32 ? 4 : 8;
    const pa = this.table(0, m * k * size),
      pb = this.table(1, k * n * size),
      pc = this.table(2, m * n * size);
    const core = this.vm.core;
    const typed = (addr: number, count: number) =>
      f32 ? new Float32Array(core.memory.buffer, addr, count) : new Float64Array(core.memory.buffer, addr, count);
    typed(pa, m * k).set(a);
    typed(pb, k * n).set(b);
    core.gemmInto(pa, pb, pc, m, k, n, f32 ? 1 : 0);
    // the kernel may have grown memory: views are made after it
    const c = typed(pc, m * n);
    if (!out) return c.slice();
    out.set(c);
    return out;
  }

  /** Scratch table `slot` with room for `bytes`, 16-byte aligned like a matrix's elements. */
  private table(slot: number, bytes: number): number {
    const t = this.tables[slot];
    if (t && t.bytes >= bytes) return (t.addr + 15) & ~15;
    if (t) this.vm.core.freeTable(t.addr);
    const addr = this.vm.core.allocTable(Math.max(bytes, 64) + 16);
    if (addr === 0) throw new RangeError("out of memory for a matrix product");
    this.tables[slot] = { addr, bytes };
    return (addr + 15) & ~15;
  }
}
