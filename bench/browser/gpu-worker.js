// Module Web Worker for the `gpu` suite (bench/suites/gpu.js): a VM may wait for the GPU only on
// a thread that can block, which a page's main thread cannot. It answers the requests of
// bench/impls/gpu-session.js, each with its id:
//   in:  { id, ...request }
//   out: { id, ...reply } or { id, error }

import { gpuSessions } from "../impls/gpu-session.js";

const handle = gpuSessions(await import(new URL("/dist/browser/noodle.js", self.location.href).href));

self.onmessage = (e) => {
  handle(e.data).then(
    (reply) => self.postMessage({ id: e.data.id, ...reply }),
    (err) => self.postMessage({ id: e.data.id, error: String(err?.message ?? err) }),
  );
};
self.postMessage({ ready: true });
