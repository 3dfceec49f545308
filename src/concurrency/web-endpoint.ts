// Web Workers as pool workers: a module worker running pool-worker.js (beside this file, both in
// dist/ and in the browser bundle). A browser says nothing when a worker ends, so an error that
// escapes the worker counts as its end, and ending it here reports the end at once.
import type { EndpointFactory, WorkerEndpoint } from "./endpoint.js";

export function webWorkers(script: string | URL = new URL("./pool-worker.js", import.meta.url)): EndpointFactory {
  return () => {
    const worker = new Worker(script, { type: "module" });
    let ended = false;
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      worker.terminate();
      endpoint.onexit?.(reason);
    };
    const endpoint: WorkerEndpoint = {
      postMessage: (m, transfer = []) => worker.postMessage(m, transfer),
      onmessage: undefined,
      onexit: undefined,
      terminate: () => end("the worker was terminated"),
    };
    worker.onmessage = (e) => endpoint.onmessage?.(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      end(`the worker failed: ${e.message || "its script did not load"}`);
    };
    return endpoint;
  };
}
