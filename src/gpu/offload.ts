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
    const onGpu = () =>
      this.onGpu(
        gpu,
        "product",
        0,
        0,
        [m, k, n],
        [
          [a, m * k],
          [b, k * n],
        ],
        c,
        m * n,
      );
    return this.decide(gpu, "product", productSize(m, k, n), onGpu, () => this.core.gemmInto(a, b, c, m, k, n, 1));
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
    const onGpu = () => this.onGpu(gpu, work, op, x, [n, 0, 0], inputs, out, work === "reduce" ? 1 : n);
    return this.decide(gpu, work, arraySize(n), onGpu, () => this.core.arrayOpInto(kind, op, a, b, out, n, x));
  }

  info(): GpuInfo {
    const base = { mode: this.mode, offloaded: this.offloaded, reused: this.reused, fallbacks: this.fallbacks.report() };
    if (this.mode === "off") return { ...base, available: false, reason: "off: --gpu off", measurements: [] };
    const state = gpuNow();
    if (state.kind === "pending") return { ...base, available: false, reason: "the adapter is still being acquired", measurements: [] };
    if (state.kind === "none") return { ...base, available: false, reason: state.reason, measurements: [] };
    const { adapter, backend, lost } = state.gpu;
    const measurements = modelOf(state.gpu).table();
    return lost ? { ...base, available: false, adapter, backend, reason: lost, measurements } : { ...base, available: true, adapter, backend, measurements };
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
    return state.gpu;
  }

  /**
   * Runs the work where the mode and the cost model send it: `gpu` computes it there (false when
   * the device failed), `wasm` with the core's kernel, which a measurement times against the GPU.
   */
  private decide(gpu: GpuDevice, work: string, size: number, onGpu: () => boolean, wasm: () => void): boolean {
    if (this.mode === "force") return onGpu();
    const model = modelOf(gpu);
    const verdict = model.verdict(work, size);
    if (verdict === "gpu") return onGpu();
    if (verdict === "wasm") return this.fallback("too small");
    // first use of this size: both compute it, timed; the GPU runs twice when its first run
    // (which compiles its shaders) lost but not hopelessly; a device lost meanwhile leaves the core's result
    const wasmMs = timed(wasm);
    let gpuMs = timed(onGpu);
    if (!gpu.lost && CostModel.worthRetry(wasmMs, gpuMs)) gpuMs = Math.min(gpuMs, timed(onGpu));
    if (gpu.lost) wasm();
    else model.record(work, size, wasmMs, gpuMs);
    return true;
  }

  /**
   * Runs `work` on the device with `inputs` (element address and count, each) into `out`
   * (`length` f32, or one f64 for a reduction); false, with the fallback counted, when the device failed.
   */
  private onGpu(
    gpu: GpuDevice,
    work: GpuWork,
    op: number,
    x: number,
    dims: [number, number, number],
    inputs: [number, number][],
    out: number,
    length: number,
  ): boolean {
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

function timed(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}
