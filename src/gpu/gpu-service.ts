// What the GPU worker does, on any platform: it holds the WebGPU device, through TensorFlow.js's
// webgpu backend, and the arrays kept on it, and computes each operation into its result's
// elements. How operations reach it and results go back is its entry point's affair: in browsers
// a Web Worker over the shared buffer (gpu-worker.ts), in Node a process of its own over its IPC
// channel (src/node/gpu-process.ts).
import { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import * as tf from "@tensorflow/tfjs-core";
import { CostModel } from "./cost-model.js";
import { ARRAY_OP, gpuArrayOp, gpuProduct } from "./kernels.js";
import type { FromGpu, GpuCall, GpuMeasure } from "./protocol.js";
import { type AdapterFacts, isSoftwareAdapter } from "./software-adapter.js";

type Tensor = ReturnType<typeof tf.tensor1d>;

export interface WebGpu {
  requestAdapter(options?: object): Promise<WebGpuAdapter | null>;
}

interface WebGpuAdapter extends AdapterFacts {
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  requestDevice(descriptor: object): Promise<{ lost: Promise<{ message?: string }>; destroy(): void }>;
}

export interface GpuService {
  /** Computes one operation, after those before it: its result's elements (one for a reduction); rejects when the device failed. */
  compute(call: GpuCall): Promise<Float32Array>;
  /** Times one operation, after those before it: the GPU's time in ms; rejects when the device failed. */
  measure(m: GpuMeasure): Promise<number>;
  /** Destroys the device: it reports itself lost. */
  destroy(): void;
}

/** Acquires the device of `gpu`, telling `post` whether there is one ("ready", "none") and when it is lost. */
export function startGpuService(post: (m: FromGpu) => void, gpu: WebGpu | undefined): GpuService {
  const kept = new Map<number, Tensor>();
  let device: { destroy(): void } | undefined;
  let lost: string | undefined;
  /** Operations run one after another, in the order they came. */
  let queue: Promise<unknown> = Promise.resolve();

  async function acquire(): Promise<void> {
    if (!gpu) return post({ t: "none", reason: "no adapter: this platform has no WebGPU (navigator.gpu is missing)" });
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) return post({ t: "none", reason: "no adapter: WebGPU offers none here" });
    // the limits tfjs's own factory asks for: its kernels size their work by them
    const limits = adapter.limits;
    const dev = await adapter.requestDevice({
      requiredFeatures: adapter.features.has("timestamp-query") ? ["timestamp-query"] : [],
      requiredLimits: {
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      },
    });
    device = dev;
    void dev.lost.then((info) => {
      lost = `device lost${info.message ? `: ${info.message}` : ""}`;
      post({ t: "lost", reason: lost });
    });
    const info = adapter.info ?? {};
    // tfjs's kernels are registered under "webgpu": this backend takes the name, over our device
    // biome-ignore lint/suspicious/noExplicitAny: tfjs types the device with @webgpu/types, which this project does not load
    const backend = new WebGPUBackend(dev as any, info as any);
    if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
    tf.registerBackend("webgpu", () => backend, 0);
    if (!(await tf.setBackend("webgpu"))) return post({ t: "none", reason: "no adapter: tfjs could not start its webgpu backend" });
    const parts = [info.vendor, info.architecture, info.device, info.description].filter((p): p is string => !!p);
    post({ t: "ready", adapter: [...new Set(parts)].join(" ") || "unknown adapter", software: isSoftwareAdapter(adapter) });
  }

  async function run(call: GpuCall): Promise<Float32Array> {
    if (lost) throw new Error(lost);
    for (const id of call.drop) {
      kept.get(id)?.dispose();
      kept.delete(id);
    }
    const inputs = call.inputs.map(({ id, elements }) => {
      if (elements) {
        kept.get(id)?.dispose();
        kept.set(id, tf.tensor1d(elements, "float32"));
      }
      const t = kept.get(id);
      if (!t) throw new Error(`array ${id} is not on the GPU`);
      return t;
    });
    const result = operation(call, inputs);
    const values = (await result.data()) as Float32Array;
    if (lost) throw new Error(lost);
    if (call.work === "reduce") result.dispose();
    else {
      kept.get(call.resultId)?.dispose();
      kept.set(call.resultId, result as Tensor);
    }
    return values;
  }

  /** The operation of `call` on `inputs`, queued on the GPU (tfjs reads it back on `data()`). */
  function operation(call: Pick<GpuCall, "work" | "op" | "x" | "dims">, inputs: Tensor[]): Tensor {
    const [m0, k0, n0] = call.dims;
    return tf.tidy(() =>
      call.work === "product"
        ? gpuProduct(tf, inputs[0], inputs[1], m0, k0, n0)
        : gpuArrayOp(tf, ARRAY_OP[call.work as keyof typeof ARRAY_OP], call.op, inputs[0], inputs[1], call.x),
    ) as Tensor;
  }

  /**
   * The GPU's time for `m` as an offloaded operation pays it: reaching the GPU's side, uploading
   * the inputs, computing and reading back; a second run, without the upload, when the first
   * (which compiles the shaders) lost but not hopelessly. Nothing is kept.
   */
  async function time(m: GpuMeasure, transferMs: number): Promise<number> {
    if (lost) throw new Error(lost);
    const start = performance.now();
    const inputs = m.inputs.map((elements) => tf.tensor1d(elements, "float32"));
    const once = async () => {
      const result = operation(m, inputs);
      await result.data();
      result.dispose();
    };
    try {
      await once();
      let ms = transferMs + performance.now() - start;
      if (CostModel.worthRetry(m.wasmMs, ms)) {
        const again = performance.now();
        await once();
        ms = Math.min(ms, performance.now() - again);
      }
      if (lost) throw new Error(lost);
      return ms;
    } finally {
      for (const t of inputs) t.dispose();
    }
  }

  acquire().catch((e: unknown) => post({ t: "none", reason: `no adapter: ${e instanceof Error ? e.message : String(e)}` }));
  return {
    compute(call) {
      const done = queue.then(() => run(call));
      queue = done.catch(() => {});
      return done;
    },
    measure(m) {
      // time spent waiting behind earlier work is not the GPU's cost for this one
      const transferMs = Math.max(0, performance.timeOrigin + performance.now() - m.sentAt);
      const done = queue.then(() => time(m, transferMs));
      queue = done.catch(() => {});
      return done;
    },
    destroy: () => {
      // operations sent after this fail, even before the device says it is lost
      lost ??= "device lost: destroyed";
      device?.destroy();
    },
  };
}
