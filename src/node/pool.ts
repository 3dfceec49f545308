// worker_threads as pool workers, and the pool's default in Node. Each worker gets a private
// channel with a shared counter for synchronous replies: a thread that must block (a VM
// running `pmap` or a large `A * B`) waits on the counter and reads the reply at once.

import { availableParallelism } from "node:os";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { EndpointFactory, WorkerEndpoint } from "../concurrency/endpoint.js";
import { setDefaultEndpoints } from "../concurrency/platform.js";

/**
 * The worker script: dist/bundle/pool-worker.js, bundled like the command (one file starts a thread
 * in about half the time of dist/'s many modules); the same path from src/node/, dist/node/ and dist/bundle/.
 */
const SCRIPT = new URL("../../dist/bundle/pool-worker.js", import.meta.url);

/** How long a blocked caller waits before it looks whether the worker is still alive. */
const LIVENESS_CHECK_MS = 50;

export function nodeWorkers(script: URL | string = SCRIPT): EndpointFactory {
  return () => {
    const channel = new MessageChannel();
    const replies = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(script, { workerData: { syncPort: channel.port2, replies }, transferList: [channel.port2] });
    let exited = false;
    let failure: string | undefined;
    const endpoint: WorkerEndpoint = {
      postMessage: (m, transfer) => worker.postMessage(m, transfer as never),
      onmessage: undefined,
      onexit: undefined,
      terminate: () => void worker.terminate(),
      hold: (busy) => (busy ? worker.ref() : worker.unref()),
      receiveSync: () => {
        for (;;) {
          const seen = Atomics.load(replies, 0);
          const got = receiveMessageOnPort(channel.port1);
          if (got) return got.message;
          // a stopped worker's resource limits are an empty object: the one synchronous sign of its end
          if (exited || Object.keys(worker.resourceLimits ?? {}).length === 0) return undefined;
          Atomics.wait(replies, 0, seen, LIVENESS_CHECK_MS);
        }
      },
    };
    worker.on("message", (m) => endpoint.onmessage?.(m));
    worker.on("error", (e) => (failure = e.message));
    worker.on("exit", (code) => {
      exited = true;
      channel.port1.close();
      endpoint.onexit?.(failure ? `the worker failed: ${failure}` : `the worker exited (code ${code})`);
    });
    return endpoint;
  };
}

setDefaultEndpoints(nodeWorkers(), availableParallelism);
