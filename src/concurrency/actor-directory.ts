// Actors a program placed on the pool's workers. Each lives on one worker, chosen when it is
// spawned (the one hosting fewest actors), and stays there; messages to it go to that worker,
// those of one turn of the event loop gathered into one message per worker, so a sender's
// messages arrive in the order sent. When its worker dies, the messages it held fail with 7001
// and the actor starts again, with its initial state, on another worker.
import type { NbcModule } from "../bytecode/module.js";
import type { Supervision } from "../runtime/vm.js";
import { encodeValue, type StoredValue } from "../store/codec.js";
import type { WorkerSlot } from "./worker-slot.js";
import type { Task } from "./task.js";
import { NameTable, PackedValues, MESSAGE_FIELDS, type ModuleBytes, type ReplicaSource, type ToWorker } from "./protocol.js";

/** What the directory needs of its pool. */
export interface ActorPool {
  /** Workers that can take work now. */
  usableSlots(): WorkerSlot[];
  /** Those of `modules` the worker lacks, counted as sent. */
  shipTo(slot: WorkerSlot, modules: NbcModule[]): ModuleBytes[];
  newId(): number;
}

/** Where an actor comes from: its program, the program's globals when it was spawned, its constructor. */
export interface ActorOrigin {
  client: number;
  modules: NbcModule[];
  replica: ReplicaSource;
  proto: number;
  supervision: Required<Supervision>;
}

interface PlacedActor extends ActorOrigin {
  id: number;
  /** Its worker; undefined while no worker can take it. */
  slot: WorkerSlot | undefined;
  /** Messages waiting for it to have a worker. */
  backlog: Task[];
}

export class ActorDirectory {
  private readonly actors = new Map<number, PlacedActor>();
  private readonly outboxes = new Map<WorkerSlot, Task[]>();
  private flushing = false;

  constructor(private readonly pool: ActorPool) {}

  /** Places a new actor; returns its id. */
  spawn(origin: ActorOrigin): number {
    const actor: PlacedActor = { ...origin, id: this.pool.newId(), slot: undefined, backlog: [] };
    this.actors.set(actor.id, actor);
    this.place(actor);
    return actor.id;
  }

  /** Queues message `name(args)` to actor `id` as `task` (settled by the worker's answer or its loss). */
  send(id: number, name: string, args: unknown[], task: Task): void {
    const actor = this.actors.get(id);
    if (!actor) throw new RangeError(`no actor ${id} in this pool`);
    task.message = { actor: id, name, args: encodeValue(args as StoredValue[]) };
    if (!actor.slot) {
      actor.backlog.push(task);
      return;
    }
    this.queue(actor.slot, task);
  }

  /** Actors placed on each of these workers. */
  countOn(slot: WorkerSlot): number {
    let n = 0;
    for (const a of this.actors.values()) if (a.slot === slot) n++;
    return n;
  }

  /** A worker died (the pool failed what it held): its actors start again on the others. */
  lost(slot: WorkerSlot): void {
    this.outboxes.delete(slot);
    for (const a of this.actors.values()) {
      if (a.slot !== slot) continue;
      a.slot = undefined;
      this.place(a);
    }
  }

  /** A worker became ready: actors waiting for one are placed. */
  ready(): void {
    for (const a of this.actors.values()) if (!a.slot) this.place(a);
  }

  /** Every actor and message left without a worker (the pool closed, or no worker can start). */
  drop(): Task[] {
    const left = [...this.actors.values()].flatMap((a) => a.backlog);
    this.actors.clear();
    this.outboxes.clear();
    return left;
  }

  private place(actor: PlacedActor): void {
    let best: WorkerSlot | undefined, fewest = Infinity;
    for (const s of this.pool.usableSlots()) {
      const n = this.countOn(s);
      if (n < fewest) [best, fewest] = [s, n];
    }
    if (!best) return;
    actor.slot = best;
    const { client, proto, supervision, replica } = actor;
    best.endpoint.postMessage({ t: "actor", id: actor.id, client, proto, supervision, modules: this.pool.shipTo(best, actor.modules), ...replica } satisfies ToWorker);
    for (const t of actor.backlog.splice(0)) this.queue(best, t);
  }

  private queue(slot: WorkerSlot, task: Task): void {
    let box = this.outboxes.get(slot);
    if (!box) this.outboxes.set(slot, (box = []));
    box.push(task);
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => this.flush());
  }

  /** One message per worker with the messages queued for its actors. */
  private flush(): void {
    this.flushing = false;
    for (const [slot, tasks] of this.outboxes) {
      const names = new NameTable();
      const packed = new PackedValues();
      const head = new Float64Array(tasks.length * MESSAGE_FIELDS);
      if (slot.inflight.size === 0) slot.endpoint.hold?.(true);
      tasks.forEach((t, i) => {
        const { actor, name, args } = t.message!;
        const [offset, length] = packed.add(args);
        head.set([t.id, actor, names.of(name), offset, length], i * MESSAGE_FIELDS);
        t.attempts++;
        slot.inflight.set(t.id, t);
      });
      const data = packed.finish();
      slot.endpoint.postMessage({ t: "send", head, names: names.names, data } satisfies ToWorker, [head.buffer, data.buffer]);
    }
    this.outboxes.clear();
  }
}
