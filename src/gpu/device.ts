// The GPU as a VM's thread sees it: a GPU worker (gpu-service.ts) holding the WebGPU device,
// started on the first work that could use it and shared by every VM of the thread. An operation
// is sent to the worker and the thread waits, with Atomics.wait, until the result is in the
// shared buffer: so the VM's operations stay synchronous. Where a thread may not wait (a page's
// main thread, or a page without cross-origin isolation, which has no SharedArrayBuffer) or the
// platform has no WebGPU, that is known at once, and no worker or tfjs is ever loaded. Node's
// GPU worker is a relay to a process of its own (src/node/gpu-thread.ts sets it up).
import type { FallbackReason } from "./fallbacks.js";
import { CONTROL_BYTES, DONE, FAILED, type FromGpu, type GpuInput, type GpuMeasure, MEASURE_BYTES, MEASURE_SLOTS, PENDING, type ToGpu } from "./protocol.js";

/** How long an operation may take on the GPU before the device is given up (a software adapter's 4096 x 4096 product takes minutes). */
const OPERATION_TIMEOUT_MS = 10 * 60 * 1000;

/** Why the device was given up when an operation failed; the worker's own reason, when it comes, says more. */
const OPERATION_FAILED = "device lost: an operation failed or did not finish";

export type GpuState = { kind: "pending" } | { kind: "ready"; gpu: GpuDevice } | { kind: "none"; reason: string; fallback: FallbackReason };

/** An input to send: kept under `id` on the GPU, with its elements when they must be uploaded. */
export interface Upload {
  id: number;
  elements?: Float32Array;
}

/** A started GPU worker, as the VM's thread talks to it. */
export interface GpuThread {
  post(m: ToGpu): void;
  onMessage(handler: (m: FromGpu) => void): void;
  /** The worker failed (its script did not load, or it threw). */
  onError(handler: (message: string) => void): void;
  /** Ends the worker (it found no device). */
  end(): void;
  /** Whether the worker keeps the program's process alive (Node): only while a run waits for the adapter. */
  hold?(held: boolean): void;
}

/** How a platform other than a page's (Node) gives its VM threads a GPU worker. */
export interface GpuPlatform {
  /** Why there is no WebGPU here, known without starting anything; undefined when there may be. */
  missing(): string | undefined;
  start(): GpuThread;
}

let platform: GpuPlatform | undefined;

/** Sets this thread's GPU platform: src/node/gpu-thread.ts does, on importing it. */
export function setGpuPlatform(p: GpuPlatform): void {
  platform = p;
}

function webWorker(): GpuThread {
  const worker = new Worker(new URL("./gpu-worker.js", import.meta.url), { type: "module" });
  return {
    post: (m) => worker.postMessage(m),
    onMessage: (handler) => {
      worker.onmessage = (e: MessageEvent<FromGpu>) => handler(e.data);
    },
    onError: (handler) => {
      worker.onerror = (e) => {
        e.preventDefault();
        handler(e.message || "its script did not load");
      };
    },
    end: () => worker.terminate(),
  };
}

export class GpuDevice {
  /** Set when the device went away or failed: it is then never used again. */
  lost: string | undefined;
  readonly backend = "webgpu";
  private shared = new SharedArrayBuffer(CONTROL_BYTES + 4096);
  private grown = true;
  /** Measurements the GPU is timing, by slot of the measurements buffer: each one's callback. */
  private readonly measuring = new Map<number, (gpuMs: number | undefined) => void>();
  private slots: SharedArrayBuffer | undefined;

  constructor(
    private readonly worker: GpuThread,
    /** The adapter as the platform describes it (vendor, architecture, description). */
    readonly adapter: string,
    /** Whether the adapter computes on the CPU (software-adapter.ts). */
    readonly software = false,
  ) {}

  /**
   * Sends `m` to be timed on the GPU without waiting for it: `done` gets the GPU's time (undefined
   * when it failed) from a later `poll()`. False when the device is lost or too many are being timed.
   */
  measure(m: Omit<GpuMeasure, "sentAt">, done: (gpuMs: number | undefined) => void): boolean {
    if (this.lost) return false;
    const first = !this.slots;
    this.slots ??= new SharedArrayBuffer(MEASURE_BYTES);
    let slot = 0;
    while (this.measuring.has(slot)) if (++slot === MEASURE_SLOTS) return false;
    Atomics.store(new Int32Array(this.slots, 0, MEASURE_SLOTS), slot, PENDING);
    this.measuring.set(slot, done);
    const measure: GpuMeasure = { ...m, sentAt: performance.timeOrigin + performance.now() };
    this.worker.post({ t: "measure", measure, slot, slots: first ? this.slots : undefined });
    return true;
  }

  /** Hands each measurement the GPU has finished (or failed) to its callback. */
  poll(): void {
    if (!this.slots || this.measuring.size === 0) return;
    const states = new Int32Array(this.slots, 0, MEASURE_SLOTS);
    const times = new Float64Array(this.slots, MEASURE_SLOTS * 4, MEASURE_SLOTS);
    for (const [slot, done] of this.measuring) {
      const state = Atomics.load(states, slot);
      if (state === PENDING) continue;
      this.measuring.delete(slot);
      done(state === FAILED ? undefined : times[slot]);
    }
  }

