// The worker side of remote.js: imports the module it is given, makes the object (or takes the
// module's exports), and answers each [id, method, args] with [id, value] or [id, undefined, error].

import { parentPort as port, workerData } from "node:worker_threads";

/** Started as a worker, so the port is there. */
const parentPort = /** @type {import("node:worker_threads").MessagePort} */ (port);

const mod = await import(workerData.moduleUrl);
const target = workerData.className ? new mod[workerData.className]() : mod;

parentPort.on("message", ([id, method, args]) => {
  try {
    parentPort.postMessage([id, target[method](...args)]);
  } catch (e) {
    parentPort.postMessage([id, undefined, e instanceof Error ? e.message : String(e)]);
  }
});
