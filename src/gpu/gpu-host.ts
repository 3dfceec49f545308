// The host side of std/gpu: `__gpu_available` and `__gpu_info`. Both answer at once when the GPU's
// state is known (always in Node, where WebGPU is missing or not); in a page, the first call waits
// for the adapter to be acquired, as an awaited host call does.
import type { JsValue } from "../runtime/values.js";
import type { VM } from "../runtime/vm.js";
import { gpuNow } from "./device.js";
import type { GpuInfo, GpuOffload } from "./offload.js";

export function installGpuHost(vm: VM, offload: GpuOffload): void {
  const info = (): GpuInfo | Promise<GpuInfo> => (offload.mode === "off" || gpuNow().kind !== "pending" ? offload.info() : offload.settled());
  vm.registerHost("__gpu_available", () => {
    const now = info();
    return now instanceof Promise ? now.then((i) => i.available) : now.available;
  });
  vm.registerHost("__gpu_info", () => {
    const now = info();
    return now instanceof Promise ? now.then(infoValue) : infoValue(now);
  });
}

/** gpu.info() as a Noodle map: absent parts are nil. */
function infoValue(info: GpuInfo): JsValue {
  return {
    available: info.available,
    mode: info.mode,
    adapter: info.adapter ?? null,
    backend: info.backend ?? null,
    reason: info.reason ?? null,
    offloaded: info.offloaded,
    reused: info.reused,
    fallbacks: info.fallbacks,
    measurements: info.measurements.map((m): JsValue => ({ work: m.work, size: m.size, wasm_ms: m.wasmMs, gpu_ms: m.gpuMs, gpu: m.gpu })),
  };
}
