// `noodle cluster metrics [--nats URL]`: every live node's metrics, asked for over NATS
// (subjects.metrics), printed as one Prometheus text whose samples carry their node's name.
import { connectCluster } from "../cluster/connect.js";
import { listNodes } from "../cluster/membership.js";
import { subjects } from "../cluster/subjects.js";
import { gatherNodeMetrics } from "../metrics/gather.js";
import { clusterCommandFailed, commandClusterUrl } from "./cluster-status.js";

/** How long a node has to answer. */
const ANSWER_MS = 2000;

/** Prints the metrics of the cluster at `--nats` (or NOODLE_NATS); returns the exit code. */
export async function clusterMetrics(nats: string | undefined, out: (text: string) => void): Promise<number> {
  const url = commandClusterUrl(nats);
  try {
    const nc = await connectCluster(url, { name: "noodle cluster metrics" });
    const texts = new Map<string, string>();
    try {
      const nodes = await listNodes(nc);
      const answers = await Promise.all(
        nodes.map((n) =>
          nc.request(subjects.metrics(n.name), undefined, { timeout: ANSWER_MS }).then(
            (m) => m.string(),
            () => undefined,
          ),
        ),
      );
      nodes.forEach((n, i) => {
        const text = answers[i];
        if (text === undefined) process.stderr.write(`noodle: node ${n.name} did not answer within ${ANSWER_MS} ms; its metrics are left out\n`);
        else texts.set(n.name, text);
      });
    } finally {
      await nc.close();
    }
    out(gatherNodeMetrics(texts));
    return 0;
  } catch (e) {
    return clusterCommandFailed(e);
  }
}
