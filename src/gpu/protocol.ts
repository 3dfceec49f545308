// The messages between a VM's thread and its GPU worker (gpu-worker.ts). Arrays travel through
// one shared buffer: a control word the VM's thread waits on, then f32 elements.

/** Work the GPU worker does: a product, or an array operation of assembly/vm/array-offers.ts. */
export type GpuWork = "product" | "map" | "pow" | "zip" | "reduce";

/** An input: the array kept on the GPU under `id`, uploaded first from `offset` (elements) when given. */
export interface GpuInput {
  id: number;
  offset?: number;
  length: number;
}

export type ToGpu =
  | {
      t: "op";
      work: GpuWork;
      /** The builtin id or elementwise code; the exponent of a power; the product's m, k, n. */
      op: number;
      x: number;
      dims: [number, number, number];
      inputs: GpuInput[];
      /** The result is kept under this id (but a reduction's) and written at `offset`. */
      result: { id: number; offset: number; length: number };
      /** Arrays no longer kept. */
      drop: number[];
      /** A larger shared buffer, from now on. */
      shared?: SharedArrayBuffer;
    }
  | { t: "destroy" };

export type FromGpu = { t: "ready"; adapter: string } | { t: "none"; reason: string } | { t: "lost"; reason: string };

/** Words of the control block at the start of the shared buffer (Int32): the state of the current operation. */
export const CONTROL_BYTES = 16;
export const PENDING = 0;
export const DONE = 1;
export const FAILED = 2;
