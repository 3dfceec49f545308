// The series of a cluster node (`noodle node --metrics PORT`, and `noodle cluster metrics`): its
// worker threads, sessions, what its workers did, workers lost and frames refused. Read from the
// node when the registry is rendered.
import type { NodeHealth } from "../cluster/node.js";
import type { MetricsRegistry } from "./registry.js";

/** Series of the node whose figures `health` gives, in `registry`; returns what stops reading them. */
export function observeNode(registry: MetricsRegistry, health: () => NodeHealth): () => void {
  const up = registry.gauge("noodle_node_up", "1 while the node serves the cluster");
  const threads = registry.gauge("noodle_node_workers", "Worker threads: serving a program, or started ahead of need", ["state"]);
  const sessions = registry.gauge("noodle_node_sessions", "Programs whose workers run here");
  const tasks = registry.counter("noodle_node_tasks_total", "Tasks the node's workers ran");
  const messages = registry.counter("noodle_node_messages_total", "Actor messages the node's workers handled");
  const lost = registry.counter("noodle_node_workers_lost_total", "Worker threads that ended by themselves");
  const refused = registry.counter("noodle_node_frames_refused_total", "Frames and messages refused (another session's token, malformed)");
  return registry.addCollector(() => {
    const h = health();
    up.set(1);
    threads.set(h.busy, ["busy"]);
    threads.set(h.spare, ["spare"]);
    sessions.set(h.sessions);
    tasks.setTotal(h.tasksRun);
    messages.setTotal(h.messages);
    lost.setTotal(h.workersLost);
    refused.setTotal(h.refused);
  });
}
