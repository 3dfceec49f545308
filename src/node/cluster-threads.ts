// A cluster node's worker threads in Node: worker_threads running dist/node/cluster-worker.js,
// which connects to the cluster itself and reports when it listens and what its worker did.

import { Worker } from "node:worker_threads";
import type { NodeThread, NodeThreadData, StartThread } from "../cluster/node.js";
import type { WorkerStats } from "../concurrency/protocol.js";

/** The worker script (the same path from src/node/ and dist/node/). */
const SCRIPT = new URL("../../dist/node/cluster-worker.js", import.meta.url);

/** What a cluster worker thread posts to its node. */
export type ThreadReport = { t: "listening" } | { t: "stats"; stats: WorkerStats; refused: number } | { t: "failed"; reason: string };

export const nodeThreads: StartThread = (data: NodeThreadData): NodeThread => {
  const worker = new Worker(SCRIPT, { workerData: data });
  let stats: WorkerStats | undefined;
  let refused = 0;
  let failure: string | undefined;
  let listened: () => void = () => {};
  let failed: (e: Error) => void = () => {};
  const listening = new Promise<void>((resolve, reject) => {
    listened = resolve;
    failed = reject;
  });
  const thread: NodeThread = {
    listening,
    onexit: undefined,
    stats: () => stats,
    refused: () => refused,
    terminate: () => void worker.terminate(),
  };
  worker.on("message", (m: ThreadReport) => {
    if (m.t === "listening") listened();
    else if (m.t === "stats") [stats, refused] = [m.stats, m.refused];
    else failure = m.reason;
  });
  worker.on("error", (e) => (failure = e.message));
  worker.on("exit", (code) => {
    const reason = failure ?? `the worker exited (code ${code})`;
    failed(new Error(reason));
    thread.onexit?.(reason);
  });
  return thread;
};
