// The script of a pool's Web Worker (module worker): serves the pool over the worker's port.
import { serveWorker } from "./worker-host.js";

const scope = globalThis as unknown as {
  postMessage(m: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (e: MessageEvent) => void): void;
};

serveWorker({
  postMessage: (m, transfer = []) => scope.postMessage(m, transfer),
  onMessage: (handler) => scope.addEventListener("message", (e) => handler(e.data)),
});
