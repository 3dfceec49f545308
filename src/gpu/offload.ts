// A VM's use of the GPU: the core offers it large f32 products and array operations, and this
// decides, per operation, whether the GPU computes it (under the mode and the cost model) or the
// core keeps it, counting each fallback with its reason. The GPU's work is synchronous from the
// VM's side: an offered operation is finished, its result read back into the VM's memory, before
// the core goes on, so a program computes the same values and prints in the same order whether
// or not a GPU took part (see docs/gpu.md).
import type { CoreExports } from "../runtime/core.js";
import { arraySize, CostModel, type Measurement, MIN_ARRAY_ELEMENTS, MIN_PRODUCT_WORK, productSize } from "./cost-model.js";
import { acquireGpu, type GpuDevice, gpuNow } from "./device.js";
import { type FallbackReason, Fallbacks } from "./fallbacks.js";
import { gpuTakes } from "./kernels.js";
import type { GpuWork } from "./protocol.js";
import { Residency } from "./residency.js";

export type GpuMode = "auto" | "off" | "force";
export const GPU_MODES: readonly GpuMode[] = ["auto", "off", "force"];

export function gpuModeOf(text: string): GpuMode | undefined {
  return (GPU_MODES as readonly string[]).includes(text) ? (text as GpuMode) : undefined;
}

/** What gpu.info() and `vm.gpuInfo()` report. */
export interface GpuInfo {
  mode: GpuMode;
  available: boolean;
  /** The adapter as the platform describes it, when there is one. */
  adapter?: string;
  backend?: "webgpu";
  /** Why there is no GPU to use (no adapter, the device lost, the mode off). */
  reason?: string;
  /** Operations the GPU computed. */
  offloaded: number;
  /** Their inputs found still on the GPU (results of earlier operations, or inputs used again), not uploaded. */
  reused: number;
  /** Operations kept on WebAssembly, by reason. */
  fallbacks: Record<string, number>;
  /** What `auto` measured on this device, and where each size goes. */
  measurements: Measurement[];
}

const ARRAY_WORK: GpuWork[] = ["map", "pow", "zip", "reduce"];

/** An operation the GPU may compute: `inputs` (element address and count, each) into `out`, `length` f32 (or one f64 for a reduction). */
interface Operation {
  work: GpuWork;
  op: number;
  x: number;
  dims: [number, number, number];
  inputs: [number, number][];
  out: number;
  length: number;
}

/** Whether auto measures a software adapter as any other (tests of the measurement: this machine has no other). */
let softwareMeasured = false;

/** For tests only, not part of the library: auto measures a software adapter instead of keeping its work on WebAssembly. */
export function measureSoftwareAdapters(on: boolean): void {
  softwareMeasured = on;
}

/** One cost model per device: what it measured holds for every VM using it. */
const models = new WeakMap<GpuDevice, CostModel>();

function modelOf(gpu: GpuDevice): CostModel {
  let model = models.get(gpu);
  if (!model) models.set(gpu, (model = new CostModel()));
  return model;
}

export class GpuOffload {
  private readonly fallbacks = new Fallbacks();
  private offloaded = 0;
  private reused = 0;
  private residency = new Residency();

  constructor(
    private readonly core: CoreExports,
    readonly mode: GpuMode,
  ) {}

  /** The smallest product (multiply-adds) and array (elements) the core should offer; 0: none. */
  get productThreshold(): number {
    return this.mode === "off" ? 0 : this.mode === "force" ? 1 : MIN_PRODUCT_WORK;
  }
  get arrayThreshold(): number {
    return this.mode === "off" ? 0 : this.mode === "force" ? 1 : MIN_ARRAY_ELEMENTS;
  }

  /** C = A * B (element addresses, m x k by k x n, dtype 1 f32): true when the GPU computed it. */
  product(a: number, b: number, c: number, m: number, k: number, n: number, dtype: number): boolean {
    if (dtype !== 1) return this.fallback("f64");
    const gpu = this.device();
    if (!gpu) return false;
    const op: Operation = {
      work: "product",
      op: 0,
      x: 0,
      dims: [m, k, n],
      inputs: [
        [a, m * k],
        [b, k * n],
      ],
      out: c,
      length: m * n,
    };
    return this.decide(gpu, op, productSize(m, k, n), () => this.core.gemmInto(a, b, c, m, k, n, 1));
  }

