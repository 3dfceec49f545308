// GPU offload in Node (docs/gpu.md, "Node"): the GPU worker of a VM's thread is a worker_thread
// relaying to a process that holds the webgpu package's device (gpu-relay.ts, gpu-process.ts),
// both started on the first work that could use a GPU. Without the package (an optional
// dependency) that is known at once and nothing starts. Importing this module is enough.
import { createRequire } from "node:module";
import { setGpuPlatform } from "../gpu/device.js";
import type { FromGpu } from "../gpu/protocol.js";

/** The relay's script, bundled like pool-worker.js (the same path from src/node/, dist/node/ and dist/bundle/). */
const SCRIPT = new URL("../../dist/bundle/gpu-relay.js", import.meta.url);
const nodeRequire = createRequire(import.meta.url);

setGpuPlatform({
  missing: () => {
    try {
      nodeRequire.resolve("webgpu");
      return undefined;
    } catch {
      return "no adapter: the webgpu package (WebGPU for Node) is not installed";
    }
  },
  start: () => {
    // the GPU process's id, set by the relay thread: a process stuck in its driver does not see
    // its channel close, so the program's process ends it on its way out
    const gpuProcess = new Int32Array(new SharedArrayBuffer(4));
    process.once("exit", () => {
      const pid = Atomics.load(gpuProcess, 0);
      if (pid > 0) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // it has ended already
        }
      }
    });
    // node:worker_threads is loaded here, by a program that uses the GPU, not at every start
    const { Worker } = nodeRequire("node:worker_threads") as typeof import("node:worker_threads");
    const worker = new Worker(SCRIPT, { workerData: { gpuProcess } });
    let onMessage: (m: FromGpu) => void = () => {};
    let onError: (message: string) => void = () => {};
    // said once: a thread that failed also exits, and one ended here is no failure
    let ended = false;
    const failed = (message: string) => {
      if (!ended) onError(message);
      ended = true;
    };
    worker.on("message", (m: FromGpu) => onMessage(m));
    worker.on("error", (e) => failed(e.message));
    worker.on("exit", (code) => failed(`the GPU relay thread exited (code ${code})`));
    // after the listeners, which would hold it again: the thread and its process never keep a
    // program that has ended alive (device.ts holds it while a run waits for the adapter)
    worker.unref();
    return {
      post: (m) => worker.postMessage(m),
      onMessage: (handler) => {
        onMessage = handler;
      },
      onError: (handler) => {
        onError = handler;
      },
      end: () => {
        ended = true;
        void worker.terminate();
      },
      hold: (held) => (held ? worker.ref() : worker.unref()),
    };
  },
});
