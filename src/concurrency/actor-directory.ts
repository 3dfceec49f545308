// Actors a program placed on the pool's workers. Each lives on one worker, chosen when it is
// spawned (the one hosting fewest actors), and stays there. Placements, messages, replies and
// what handlers print travel on each worker's two lanes (lane.ts), which keep them in order: a
// sender's messages arrive in the order sent, and a handler's output before its reply. When its
// worker dies, the messages it held fail with 7001 and the actor starts again, with its initial
// state, on another worker.
import type { NbcModule } from "../bytecode/module.js";
import type { Supervision } from "../runtime/vm.js";
import { encodeValue, ValueEncoder, type StoredValue } from "../store/codec.js";
import type { WorkerSlot } from "./worker-slot.js";
import type { Task } from "./task.js";
import { LaneReader, LaneWriter, laneBuffers } from "./lane.js";
import { ActorRecordWriter, readActorReply } from "./actor-records.js";
import type { ActorJob, ErrorInfo, FromWorker, ModuleBytes, ReplicaSource, ToWorker } from "./protocol.js";

/** What the directory needs of its pool. */
export interface ActorPool {
  /** Workers that can take work now. */
  usableSlots(): WorkerSlot[];
  /** Those of `modules` the worker lacks, counted as sent. */
  shipTo(slot: WorkerSlot, modules: NbcModule[]): ModuleBytes[];
  newId(): number;
  /** Settles task `id` of `slot` with its error, or with what `read` gives. */
  settle(slot: WorkerSlot, id: number, error: ErrorInfo | undefined, read: () => unknown): void;
  /** A structured message from a worker that came on its lane. */
  receive(slot: WorkerSlot, message: FromWorker): void;
  /** Text a replica printed for attached VM `client`. */
  output(client: number, fd: number, text: string): void;
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

/** A worker's two lanes: to it (records written through `records`), and back. */
interface Lanes {
  to: LaneWriter;
  records: ActorRecordWriter;
  from: LaneReader;
}

export class ActorDirectory {
  private readonly actors = new Map<number, PlacedActor>();
  private readonly lanes = new Map<WorkerSlot, Lanes>();
  private readonly encoder = new ValueEncoder();

  constructor(private readonly pool: ActorPool) {}

  /** Opens the lanes of a worker that just started. */
  connect(slot: WorkerSlot): void {
    const buffers = laneBuffers();
    slot.endpoint.postMessage({ t: "lanes", ...buffers } satisfies ToWorker);
    const to = new LaneWriter(buffers.toWorker, (m, transfer) => slot.endpoint.postMessage(m, transfer));
    const from = new LaneReader(
      buffers.fromWorker,
      (bytes, view, at, length) => {
        const r = readActorReply(bytes, view, at, length);
        if (r.kind === "output") this.pool.output(r.client, r.fd, r.text);
        else this.pool.settle(slot, r.id, r.kind === "error" ? r.error : undefined, () => (r.kind === "value" ? r.value : undefined));
      },
      (message) => this.pool.receive(slot, message as FromWorker),
    );
    this.lanes.set(slot, { to, records: new ActorRecordWriter(to), from });
  }

  /** Takes a worker's lane messages (true), leaving the others to the pool (false). */
  receive(slot: WorkerSlot, message: { t: string }): boolean {
    return this.lanes.get(slot)?.from.receive(message) ?? false;
  }

  /** Places a new actor; returns its id. */
  spawn(origin: ActorOrigin): number {
    const actor: PlacedActor = { ...origin, id: this.pool.newId(), slot: undefined, backlog: [] };
    this.actors.set(actor.id, actor);
    this.place(actor);
    return actor.id;
  }

  /**
   * Sends message `name(args)` to actor `id` as `task` (settled by the worker's reply or its
   * loss). Throws (a TypeError) when the codec cannot carry the arguments.
   */
  send(id: number, name: string, args: unknown[], task: Task): void {
    const actor = this.actors.get(id);
    if (!actor) throw new RangeError(`no actor ${id} in this pool`);
    if (!actor.slot) {
      task.message = { actor: id, name, args: encodeValue(args as StoredValue[]) };
      actor.backlog.push(task);
      return;
    }
    this.write(actor.slot, task, id, name, this.encoder.encode(args as StoredValue[]));
  }

  /** Actors placed on this worker. */
  countOn(slot: WorkerSlot): number {
    let n = 0;
    for (const a of this.actors.values()) if (a.slot === slot) n++;
    return n;
  }

  /** A worker died (the pool failed what it held): its actors start again on the others. */
  lost(slot: WorkerSlot): void {
    this.lanes.delete(slot);
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

  /** Every actor, and the messages left without a worker (the pool closed, or no worker can start). */
  drop(): Task[] {
    const left = [...this.actors.values()].flatMap((a) => a.backlog);
    this.actors.clear();
    this.lanes.clear();
    return left;
  }

  private place(actor: PlacedActor): void {
    let best: WorkerSlot | undefined, fewest = Infinity;
    for (const s of this.pool.usableSlots()) {
      const n = this.countOn(s);
      if (n < fewest && this.lanes.has(s)) [best, fewest] = [s, n];
    }
    if (!best) return;
    actor.slot = best;
    const { client, proto, supervision, replica } = actor;
    const job: ActorJob = { t: "actor", id: actor.id, client, proto, supervision, modules: this.pool.shipTo(best, actor.modules), ...replica };
    this.lanes.get(best)!.to.message(job);
    for (const t of actor.backlog.splice(0)) this.write(best, t, actor.id, t.message!.name, t.message!.args);
  }

  private write(slot: WorkerSlot, task: Task, actor: number, name: string, args: Uint8Array): void {
    if (slot.inflight.size === 0) slot.endpoint.hold?.(true);
    task.attempts++;
    slot.inflight.set(task.id, task);
    this.lanes.get(slot)!.records.message(task.id, actor, name, args);
  }
}