  /** An offered f32 array operation (see assembly/vm/array-offers.ts): true when the GPU computed it. */
  arrayOp(kind: number, op: number, a: number, b: number, out: number, n: number, x: number): boolean {
    if (!gpuTakes(kind, op)) return this.fallback("unsupported operation");
    const gpu = this.device();
    if (!gpu) return false;
    const work = ARRAY_WORK[kind];
    const inputs: [number, number][] =
      work === "zip"
        ? [
            [a, n],
            [b, n],
          ]
        : [[a, n]];
    const operation: Operation = { work, op, x, dims: [n, 0, 0], inputs, out, length: work === "reduce" ? 1 : n };
    return this.decide(gpu, operation, arraySize(n), () => this.core.arrayOpInto(kind, op, a, b, out, n, x));
  }

  info(): GpuInfo {
    const base = { mode: this.mode, offloaded: this.offloaded, reused: this.reused, fallbacks: this.fallbacks.report() };
    if (this.mode === "off") return { ...base, available: false, reason: "off: --gpu off", measurements: [] };
    const state = gpuNow();
    if (state.kind === "pending") return { ...base, available: false, reason: "the adapter is still being acquired", measurements: [] };
    if (state.kind === "none") return { ...base, available: false, reason: state.reason, measurements: [] };
    const { adapter, backend, lost, software } = state.gpu;
    state.gpu.poll();
    const measurements = modelOf(state.gpu).table();
    if (lost) return { ...base, available: false, adapter, backend, reason: lost, measurements };
    if (software && this.mode === "auto" && !softwareMeasured)
      return { ...base, available: false, adapter, backend, reason: softwareReason(adapter), measurements };
    return { ...base, available: true, adapter, backend, measurements };
  }

  /** The GPU's state once acquired (for gpu.available() and gpu.info(), which may wait for it). */
  async settled(): Promise<GpuInfo> {
    if (this.mode !== "off") await acquireGpu();
    return this.info();
  }

  /** The device to use now, or undefined with the fallback counted (none while it is being acquired). */
  private device(): GpuDevice | undefined {
    const state = gpuNow();
    if (state.kind === "pending") return undefined;
    if (state.kind === "none") return void this.fallback(state.fallback);
    if (state.gpu.lost) return void this.lose();
    state.gpu.poll();
    return state.gpu;
  }

  /**
   * Runs the operation where the mode and the cost model send it: on the GPU (false when the
   * device failed), or with the core's kernel (`wasm`), which also times a size new to auto while
   * the GPU times it on its side; the program goes on with the kernel's result meanwhile.
   */
  private decide(gpu: GpuDevice, operation: Operation, size: number, wasm: () => void): boolean {
    if (this.mode === "force") return this.onGpu(gpu, operation);
    if (gpu.software && !softwareMeasured) return this.fallback("software adapter");
    const model = modelOf(gpu);
    const verdict = model.verdict(operation.work, size);
    if (verdict === "gpu") return this.onGpu(gpu, operation);
    if (verdict === "wasm") return this.fallback("too small");
    if (verdict === "measuring") return this.fallback("measuring");
    // copied before the kernel runs: its result may overwrite an input
    const inputs = operation.inputs.map(([addr, n]) => new Float32Array(this.core.memory.buffer, addr, n).slice());
    const wasmMs = timed(wasm);
    const { work, op, x, dims } = operation;
    const sent = gpu.measure({ work, op, x, dims, inputs, wasmMs }, (gpuMs) =>
      gpuMs === undefined ? model.abandon(work) : model.record(work, size, wasmMs, gpuMs),
    );
    if (sent) model.start(work);
    this.fallbacks.count(gpu.lost ? "device lost" : "measuring");
    return true;
  }

  /** Runs the operation on the device; false, with the fallback counted, when the device failed. */
  private onGpu(gpu: GpuDevice, { work, op, x, dims, inputs, out, length }: Operation): boolean {
    this.residency.begin();
    const uploads = inputs.map(([addr, n]) => this.residency.input(this.core.memory.buffer, addr, n));
    const reused = uploads.filter((u) => !u.elements).length;
    const id = this.residency.newId();
    const result = gpu.run({ work, op, x, dims, drop: this.residency.drops() }, uploads, { id, length });
    if (!result) return this.lose();
    if (work === "reduce") new Float64Array(this.core.memory.buffer, out, 1)[0] = result[0];
    else {
      new Float32Array(this.core.memory.buffer, out, length).set(result);
      this.residency.kept(id, out, result);
    }
    this.offloaded++;
    this.reused += reused;
    return true;
  }

  private lose(): false {
    this.residency = new Residency();
    return this.fallback("device lost");
  }

  private fallback(reason: FallbackReason): false {
    this.fallbacks.count(reason);
    return false;
  }
}

/** Why auto does not use a software adapter, in gpu.info()'s reason. */
function softwareReason(adapter: string): string {
  return `software adapter: ${adapter} computes on the CPU, slower than WebAssembly, so auto keeps work there (--gpu force still uses it)`;
}

function timed(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}
