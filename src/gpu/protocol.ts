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
  | {
      /** Times an operation on the GPU while the VM goes on with WebAssembly's result (auto's measurement). */
      t: "measure";
      measure: GpuMeasure;
      /** Where the time goes in the measurements buffer (below). */
      slot: number;
      /** The measurements buffer, with the first measurement. */
      slots?: SharedArrayBuffer;
    }
  | { t: "destroy" };

/** An operation to time (cost-model.ts): its inputs' elements, uploaded for it alone and not kept. */
export interface GpuMeasure {
  work: GpuWork;
  op: number;
  x: number;
  dims: [number, number, number];
  inputs: Float32Array[];
  /** WebAssembly's time for it: the GPU runs it a second time only when its first run lost, but not hopelessly. */
  wasmMs: number;
  /** When the VM's thread sent it (ms since the epoch): the time to reach the GPU counts, waiting behind other work does not. */
  sentAt: number;
}

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

/** `software`: the adapter computes on the CPU (software-adapter.ts). */
export type FromGpu = { t: "ready"; adapter: string; software: boolean } | { t: "none"; reason: string } | { t: "lost"; reason: string };

/** Words of the control block at the start of the shared buffer (Int32): the state of the current operation. */
export const CONTROL_BYTES = 16;
export const PENDING = 0;
export const DONE = 1;
export const FAILED = 2;

/**
 * The measurements buffer: a state word per slot (PENDING, DONE, FAILED; Int32), then the GPU's
 * time of each slot's measurement (Float64), written before its state.
 */
export const MEASURE_SLOTS = 16;
export const MEASURE_BYTES = MEASURE_SLOTS * 4 + MEASURE_SLOTS * 8;

/** To Node's GPU process (src/node/gpu-process.ts), from the relay thread that serves the VM's thread. */
export type ToGpuProcess = { t: "op"; call: GpuCall } | { t: "measure"; measure: GpuMeasure; slot: number } | { t: "destroy" };

/** From Node's GPU process: what the device is, and each operation's result in order (or that it failed). */
export type FromGpuProcess = FromGpu | { t: "done"; values: Float32Array } | { t: "failed" } | { t: "measured"; slot: number; ms?: number };
