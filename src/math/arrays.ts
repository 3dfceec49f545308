// Matrices and tensors as JavaScript sees them: views over the VM's memory, not copies. A view
// keeps its array alive in the VM (through a handle the collector treats as a root) until it is
// disposed or garbage collected in JavaScript. The collector never moves objects, so a view stays
// valid; `data` makes a fresh typed array each time because the memory's buffer changes when it
// grows.

import type { CoreExports } from "../runtime/core.js";
import * as L from "../runtime/heap-layout.generated.js";

export type DType = "f64" | "f32";

const released = new FinalizationRegistry<{ core: CoreExports; handle: number }>(({ core, handle }) => core.release(handle));

abstract class ArrayView {
  abstract readonly kind: "matrix" | "tensor";
  readonly shape: number[];
  readonly dtype: DType;
  readonly length: number;
  private handle: number;

  constructor(
    /** The VM core the array lives in. */
    readonly core: CoreExports,
    handle: number,
  ) {
    this.handle = handle;
    const p = this.pointer;
    const u32 = new Uint32Array(core.memory.buffer);
    const isMatrix = new Uint8Array(core.memory.buffer)[p] === L.T_MATRIX;
    this.dtype = u32[(p + (isMatrix ? L.MAT_DTYPE : L.TEN_DTYPE)) >>> 2] === L.DTYPE_F32 ? "f32" : "f64";
    this.shape = isMatrix
      ? [u32[(p + L.MAT_ROWS) >>> 2], u32[(p + L.MAT_COLS) >>> 2]]
      : Array.from(u32.subarray((p + L.TEN_SHAPE) >>> 2, ((p + L.TEN_SHAPE) >>> 2) + u32[(p + L.TEN_NDIM) >>> 2]));
    this.length = this.shape.reduce((a, b) => a * b, 1);
    released.register(this, { core, handle }, this);
  }

  /** Address of the array object in the VM's memory. */
  get pointer(): number {
    if (this.handle === 0) throw new Error("this array view was disposed");
    return new Uint32Array(this.core.memory.buffer)[this.core.handleAddress(this.handle) >>> 2];
  }

  /** The elements, row-major, as a typed array over the VM's memory (no copy). */
  get data(): Float64Array | Float32Array {
    const p = this.pointer;
    const elems = new Uint32Array(this.core.memory.buffer)[(p + (this.kind === "matrix" ? L.MAT_ELEMS : L.TEN_ELEMS)) >>> 2];
    return this.dtype === "f32" ? new Float32Array(this.core.memory.buffer, elems, this.length) : new Float64Array(this.core.memory.buffer, elems, this.length);
  }

  /** The value's 64-bit word, for passing the array back into the VM it lives in. */
  valueIn(core: CoreExports): bigint | undefined {
    if (core !== this.core) return undefined;
    return new BigUint64Array(core.memory.buffer)[this.core.handleAddress(this.handle) >>> 3];
  }

  /** Lets the VM collect the array; the view cannot be used afterwards. */
  dispose(): void {
    if (this.handle === 0) return;
    released.unregister(this);
    this.core.release(this.handle);
    this.handle = 0;
  }
}

export class Matrix extends ArrayView {
  readonly kind = "matrix" as const;
  get rows(): number {
    return this.shape[0];
  }
  get cols(): number {
    return this.shape[1];
  }
  /** The rows as arrays of numbers. */
  toArrays(): number[][] {
    const d = this.data;
    return Array.from({ length: this.rows }, (_, i) => Array.from(d.subarray(i * this.cols, (i + 1) * this.cols)));
  }
}

export class Tensor extends ArrayView {
  readonly kind = "tensor" as const;
  /** The elements as nested arrays, one level per dimension. */
  toArrays(): unknown[] {
    const d = this.data;
    const build = (dim: number, offset: number): unknown[] | number => {
      if (dim === this.shape.length) return d[offset];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0) as unknown[];
  }
}

/** A matrix made in a VM from nested arrays (rows of equal length). */
export function matrixFromArrays(core: CoreExports, rows: ArrayLike<number>[], dtype: DType = "f64"): Matrix {
  const r = rows.length,
    c = r > 0 ? rows[0].length : 0;
  for (const row of Array.from(rows)) if (row.length !== c) throw new RangeError("matrix rows must have equal lengths");
  const p = core.newMatrix(r, c, dtype === "f32" ? 1 : 0);
  if (p === 0) throw new RangeError("out of memory making a matrix");
  const m = new Matrix(core, retainObject(core, p));
  const d = m.data;
  for (let i = 0; i < r; i++) d.set(rows[i], i * c);
  return m;
}

/** A handle that keeps the object at address p alive. */
export function retainObject(core: CoreExports, p: number): number {
  const handle = core.retainPointer(p);
  if (handle === 0) throw new RangeError("out of memory keeping a value");
  return handle;
}
