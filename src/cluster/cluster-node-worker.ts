// The script of a browser node's Web Worker (module worker): what it does is runNodeThread's
// (node-thread.ts); it connects over WebSocket and talks to its node through its port. There is
// no file system here: std/fs fails as browsers make it fail.
import { runNodeThread, type ThreadOrder } from "./node-thread.js";
import type { WebThreadOrder, WebThreadReport } from "./web-threads.js";
import { connectClusterWs } from "./ws-connect.js";

const scope = globalThis as unknown as {
  postMessage(m: WebThreadReport): void;
  addEventListener(type: "message", listener: (e: MessageEvent<WebThreadOrder>) => void): void;
  close(): void;
};

let started = false;
let assigned: ((order: ThreadOrder) => void) | undefined;
const order = new Promise<ThreadOrder>((resolve) => (assigned = resolve));

scope.addEventListener("message", (e) => {
  const m = e.data;
  if (m.t === "assign") return assigned?.(m);
  if (started) return;
  started = true;
  void runNodeThread(m.data, {
    connect: (url, name) => connectClusterWs(url, { name }),
    order: () => order,
    report: (r) => scope.postMessage(r),
    exit: (code) => {
      scope.postMessage({ t: "exit", code });
      scope.close();
    },
  });
});
