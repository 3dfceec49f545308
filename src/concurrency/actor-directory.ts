// Actors a program placed on the pool's workers. Each lives on one worker, chosen when it is
// spawned (the one hosting fewest actors), and stays there. Placements, messages, answers and
// what handlers print travel on each worker's two lanes (lane.ts), which keep them in order: a
// sender's messages arrive in the order sent, and a handler's output before its answer. A task
// or actor on a worker that calls an actor (a reference copied with the globals or a message)
// sends the message to the pool, which passes it on and returns the answer. When its worker
// dies, the messages it held fail with 7001 and the actor starts again, with its initial state,
// on another worker.
import type { NbcModule } from "../bytecode/module.js";
import type { Supervision } from "../runtime/vm.js";
import { ValueEncoder, WIRE, type StoredValue } from "../store/codec.js";
import { HostError } from "../runtime/host-calls.js";
import { ERRORS } from "../errors/table.js";
import type { WorkerSlot } from "./worker-slot.js";
import type { Task } from "./task.js";
import { LaneReader, LaneWriter, laneBuffers } from "./lane.js";
import { ActorRecordWriter, encodeForWire, readActorRecord, type ActorRecord } from "./actor-records.js";
import { errorInfo, type ActorJob, type ErrorInfo, type FromWorker, type ModuleBytes, type ReplicaSource, type ToWorker } from "./protocol.js";

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

  constructor(private readonly pool: ActorPool) {}

  /** Opens the lanes of a worker that just started. */
  connect(slot: WorkerSlot): void {
    const buffers = laneBuffers();
    slot.endpoint.postMessage({ t: "lanes", ...buffers } satisfies ToWorker);
    const to = new LaneWriter(buffers.toWorker, (m, transfer) => slot.endpoint.postMessage(m, transfer));
    const from = new LaneReader(
      buffers.fromWorker,
      (bytes, view, at, length) => this.record(slot, readActorRecord(bytes, view, at, length)),
      (message) => this.pool.receive(slot, message as FromWorker),
    );
    this.lanes.set(slot, { to, records: new ActorRecordWriter(to), from });
  }

  private record(slot: WorkerSlot, r: ActorRecord): void {
    switch (r.kind) {
      case "value":
        return this.pool.settle(slot, r.id, undefined, () => r.value);
      case "error":
        return this.pool.settle(slot, r.id, r.error, () => undefined);
      case "output":
        return this.pool.output(r.client, r.fd, r.text);
      case "message":
        return this.passOn(slot, r);
    }
  }

  /** A worker's task or actor calls an actor: the message goes to that actor, the answer back. */
  private passOn(from: WorkerSlot, r: Extract<ActorRecord, { kind: "message" }>): void {
    const answer = () => this.lanes.get(from)?.records;
    new Promise((resolve, reject) => this.send(r.actor, r.name, r.args, { id: this.pool.newId(), idempotent: false, attempts: 0, resolve, reject })).then(
      (v) => answer()?.value(r.id, v as StoredValue, errorInfo),
      (e) => answer()?.error(r.id, errorInfo(e, true)),
    );
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
   * Sends message `name(args)` to actor `id` as `task` (settled by the worker's answer or its
   * loss). Throws error 8007 when the arguments cannot be sent.
   */
  send(id: number, name: string, args: unknown[], task: Task): void {
    const actor = this.actors.get(id);
    if (!actor) throw new HostError(ERRORS.ActorStopped.code, [], `actor ${id} is not in this pool (it was closed)`);
    const slot = actor.slot;
    if (!slot) {
      task.message = { actor: id, name, args: encodeForWire(this.wire, args as StoredValue[]).slice() };
      actor.backlog.push(task);
      return;
    }
    this.write(slot, task, id, name, encodeForWire(this.lanes.get(slot)!.records.encoder, args as StoredValue[]));
  }
  private readonly wire = new ValueEncoder(WIRE);

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
