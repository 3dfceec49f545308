// The series of a run on a cluster (`noodle run --cluster URL`), beside its pool's: the live nodes
// it sees, the messages its workers sent and received over NATS, and what it refused. Read from
// the cluster when the registry is rendered.
import type { Cluster } from "../cluster/cluster.js";
import type { MetricsRegistry } from "./registry.js";

/** Series of `cluster` in `registry`; returns what stops reading them. */
export function observeCluster(registry: MetricsRegistry, cluster: Cluster): () => void {
  const nodes = registry.gauge("noodle_cluster_nodes", "Live nodes of the cluster, as this run sees them");
  const messages = registry.counter("noodle_cluster_messages_total", "Messages to and from the run's workers on the nodes", ["direction"]);
  const refused = registry.counter("noodle_cluster_refused_total", "Frames and messages refused (another session's token, malformed)");
  return registry.addCollector(() => {
    const h = cluster.health();
    nodes.set(h.nodes);
    messages.setTotal(cluster.traffic.sent, ["sent"]);
    messages.setTotal(cluster.traffic.received, ["received"]);
    refused.setTotal(h.refused);
  });
}
