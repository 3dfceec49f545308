// The messages between a VM's thread and its GPU worker (gpu-worker.ts in browsers,
// src/node/gpu-relay.ts in Node). Arrays travel through one shared buffer: a control word the
// VM's thread waits on, then f32 elements.

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

/** An operation as the GPU service computes it (gpu-service.ts): the inputs to upload carry their elements. */
export interface GpuCall {
  work: GpuWork;
  op: number;
  x: number;
  dims: [number, number, number];
  inputs: { id: number; elements?: Float32Array }[];
  /** The result is kept under this id (but a reduction's). */
  resultId: number;
  drop: number[];
}

export type FromGpu = { t: "ready"; adapter: string } | { t: "none"; reason: string } | { t: "lost"; reason: string };

/** Words of the control block at the start of the shared buffer (Int32): the state of the current operation. */
export const CONTROL_BYTES = 16;
export const PENDING = 0;
export const DONE = 1;
export const FAILED = 2;

/** To Node's GPU process (src/node/gpu-process.ts), from the relay thread that serves the VM's thread. */
export type ToGpuProcess = { t: "op"; call: GpuCall } | { t: "destroy" };

/** From Node's GPU process: what the device is, and each operation's result in order (or that it failed). */
export type FromGpuProcess = FromGpu | { t: "done"; values: Float32Array } | { t: "failed" };
