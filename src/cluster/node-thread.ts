// What a cluster node's worker thread does, on every platform: it connects to the cluster as it
// starts (ahead of need) and loads the core, then waits for the program it is assigned, listens
// on that session's subject and serves the program's pool there as a pool worker serves over its
// port. Frames with another token, and messages that do not decode, are dropped and counted. The
// platform gives the thread its connection and its channel to the node (src/node/cluster-worker.ts
// for worker_threads, web-node-worker.ts for Web Workers).
import type { NatsConnection } from "@nats-io/nats-core";
import type { ToWorker, WorkerStats } from "../concurrency/protocol.js";
import { serveWorker } from "../concurrency/worker-host.js";
import { setThreadClusterView } from "../runtime/cluster-host.js";
import { coreModule } from "../runtime/core.js";
import { Membership } from "./membership.js";
import type { NodeThreadData, ThreadAssignment } from "./node.js";
import { subjects } from "./subjects.js";
import { FrameAssembler, frameMessage } from "./wire-frames.js";
import { decodeMessage, encodeMessage } from "./wire-message.js";

/** What a node posts to its worker thread. */
export type ThreadOrder = { t: "assign" } & ThreadAssignment;

/** What a cluster worker thread posts to its node. */
export type ThreadReport = { t: "listening" } | { t: "stats"; stats: WorkerStats; refused: number } | { t: "failed"; reason: string };

/** How often the thread tells its node what its worker did (ms). */
const STATS_MS = 250;

/** The platform's side of a worker thread. */
export interface ThreadPlatform {
  /** Connects to the cluster at `url` under the connection name `name`. */
  connect(url: string, name: string): Promise<NatsConnection>;
  /** The node's order, once it comes. */
  order(): Promise<ThreadOrder>;
  report(m: ThreadReport): void;
  /** Ends the thread: 0 once its connection closed, 1 when it could not start. */
  exit(code: number): void;
}

/** Runs one worker thread of a node; failures are reported to the node and end the thread. */
export async function runNodeThread(data: NodeThreadData, platform: ThreadPlatform): Promise<void> {
  let membership: Membership | undefined;
  setThreadClusterView({ here: data.node, nodes: () => membership?.live() ?? [] });
  try {
    const nc = await platform.connect(data.url, `${data.node}/worker`);
    nc.closed().then(() => platform.exit(0));
    membership = await Membership.watch(nc);
    await coreModule();
    const order = await platform.order();
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
    platform.report({ t: "listening" });
    const timer = setInterval(() => platform.report({ t: "stats", stats: stats(), refused: refused + assembler.rejected }), STATS_MS);
    // in Node, the stats alone must not keep a thread alive
    (timer as { unref?: () => void }).unref?.();
  } catch (e) {
    platform.report({ t: "failed", reason: (e as Error).message });
    platform.exit(1);
  }
}
