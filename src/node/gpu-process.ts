// Node's GPU process: the WebGPU device of the webgpu package (Dawn) under TensorFlow.js's webgpu
// backend (gpu-service.ts), answering the relay thread (gpu-relay.ts) over its IPC channel. A
// process and not a thread: a thread holding a Dawn device keeps Node from exiting and cannot be
// terminated, and Dawn writes Vulkan's warnings straight to its process's stderr, which the relay
// captures. It ends as soon as its channel closes: when the program's process ends, or lets it go.
import { startGpuService, type WebGpu } from "../gpu/gpu-service.js";
import type { FromGpuProcess, ToGpuProcess } from "../gpu/protocol.js";

process.on("disconnect", () => process.exit(0));

const send = (m: FromGpuProcess) => process.send?.(m);

/** WebGPU from the webgpu package, or why it did not load (an optional dependency, maybe not installed). */
async function loadWebGpu(): Promise<WebGpu | string> {
  // a computed name: the package is optional, and its types are not the project's
  const name = "webgpu";
  try {
    const { create, globals } = await import(name);
    const gpu = create([]) as WebGpu;
    // tfjs's webgpu backend looks for navigator.gpu and uses WebGPU's constants (GPUBufferUsage, ...) as globals
    Object.assign(globalThis, globals);
    const g = globalThis as { navigator?: object };
    if (g.navigator) Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true });
    else g.navigator = { gpu };
    return gpu;
  } catch (e) {
    return `no adapter: the webgpu package did not load (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`;
  }
}

const gpu = await loadWebGpu();
if (typeof gpu === "string") send({ t: "none", reason: gpu });
else {
  const service = startGpuService(send, gpu);
  process.on("message", (m: ToGpuProcess) => {
    if (m.t === "destroy") return service.destroy();
    if (m.t === "measure") {
      service.measure(m.measure).then(
        (ms) => send({ t: "measured", slot: m.slot, ms }),
        () => send({ t: "measured", slot: m.slot }),
      );
      return;
    }
    service.compute(m.call).then(
      (values) => send({ t: "done", values }),
      () => send({ t: "failed" }),
    );
  });
}
