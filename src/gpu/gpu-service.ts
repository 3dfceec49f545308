// What the GPU worker does, on any platform: it holds the WebGPU device, through TensorFlow.js's
// webgpu backend, and the arrays kept on it, and answers each operation by writing the result
// into the shared buffer and waking the VM's thread, which waits for it (WebGPU reads results
// back only asynchronously, and a VM's operations are synchronous). Its entry point in browsers
// is a Web Worker (gpu-worker.ts); a Node worker thread over the webgpu package could serve the same.
import { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import * as tf from "@tensorflow/tfjs-core";
import { ARRAY_OP, gpuArrayOp, gpuProduct } from "./kernels.js";
import { CONTROL_BYTES, DONE, FAILED, type FromGpu, type ToGpu } from "./protocol.js";

type Tensor = ReturnType<typeof tf.tensor1d>;

export interface WebGpu {
  requestAdapter(options?: object): Promise<WebGpuAdapter | null>;
}

interface WebGpuAdapter {
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  requestDevice(descriptor: object): Promise<{ lost: Promise<{ message?: string }>; destroy(): void }>;
}

/** The worker's side of its channel to the VM's thread. */
export interface GpuServicePort {
  post(m: FromGpu): void;
  listen(handler: (m: ToGpu) => void): void;
}

let post: (m: FromGpu) => void = () => {};
const kept = new Map<number, Tensor>();
let device: { destroy(): void } | undefined;
let lost: string | undefined;
let shared: SharedArrayBuffer | undefined;
/** Operations run one after another, in the order they came. */
let queue: Promise<void> = Promise.resolve();

async function acquire(gpu: WebGpu | undefined): Promise<void> {
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
  post({ t: "ready", adapter: [...new Set(parts)].join(" ") || "unknown adapter" });
}

async function run(m: Extract<ToGpu, { t: "op" }>): Promise<void> {
  if (m.shared) shared = m.shared;
  const control = new Int32Array(shared!, 0, 1);
  try {
    if (lost) throw new Error(lost);
    for (const id of m.drop) {
      kept.get(id)?.dispose();
      kept.delete(id);
    }
    const inputs = m.inputs.map(({ id, offset, length }) => {
      if (offset !== undefined) {
        kept.get(id)?.dispose();
        kept.set(id, tf.tensor1d(new Float32Array(shared!, CONTROL_BYTES + offset * 4, length).slice(), "float32"));
      }
      const t = kept.get(id);
      if (!t) throw new Error(`array ${id} is not on the GPU`);
      return t;
    });
    const [m0, k0, n0] = m.dims;
    const result = tf.tidy(() =>
      m.work === "product"
        ? gpuProduct(tf, inputs[0], inputs[1], m0, k0, n0)
        : gpuArrayOp(tf, ARRAY_OP[m.work as keyof typeof ARRAY_OP], m.op, inputs[0], inputs[1], m.x),
    );
    const values = (await result.data()) as Float32Array;
    if (lost) throw new Error(lost);
    new Float32Array(shared!, CONTROL_BYTES + m.result.offset * 4, m.result.length).set(values);
    if (m.work === "reduce") result.dispose();
    else {
      kept.get(m.result.id)?.dispose();
      kept.set(m.result.id, result as Tensor);
    }
    Atomics.store(control, 0, DONE);
  } catch {
    Atomics.store(control, 0, FAILED);
  }
  Atomics.notify(control, 0);
}

/** Serves the VM's thread over `port` with the device of `gpu` (none: every answer says so). */
export function serveGpu(port: GpuServicePort, gpu: WebGpu | undefined): void {
  post = port.post;
  port.listen((m) => {
    if (m.t === "destroy") {
      device?.destroy();
      return;
    }
    queue = queue.then(() => run(m));
  });
  acquire(gpu).catch((e: unknown) => post({ t: "none", reason: `no adapter: ${e instanceof Error ? e.message : String(e)}` }));
}
