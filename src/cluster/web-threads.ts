// A cluster node's worker threads in a browser: module Web Workers running cluster-node-worker.js
// (beside this file, in dist/ and in the browser bundle), each connecting to the cluster over
// WebSocket itself. A browser says nothing when a worker ends, so the worker says so before it
// closes, an error that escapes it counts as its end, and ending it here reports the end at once.
import type { WorkerStats } from "../concurrency/protocol.js";
import type { NodeThread, NodeThreadData, StartThread } from "./node.js";
import type { ThreadOrder, ThreadReport } from "./node-thread.js";

/** What a node posts to its Web Worker: first what it starts with, then its order. */
export type WebThreadOrder = { t: "start"; data: NodeThreadData } | ThreadOrder;

/** What the Web Worker posts to its node: its reports, and its end (it then closes itself). */
export type WebThreadReport = ThreadReport | { t: "exit"; code: number };

export function webNodeThreads(script: string | URL = new URL("./cluster-node-worker.js", import.meta.url)): StartThread {
  return (data: NodeThreadData): NodeThread => {
    const worker = new Worker(script, { type: "module" });
    let stats: WorkerStats | undefined;
    let refused = 0;
    let failure: string | undefined;
    let exited: string | undefined;
    let listening: { resolve(): void; reject(e: Error): void } | undefined;
    const end = (reason: string) => {
      if (exited !== undefined) return;
      exited = reason;
      worker.terminate();
      listening?.reject(new Error(reason));
      thread.onexit?.(reason);
    };
    const thread: NodeThread = {
      assign: (assignment) =>
        new Promise<void>((resolve, reject) => {
          if (exited !== undefined) return reject(new Error(exited));
          listening = { resolve, reject };
          worker.postMessage({ t: "assign", ...assignment } satisfies WebThreadOrder);
        }),
      onexit: undefined,
      stats: () => stats,
      refused: () => refused,
      terminate: () => end("the worker was terminated"),
    };
    worker.onmessage = (e: MessageEvent<WebThreadReport>) => {
      const m = e.data;
      if (m.t === "listening") listening?.resolve();
      else if (m.t === "stats") [stats, refused] = [m.stats, m.refused];
      else if (m.t === "failed") failure = m.reason;
      else end(failure ?? `the worker exited (code ${m.code})`);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      end(`the worker failed: ${e.message || "its script did not load"}`);
    };
    worker.postMessage({ t: "start", data } satisfies WebThreadOrder);
    return thread;
  };
}
