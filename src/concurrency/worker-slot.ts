// The pool's view of one worker: its endpoint, the tasks it holds, the modules it has been
// sent, and the batch being gathered for it.
import type { WorkerEndpoint } from "./endpoint.js";
import type { FromWorker } from "./protocol.js";
import type { Task } from "./task.js";

export class WorkerSlot {
  /** Tasks sent and not yet answered, by id (but for those in `batches`). */
  readonly inflight = new Map<number, Task>();
  /** Batches of calls sent and not yet answered, by the batch's id: their tasks, in the batch's order. */
  readonly batches = new Map<number, Task[]>();
  /** Tasks in `batches`. */
  batched = 0;
  /** Hashes of the modules this worker has been sent. */
  readonly shipped = new Set<string>();
  /** Messages that carried module bytes (a module goes to a worker once). */
  modulesSent = 0;
  ready = false;
  /** Found dead (exited, or silent on its synchronous channel). */
  lost = false;

  constructor(
    readonly endpoint: WorkerEndpoint,
    readonly index: number,
  ) {}

  /** Ready, alive, and taking new work. */
  get usable(): boolean {
    return this.ready && !this.lost && !this.endpoint.retiring;
  }

  /** Tasks the worker holds. */
  get load(): number {
    return this.inflight.size + this.batched;
  }

  /** Every task the worker holds, in the order they were submitted; the worker holds none after. */
  takeAll(): Task[] {
    const tasks = [...this.inflight.values()];
    for (const batch of this.batches.values()) for (const t of batch) tasks.push(t);
    this.inflight.clear();
    this.batches.clear();
    this.batched = 0;
    return tasks.sort((a, b) => a.id - b.id);
  }

  /** The reply to synchronous job `id`, waiting for it; undefined when the worker died. */
  awaitSync(id: number): FromWorker | undefined {
    for (;;) {
      const m = this.endpoint.receiveSync?.() as (FromWorker & { id?: number }) | undefined;
      if (m === undefined) {
        this.lost = true;
        return undefined;
      }
      if (m.id === id) return m;
    }
  }
}
