// The script of a cluster node's worker thread. It starts ahead of need: it connects to the
// cluster and loads the core, then waits for the program it is assigned, listens on that
// session's subject and serves the program's pool there as a pool worker serves over its port.
// Frames with another token, and messages that do not decode, are dropped and counted.
import { parentPort, workerData } from "node:worker_threads";
import { connectCluster } from "../cluster/connect.js";
import { Membership } from "../cluster/membership.js";
import type { NodeThreadData } from "../cluster/node.js";
import { subjects } from "../cluster/subjects.js";
import { FrameAssembler, frameMessage } from "../cluster/wire-frames.js";
import { decodeMessage, encodeMessage } from "../cluster/wire-message.js";
import type { ToWorker } from "../concurrency/protocol.js";
import { serveWorker } from "../concurrency/worker-host.js";
import { setThreadClusterView } from "../runtime/cluster-host.js";
import { coreModule } from "../runtime/core.js";
import type { ThreadOrder, ThreadReport } from "./cluster-threads.js";
// std/fs in programs running here, under the node's permissions
import "./file-system.js";

/** How often the thread tells its node what its worker did (ms). */
const STATS_MS = 250;

const data = workerData as NodeThreadData;
const report = (m: ThreadReport) => parentPort!.postMessage(m);
let membership: Membership | undefined;
setThreadClusterView({ here: data.node, nodes: () => membership?.live() ?? [] });

try {
  const nc = await connectCluster(data.url, { name: `${data.node}/worker` });
  nc.closed().then(() => process.exit(0));
  membership = await Membership.watch(nc);
  await coreModule();
  const order = await new Promise<ThreadOrder>((resolve) => parentPort!.once("message", resolve));
  const assembler = new FrameAssembler(order.token);
  const to = subjects.fromWorker(order.session, order.worker);
  const maxPayload = nc.info?.max_payload ?? 1 << 20;
  let nextMessage = 0;
  let handler: ((m: ToWorker) => void) | undefined;
  const backlog: ToWorker[] = [];
  let refused = 0;
  nc.subscribe(subjects.toWorker(order.session, order.worker), {
    callback: (_, msg) => {
      const whole = assembler.push(msg.data);
      if (!whole) return;
      let message: ToWorker;
      try {
        message = decodeMessage(whole) as ToWorker;
      } catch {
        refused++;
        return;
      }
      if (handler) handler(message);
      else backlog.push(message);
    },
  });
  await nc.flush();
  const stats = serveWorker(
    {
      postMessage: (m) => {
        for (const f of frameMessage(encodeMessage(m), order.token, nextMessage++, maxPayload)) nc.publish(to, f);
      },
      onMessage: (h) => {
        handler = (m) => {
          try {
            h(m);
          } catch {
            // a message of the session that is not what the protocol says: nothing to run
            refused++;
          }
        };
        for (const m of backlog.splice(0)) handler(m);
      },
    },
    data.policy,
  );
  report({ t: "listening" });
  setInterval(() => report({ t: "stats", stats: stats(), refused: refused + assembler.rejected }), STATS_MS).unref();
} catch (e) {
  report({ t: "failed", reason: (e as Error).message });
  process.exit(1);
}
