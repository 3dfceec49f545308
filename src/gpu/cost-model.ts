// Which sizes of which work go to the GPU under `--gpu auto`: measured on this device, not assumed.
// Work is put in classes (products; each kind of array operation) and sizes in powers of two.
// The first time a class meets a size, the WebAssembly kernel computes it, timed, and the program
// goes on with its result while the GPU times the same work on its side; once the GPU's time is
// in, that size goes where it ran faster. A GPU's first run compiles its shaders, so when the GPU
// lost it runs once more and keeps its better time. One size of a class is timed at a time, and
// after a size where the GPU was more than 8 times slower, larger sizes of that class are not
// measured (each would keep the GPU busy for long) and stay on WASM.

/** Below this much work (multiply-adds, or elements) nothing goes to the GPU: its fixed cost wins. */
export const MIN_PRODUCT_WORK = 128 ** 3;
export const MIN_ARRAY_ELEMENTS = 1 << 16;

/** A GPU this many times slower than WASM at one size is not measured at larger ones. */
const HOPELESS = 8;

export interface Measurement {
  /** The class of work ("product", "map", ...) and its size: the cube root of the work, or elements, as a power of two. */
  work: string;
  size: number;
  wasmMs: number;
  gpuMs: number;
  /** Where this size goes from now on. */
  gpu: boolean;
}

/** "measuring": on WASM while the GPU times this size, or another of its class. */
export type Verdict = "gpu" | "wasm" | "measure" | "measuring";

export class CostModel {
  private readonly measured = new Map<string, Measurement>();
  /** Classes with a size being timed on the GPU now. */
  private readonly timing = new Set<string>();

  /** Where work of this class and size goes now: measure it when it is new. */
  verdict(work: string, size: number): Verdict {
    const m = this.measured.get(key(work, size));
    if (m) return m.gpu ? "gpu" : "wasm";
    if (this.timing.has(work)) return "measuring";
    // a smaller size of the class where the GPU was hopeless: do not spend its time again
    for (const other of this.measured.values()) {
      if (other.work === work && other.size < size && other.gpuMs > HOPELESS * other.wasmMs) return "wasm";
    }
    return "measure";
  }

  /** The GPU times a size of this class: until it is recorded or abandoned, the class waits. */
  start(work: string): void {
    this.timing.add(work);
  }

  /** The GPU's timing failed: nothing is recorded, and the size is measured again on next use. */
  abandon(work: string): void {
    this.timing.delete(work);
  }

  /** Records a measurement; returns whether the GPU won. */
  record(work: string, size: number, wasmMs: number, gpuMs: number): boolean {
    this.timing.delete(work);
    const gpu = gpuMs < wasmMs;
    this.measured.set(key(work, size), { work, size, wasmMs, gpuMs, gpu });
    return gpu;
  }

  /** Whether the GPU's first time is worth a second run (it lost, but not hopelessly). */
  static worthRetry(wasmMs: number, gpuMs: number): boolean {
    return gpuMs >= wasmMs && gpuMs <= HOPELESS * wasmMs;
  }

  /** Every measurement, by class and size. */
  table(): Measurement[] {
    return [...this.measured.values()].sort((a, b) => (a.work === b.work ? a.size - b.size : a.work < b.work ? -1 : 1));
  }
}

function key(work: string, size: number): string {
  return `${work}/${size}`;
}

/** The size class of a product of m x k by k x n: the cube root of its work, rounded to a power of two. */
export function productSize(m: number, k: number, n: number): number {
  return 2 ** Math.round(Math.log2(Math.cbrt(m * k * n)));
}

/** The size class of an array of n elements: n rounded to a power of two. */
export function arraySize(n: number): number {
  return 2 ** Math.round(Math.log2(n));
}
