// The GPU worker in a browser: a module Web Worker serving the VM's thread (gpu-service.ts) over
// the shared buffer, bundled with tfjs as dist/browser/gpu-worker.js and started on the first
// work that could use it.

import { startGpuService, type WebGpu } from "./gpu-service.js";
import type { ToGpu } from "./protocol.js";
import { SharedAnswers } from "./shared-answers.js";

const service = startGpuService((m) => (self as unknown as Worker).postMessage(m), (navigator as { gpu?: WebGpu }).gpu);
const answers = new SharedAnswers();

self.onmessage = (e: MessageEvent<ToGpu>) => {
  const m = e.data;
  if (m.t === "destroy") return service.destroy();
  if (m.t === "measure") {
    answers.measuring(m);
    service.measure(m.measure).then(
      (ms) => answers.measured(m.slot, ms),
      () => answers.measured(m.slot, undefined),
    );
    return;
  }
  service.compute(answers.call(m)).then(
    (values) => answers.answer(m, values),
    () => answers.answer(m, undefined),
  );
};
