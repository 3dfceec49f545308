// The GPU worker in a browser: a module Web Worker serving the VM's thread (gpu-service.ts),
// bundled with tfjs as dist/browser/gpu-worker.js and started on the first work that could use it.

import { serveGpu, type WebGpu } from "./gpu-service.js";
import type { ToGpu } from "./protocol.js";

serveGpu(
  {
    post: (m) => (self as unknown as Worker).postMessage(m),
    listen: (handler) => {
      self.onmessage = (e: MessageEvent<ToGpu>) => handler(e.data);
    },
  },
  (navigator as { gpu?: WebGpu }).gpu,
);
