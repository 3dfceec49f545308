// Every NATS subject and bucket the cluster uses, in one place. Names of nodes and sessions are
// single subject tokens (letters, digits, '-' and '_'), so no name can reach another's subjects.

/** The JetStream KV bucket where live nodes announce themselves (key: the node's name). */
export const NODES_BUCKET = "noodle-nodes";

/** The JetStream KV bucket of persistent actors' checkpoints (key: `<session>.<actor id>`). */
export const ACTORS_BUCKET = "noodle-actors";

/** A node or session name that is one subject token. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const subjects = {
  /** Requests to the programs running on the cluster to upgrade (`noodle upgrade --cluster`; see upgrade-requests.ts). */
  upgrade: "noodle.upgrade",
  /** Requests to node `node` to open a session (start workers for a program). */
  open: (node: string) => `noodle.node.${node}.open`,
  /** Requests to node `node` for its metrics as Prometheus text (`noodle cluster metrics`). */
  metrics: (node: string) => `noodle.node.${node}.metrics`,
  /** A client ends session `session` on node `node`. */
  close: (node: string) => `noodle.node.${node}.close`,
  /** A client's heartbeat for its session: nodes drop a session not heard from for a while. */
  alive: (session: string) => `noodle.session.${session}.alive`,
  /** To worker `worker` (`<node>-<index>`) of a session, from the client. */
  toWorker: (session: string, worker: string) => `noodle.session.${session}.${worker}.in`,
  /** From worker `worker` of a session, to the client. */
  fromWorker: (session: string, worker: string) => `noodle.session.${session}.${worker}.out`,
  /** From the node of worker `worker` of a session, when the worker ended by itself. */
  workerEnded: (session: string, worker: string) => `noodle.session.${session}.${worker}.ended`,
} as const;
