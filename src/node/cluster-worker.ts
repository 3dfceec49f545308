// The script of a cluster node's worker thread in Node (worker_threads): what it does is
// runNodeThread's (src/cluster/node-thread.ts); it connects over TCP and talks to its node
// through its parent port.
import { parentPort, workerData } from "node:worker_threads";
import { connectCluster } from "../cluster/connect.js";
import type { NodeThreadData } from "../cluster/node.js";
import { runNodeThread, type ThreadOrder } from "../cluster/node-thread.js";
// std/fs in programs running here, under the node's permissions
import "./file-system.js";
import "./jit-thread.js";

await runNodeThread(workerData as NodeThreadData, {
  connect: (url, name) => connectCluster(url, { name }),
  order: () => new Promise<ThreadOrder>((resolve) => parentPort!.once("message", resolve)),
  report: (m) => parentPort!.postMessage(m),
  exit: (code) => process.exit(code),
});