  /**
   * Runs one operation on the GPU and waits for it: the result's `length` elements (a view of
   * the shared buffer, valid until the next operation), or undefined when the device failed.
   */
  run(
    work: Omit<Extract<ToGpu, { t: "op" }>, "t" | "inputs" | "result" | "shared">,
    uploads: Upload[],
    result: { id: number; length: number },
  ): Float32Array | undefined {
    if (this.lost) return undefined;
    const elements = uploads.reduce((s, u) => s + (u.elements?.length ?? 0), 0) + result.length;
    this.reserve(elements);
    let offset = 0;
    const inputs: GpuInput[] = uploads.map((u) => {
      const length = u.elements?.length ?? 0;
      if (!u.elements) return { id: u.id, length };
      new Float32Array(this.shared, CONTROL_BYTES + offset * 4, length).set(u.elements);
      offset += length;
      return { id: u.id, offset: offset - length, length };
    });
    const control = new Int32Array(this.shared, 0, 1);
    Atomics.store(control, 0, PENDING);
    const message: ToGpu = { t: "op", ...work, inputs, result: { ...result, offset }, shared: this.grown ? this.shared : undefined };
    this.grown = false;
    this.worker.post(message);
    if (Atomics.wait(control, 0, PENDING, OPERATION_TIMEOUT_MS) === "timed-out" || Atomics.load(control, 0) !== DONE) {
      this.lost ??= OPERATION_FAILED;
      return undefined;
    }
    return new Float32Array(this.shared, CONTROL_BYTES + offset * 4, result.length);
  }

  /** Destroys the device: later work falls back with the reason "device lost". */
  destroy(): void {
    this.worker.post({ t: "destroy" });
  }

  private reserve(elements: number): void {
    const bytes = CONTROL_BYTES + elements * 4;
    if (bytes <= this.shared.byteLength) return;
    this.shared = new SharedArrayBuffer(CONTROL_BYTES + 2 ** Math.ceil(Math.log2(elements * 4)));
    this.grown = true;
  }
}

let state: GpuState | undefined;

/** Why this thread cannot use a GPU worker, if it cannot. */
function cannotUse(): GpuState | undefined {
  const missing = platform
    ? platform.missing()
    : (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu
      ? undefined
      : "no adapter: this platform has no WebGPU (navigator.gpu is missing)";
  if (missing) return { kind: "none", fallback: "no adapter", reason: missing };
  if (typeof SharedArrayBuffer === "undefined")
    return { kind: "none", fallback: "cannot wait", reason: "cannot wait: the page is not cross-origin isolated (no SharedArrayBuffer)" };
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
  } catch {
    return { kind: "none", fallback: "cannot wait", reason: "cannot wait: a page's main thread may not wait for the GPU (run the VM in a Web Worker)" };
  }
  return undefined;
}

/** The GPU's state now; starts the GPU worker when nobody has (the state is then pending). */
export function gpuNow(): GpuState {
  if (!state) void start();
  return state ?? { kind: "pending" };
}

let acquiring: Promise<GpuState> | undefined;
let starting: GpuThread | undefined;

/** Starts the GPU worker once and waits until it has a device, or says why there is none. */
export function acquireGpu(): Promise<GpuState> {
  const settled = start();
  // someone waits for the adapter: the worker keeps the program's process alive until it is known
  if (state?.kind === "pending") starting?.hold?.(true);
  return settled;
}

function start(): Promise<GpuState> {
  if (acquiring) return acquiring;
  state = cannotUse();
  if (state) return (acquiring = Promise.resolve(state));
  state = { kind: "pending" };
  acquiring = new Promise<GpuState>((resolve) => {
    const worker = platform ? platform.start() : webWorker();
    starting = worker;
    let device: GpuDevice | undefined;
    const settle = (s: GpuState) => {
      state = s;
      starting = undefined;
      worker.hold?.(false);
      resolve(s);
    };
    worker.onMessage((m) => {
      if (m.t === "ready") settle({ kind: "ready", gpu: (device = new GpuDevice(worker, m.adapter, m.software)) });
      else if (m.t === "none") {
        settle({ kind: "none", fallback: "no adapter", reason: m.reason });
        worker.end();
      } else if (device && (device.lost === undefined || device.lost === OPERATION_FAILED)) device.lost = m.reason;
    });
    worker.onError((message) => {
      if (device) device.lost ??= `device lost: the GPU worker failed (${message})`;
      else settle({ kind: "none", fallback: "no adapter", reason: `no adapter: the GPU worker did not start (${message})` });
    });
  });
  return acquiring;
}

/** Destroys this thread's GPU device, if it has one: later work falls back with the reason "device lost". */
export function destroyGpuDevice(): void {
  if (state?.kind === "ready") state.gpu.destroy();
}
