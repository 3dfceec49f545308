// The script of a pool's worker thread: serves the pool over the parent port, with synchronous
// replies on the private channel (see pool.ts).
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { serveWorker } from "../concurrency/worker-host.js";
// std/fs in programs running here, under the permissions their caller sends
import "./file-system.js";
import "./jit-thread.js";

const { syncPort, replies } = workerData as { syncPort: MessagePort; replies: Int32Array };
const port = parentPort!;

serveWorker({
  postMessage: (m, transfer) => port.postMessage(m, transfer as never),
  onMessage: (handler) => port.on("message", handler),
  replySync: (m, transfer) => {
    syncPort.postMessage(m, transfer as never);
    Atomics.add(replies, 0, 1);
    Atomics.notify(replies, 0);
  },
});
