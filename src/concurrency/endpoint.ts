// The one thing a pool needs from a platform: a worker it can post to, hear from, and end.
// Node's worker_threads (src/node/pool.ts) and browsers' Web Workers (web-endpoint.ts) provide it.

export interface WorkerEndpoint {
  /** Sends a message; buffers in `transfer` move to the worker (ArrayBuffers) instead of copying. */
  postMessage(message: unknown, transfer?: Transferable[]): void;
  /** Called with each message the worker posts. */
  onmessage: ((message: unknown) => void) | undefined;
  /** Called once when the worker stops for any reason (exit, crash, terminate). */
  onexit: ((reason: string) => void) | undefined;
  terminate(): void;
  /**
   * The worker takes no new work (its machine is leaving): its tasks and actors finish where they
   * are, and new ones go elsewhere.
   */
  readonly retiring?: boolean;
  /** The machine the worker is on (a cluster node's name); undefined for this machine's threads. */
  readonly node?: string;
  /** Whether the worker has work: an idle one should not keep the process alive (Node's ref/unref). */
  hold?(busy: boolean): void;
  /**
   * Blocks the calling thread until the worker's next reply on its synchronous channel, or
   * returns undefined once the worker is found dead. Only where a thread may block and look at
   * another's replies synchronously (Node); a VM's in-program `pmap` and `A * B` use it.
   */
  receiveSync?(): unknown;
}

/** Starts one worker. */
export type EndpointFactory = () => WorkerEndpoint;
