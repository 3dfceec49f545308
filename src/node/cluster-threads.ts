// A cluster node's worker threads in Node: worker_threads running dist/bundle/cluster-worker.js,
// which connects to the cluster as it starts, serves the program it is then assigned, and
// reports when it listens and what its worker did.

import { Worker } from "node:worker_threads";
import type { NodeThread, NodeThreadData, StartThread } from "../cluster/node.js";
import type { ThreadOrder, ThreadReport } from "../cluster/node-thread.js";
import type { WorkerStats } from "../concurrency/protocol.js";

/** The worker script, bundled like pool-worker.js (the same path from src/node/, dist/node/ and dist/bundle/). */
const SCRIPT = new URL("../../dist/bundle/cluster-worker.js", import.meta.url);

export const nodeThreads: StartThread = (data: NodeThreadData): NodeThread => {
  const worker = new Worker(SCRIPT, { workerData: data });
  let stats: WorkerStats | undefined;
  let refused = 0;
  let failure: string | undefined;
  let exited: string | undefined;
  let listening: { resolve(): void; reject(e: Error): void } | undefined;
  const thread: NodeThread = {
    assign: (assignment) =>
      new Promise<void>((resolve, reject) => {
        if (exited !== undefined) return reject(new Error(exited));
        listening = { resolve, reject };
        worker.postMessage({ t: "assign", ...assignment } satisfies ThreadOrder);
      }),
    onexit: undefined,
    stats: () => stats,
    refused: () => refused,
    terminate: () => void worker.terminate(),
  };
  worker.on("message", (m: ThreadReport) => {
    if (m.t === "listening") listening?.resolve();
    else if (m.t === "stats") [stats, refused] = [m.stats, m.refused];
    else failure = m.reason;
  });
  worker.on("error", (e) => (failure = e.message));
  worker.on("exit", (code) => {
    exited = failure ?? `the worker exited (code ${code})`;
    listening?.reject(new Error(exited));
    thread.onexit?.(exited);
  });
  return thread;
};
