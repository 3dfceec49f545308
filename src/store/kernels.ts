// The numeric functions MQL offers over stored matrices and tensors (det, trace, norm, rank, sum,
// mean, and the reductions of all elements std, var, amin, amax, argmin, argmax), computed by the VM core's own kernels: a query decodes a value, copies its elements
// into a core of its own in one block, and applies the builtin there.

import type { ArrayValue } from "../codec/value-codec.js";
import { VM } from "../runtime/vm.js";

export const ARRAY_FUNCTIONS = ["det", "trace", "norm", "rank", "sum", "mean", "std", "var", "amin", "amax", "argmin", "argmax"] as const;
export type ArrayFunction = (typeof ARRAY_FUNCTIONS)[number];

/** Bytes of copied arrays after which the kernels' core collects them. */
const COLLECT_AFTER = 64 << 20;

export class ArrayKernels {
  private copied = 0;

  private constructor(private readonly vm: VM) {}

  static async create(): Promise<ArrayKernels> {
    return new ArrayKernels(await VM.create({ stdout: () => {}, stderr: () => {}, gpu: "off" }));
  }

  /** `fn(a)`; a Noodle error (5002 for a shape that does not fit, 3011, ...) is thrown. */
  apply(fn: ArrayFunction, a: ArrayValue): number {
    this.copied += a.data.byteLength;
    if (this.copied > COLLECT_AFTER) {
      this.vm.collect();
      this.copied = a.data.byteLength;
    }
    const o = this.vm.applyBuiltin(fn, [a]);
    if (!o.ok) throw o.error;
    return o.value as number;
  }
}
