// What programs run on the pool's workers besides pmap: their spawned tasks and their actors.
// On each worker a VM hosts a program's tasks and actors as fibers; the pool prepares it with
// the program's modules and the globals the work can reach, and sends that again only when they
// changed. A task goes to the least-loaded worker; an actor lives on one worker, chosen when it
// is spawned (the one hosting fewest actors), and stays there. All of it travels on each
// worker's two lanes (lane.ts), which keep it in order: a sender's messages arrive in the order
// sent, and a handler's output before its answer. A task or actor on a worker that calls an
// actor sends the message to the pool, which passes it on and returns the answer. When a
// worker dies, the tasks and messages it held fail with 7001 and its actors start again, with
// their initial state, on another worker.
import type { NbcModule } from "../bytecode/module.js";
import { type StoredValue, ValueEncoder, WIRE } from "../codec/value-codec.js";
import type { Install } from "../compiler/codegen.js";
import { ERRORS } from "../errors/table.js";
import { HostError } from "../runtime/host-calls.js";
import type { UpgradePeers } from "../runtime/upgrade.js";
import type { JsValue } from "../runtime/values.js";
import type { HostWork, Supervision, VM } from "../runtime/vm.js";
import type { ProgramStores } from "../store/db-host.js";
import { STORE_OPS } from "../store/store-ops.js";
import { type ActorCheckpoints, Checkpointing, RESTORE_HANDLER, STATE_HANDLER } from "./actor-checkpoints.js";
import { LaneReader, LaneWriter, laneBuffers } from "./lane.js";
import { encodeForWire, type LaneRecord, LaneRecordWriter, readLaneRecord } from "./lane-records.js";
import { moduleBytes } from "./module-bytes.js";
import { PROGRAM_CALLS } from "./program-calls.js";
import {
  type DeadlockBreak,
  type ErrorInfo,
  errorInfo,
  type FromWorker,
  type HostedJob,
  type HostedLimits,
  type HostedUpgrade,
  type ModuleBytes,
  type QuietProbe,
  type ReplicaSource,
  type ToWorker,
} from "./protocol.js";
import { Quiescence } from "./quiescence.js";
import type { Task } from "./task.js";
import type { WorkerSlot } from "./worker-slot.js";

/** What hosted work needs of its pool. */
export interface HostedWorkPool {
  /** Whether its workers can share memory with this thread (lanes then run over shared rings). */
  readonly sharedMemory: boolean;
  /** How many times a spawned task whose worker is lost runs again elsewhere. */
  readonly taskRetries: number;
  /** What a task spawned while every worker is busy does: run in the program's VM, or wait for a worker. */
  readonly busySpawns: "run-here" | "wait";
  /** Work in flight at which a worker counts as busy. */
  readonly busyAt: number;
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
  /** Where a new actor of attached VM `client`'s function `proto` comes from; undefined once that VM is gone. */
  actorOrigin(client: number, proto: number): ActorOrigin | undefined;
  /** The stores of attached VM `client`'s program, when it has std/db. */
  stores(client: number): ProgramStores | undefined;
  /** A worker whose callers the stores know as `callers` was lost (ProgramStores.workerLost). */
  storesLost(callers: string): void;
  /**
   * Where a message to an actor of `client`'s function `proto` comes from now, with the globals as
   * they are; undefined when its code names none (or that VM is gone).
   */
  globalsNow(client: number, proto: number): ActorOrigin | undefined;
  /** Attached VM `client`, while attached. */
  program(client: number): VM | undefined;
  /** Where persistent actors' checkpoints are kept, when the pool has any (a cluster's). */
  readonly checkpoints?: ActorCheckpoints;
}

/** Messages that ended, and those of them that failed. */
interface Outcomes {
  ended: number;
  failed: number;
}

/** The group of a worker in an upgrade: its cluster node ("" for this machine's threads). */
function groupOf(slot: WorkerSlot | undefined): string {
  return slot?.endpoint.node ?? "";
}

/** The actor constructors of version `next` replacing those of `current`, type by type: function to function. */
function constructorsReplaced(current: readonly Install[], next: readonly Install[]): Map<number, number> {
  const byType = new Map(next.flatMap((i) => (i.actor ? [[i.actor.name, i.fn] as const] : [])));
  const replaced = new Map<number, number>();
  for (const i of current) {
    const to = i.actor && byType.get(i.actor.name);
    if (to !== undefined) replaced.set(i.fn, to);
  }
  return replaced;
}

/**
 * Ids of actors that work on a worker spawns: each worker gets a block of its own when it starts
 * (above those the pool gives out itself), so it can name a new actor at once.
 */
const WORKER_IDS_FROM = 2 ** 31;
const WORKER_ID_BLOCK = 2 ** 16;

/** Where a task or an actor comes from: its program, the globals it can reach as they were at the spawn, its function. */
export interface Origin {
  client: number;
  modules: NbcModule[];
  replica: ReplicaSource;
  proto: number;
  /** The program VM's limits that hold on the workers too. */
  limits: HostedLimits;
}

export interface ActorOrigin extends Origin {
  supervision: Required<Supervision>;
}

interface PlacedActor {
  id: number;
  /** Shared by reference, not copied: placing many actors of one program costs no copy each. */
  origin: ActorOrigin;
  /** Its worker; undefined while no worker can take it. */
  slot: WorkerSlot | undefined;
  /** Messages waiting for it to have a worker (none: undefined, as for almost every actor). */
  backlog?: Task[];
  /** A persistent actor's checkpoints (see actor-checkpoints.ts). */
  saved?: Checkpointing;
}

/** A worker's two lanes: to it (records written through `records`), and back. */
interface Lanes {
  to: LaneWriter;
  records: LaneRecordWriter;
  from: LaneReader;
  /** For each program (client) hosted there, the hash of the globals it was last sent. */
  programs: Map<number, string>;
  /** How the program's stores name this worker's callers (unique to this worker, replacements included). */
  callers: string;
  /** Records and messages written to the worker (see quiescence.ts). */
  sent: number;
}

/**
 * Work in flight at which a worker counts as busy (the pool's `busyAt`, by default): a spawn then
 * runs in the program's own VM, which is one more worker. A burst of tiny tasks thus mostly stays
 * where a task costs under a microsecond, rather than paying about 30 µs each to cross threads.
 */
export const BUSY = 8;

export class HostedWork {
  private readonly actors = new Map<number, PlacedActor>();
  /** How many actors each worker hosts (placing one must not count them all). */
  private readonly hosting = new Map<WorkerSlot, number>();
  private readonly lanes = new Map<WorkerSlot, Lanes>();
  private idBlocks = 0;
  /** For each program, its tasks and messages on the workers it has not had the answer of. */
  private readonly own = new Map<number, number>();
  private readonly quiescence: Quiescence;

  constructor(private readonly pool: HostedWorkPool) {
    this.quiescence = new Quiescence({
      program: (client) => pool.program(client),
      ownWork: (client) => this.own.get(client) ?? 0,
      backlogged: (client) => {
        for (const a of this.actors.values()) if (a.origin.client === client && a.backlog?.length) return true;
        for (let i = this.respawningFrom; i < this.respawning.length; i++) if (this.respawning[i].spawned!.origin.client === client) return true;
        return false;
      },
      probe: (client) => this.probe(client),
      breakOn: (slot, client, elsewhere) => this.toWorker(slot, { t: "break", client, elsewhere } satisfies DeadlockBreak),
    });
  }

  /** Resolves once all of program `client`'s work on the workers, and all it started, has ended. */
  quiet(client: number): Promise<void> & { cancel(): void } {
    return this.quiescence.quiet(client);
  }

  /** Program `client`'s VM waits with nothing but its work on the workers to wake it. */
  stalled(client: number): void {
    this.quiescence.stalled(client);
  }

  /** Probes every worker with lanes about program `client` (see quiescence.ts). */
  private probe(client: number): { slot: WorkerSlot; answer: Promise<unknown>; sent: () => number }[] {
    // a worker still starting (a lost one's replacement, say) holds no work yet: it is not asked,
    // so a run does not wait for a start that may take long, or never come
    return [...this.lanes]
      .filter(([slot]) => slot.ready)
      .map(([slot, lanes]) => {
        const answer = new Promise((resolve, reject) => {
          const id = this.pool.newId();
          // not work in flight: a probe neither loads its worker nor keeps the process alive
          this.probes.set(id, { slot, resolve, reject });
          this.toWorker(slot, { t: "probe", id, client } satisfies QuietProbe);
        });
        return { slot, answer, sent: () => lanes.sent };
      });
  }
  /** Probes not answered yet, by id. */
  private readonly probes = new Map<number, { slot: WorkerSlot; resolve(v: unknown): void; reject(e: Error): void }>();

  /** Fails the probes a worker (or every worker: undefined) will not answer. */
  private unanswered(slot: WorkerSlot | undefined): void {
    for (const [id, p] of this.probes) {
      if (slot && p.slot !== slot) continue;
      this.probes.delete(id);
      p.reject(new HostError(ERRORS.WorkerLost.code, []));
    }
  }

  /** A structured message to a worker, in order with its lane's records. */
  private toWorker(slot: WorkerSlot, message: unknown): void {
    const lanes = this.lanes.get(slot);
    if (!lanes) return;
    lanes.sent++;
    lanes.to.message(message);
  }

  /** Opens the lanes of a worker that just started. */
  connect(slot: WorkerSlot): void {
    const buffers = this.pool.sharedMemory ? laneBuffers() : {};
    const first = WORKER_IDS_FROM + this.idBlocks++ * WORKER_ID_BLOCK;
    const actorIds = { first, count: first + WORKER_ID_BLOCK <= 2 ** 32 ? WORKER_ID_BLOCK : 0 };
    slot.endpoint.postMessage({ t: "lanes", actorIds, ...buffers } satisfies ToWorker);
    const to = new LaneWriter(buffers.toWorker, (m, transfer) => slot.endpoint.postMessage(m, transfer));
    const from = new LaneReader(
      buffers.fromWorker,
      (bytes, view, at, length) => {
        let r: LaneRecord;
        try {
          r = readLaneRecord(bytes, view, at, length);
        } catch {
          return this.broken(slot);
        }
        this.record(slot, r);
      },
      (message) => this.pool.receive(slot, message as FromWorker),
    );
    this.lanes.set(slot, { to, records: new LaneRecordWriter(to), from, programs: new Map(), callers: `worker ${this.idBlocks}`, sent: 0 });
  }

  private record(slot: WorkerSlot, r: LaneRecord): void {
    switch (r.kind) {
      case "value": {
        const probe = this.probes.get(r.id);
        if (!probe) return this.pool.settle(slot, r.id, undefined, () => r.value);
        this.probes.delete(r.id);
        return probe.resolve(r.value);
      }
      case "error":
        return this.pool.settle(slot, r.id, r.error, () => undefined);
      case "output":
        return this.pool.output(r.client, r.fd, r.text);
      case "message":
        return this.passOn(slot, r);
      case "store":
        return this.storeCall(slot, r);
      case "host":
        return this.programCall(slot, r);
      case "spawn": {
        const origin = this.pool.actorOrigin(r.client, r.proto);
        if (origin) this.add({ origin: this.shared(origin), id: r.id, slot: undefined });
        return;
      }
      case "task":
      case "cancel":
      case "actor":
        return this.broken(slot); // these go to workers, not from them
    }
  }

  /** A worker that sends what no worker should is ended (and replaced, as a crash would be). */
  private broken(slot: WorkerSlot): void {
    slot.endpoint.terminate();
  }

  /** A worker's task or actor calls an actor: the message goes to that actor, the answer back. */
  private passOn(from: WorkerSlot, r: Extract<LaneRecord, { kind: "message" }>): void {
    new Promise((resolve, reject) => this.send(r.actor, r.name, r.args, { id: this.pool.newId(), idempotent: false, attempts: 0, resolve, reject })).then(
      (v) => this.answerTo(from)?.value(r.id, v as StoredValue, errorInfo),
      (e) => this.answerTo(from)?.error(r.id, errorInfo(e, true)),
    );
  }

  /** The records of a worker's lane, for an answer, counted as sent (quiescence.ts); undefined once the worker is gone. */
  private answerTo(slot: WorkerSlot): LaneRecordWriter | undefined {
    const lanes = this.lanes.get(slot);
    if (lanes) lanes.sent++;
    return lanes?.records;
  }

  /**
   * A worker's task or actor calls std/db: the call runs on the program's store, here, and the
   * answer goes back (at once when the store answers at once).
   */
  private storeCall(from: WorkerSlot, r: Extract<LaneRecord, { kind: "store" }>): void {
    const lanes = this.lanes.get(from);
    if (!lanes) return;
    const answer = (v: unknown) => this.answerTo(from)?.value(r.id, (v ?? null) as StoredValue, errorInfo);
    const fail = (e: unknown) => this.answerTo(from)?.error(r.id, errorInfo(e));
    let result: unknown;
    try {
      const stores = this.pool.stores(r.client);
      // as in the program's VM when it has no storage installed
      if (!stores) throw HostError.of("UnsupportedFeature", `'__db_${STORE_OPS[r.op]}' on this platform`);
      result = stores.call(`${lanes.callers}/${r.fiber}`, STORE_OPS[r.op], r.args as JsValue[], false);
    } catch (e) {
      return void fail(e);
    }
    if (result instanceof Promise) result.then(answer, fail);
    else answer(result);
  }

  /** A worker's task or actor calls std/fs or `sys.env`: the call runs in the program's VM, here, and the answer goes back. */
  private programCall(from: WorkerSlot, r: Extract<LaneRecord, { kind: "host" }>): void {
    const answer = (v: unknown) => this.answerTo(from)?.value(r.id, (v ?? null) as StoredValue, errorInfo);
    const fail = (e: unknown) => this.answerTo(from)?.error(r.id, errorInfo(e));
    let result: unknown;
    try {
      const vm = this.pool.program(r.client);
      if (!vm) throw new HostError(ERRORS.WorkerLost.code, [], "the program this work belongs to has ended");
      result = vm.callHost(PROGRAM_CALLS[r.op], r.args as JsValue[]);
    } catch (e) {
      return void fail(e);
    }
    if (result instanceof Promise) result.then(answer, fail);
    else answer(result);
  }

  /** Takes a worker's lane messages (true), leaving the others to the pool (false). */
  receive(slot: WorkerSlot, message: { t: string }): boolean {
    return this.lanes.get(slot)?.from.receive(message) ?? false;
  }

  /**
   * Runs `spawn f(args)` on the least-loaded worker: the promise of its result, or undefined when
   * no worker can take it now (every one is busy, or none is up) and the task runs in the VM.
   * Throws error 8007 when the arguments cannot be sent.
   */
  spawnTask(origin: Origin, args: JsValue[]): HostWork | undefined {
    const slot = this.leastLoaded();
    if (!slot) return this.pool.busySpawns === "wait" ? this.spawnLater(origin, args) : undefined;
    const lanes = this.lanes.get(slot)!;
    this.prepare(slot, lanes, origin);
    const bytes = encodeForWire(lanes.records.encoder, args as StoredValue[]);
    const work = this.work(origin.client);
    if (this.pool.taskRetries > 0) work.spawned = { origin, args: bytes.slice() };
    this.track(slot, work);
    lanes.sent++;
    lanes.records.task(work.id, origin.client, origin.proto, bytes);
    return this.started(work);
  }

  /** Spawned tasks waiting for a worker: lost with theirs (see respawn), or spawned while all were busy (spawnLater). */
  private readonly respawning: Task[] = [];
  /** Those before it were sent (a queue: taking one must not move the rest). */
  private respawningFrom = 0;

  /** A task spawned while every worker is busy, sent to the first that has room (`busySpawns: "wait"`). */
  private spawnLater(origin: Origin, args: JsValue[]): HostWork | undefined {
    const lanes = this.lanes.values().next().value;
    if (!lanes) return undefined;
    const bytes = encodeForWire(lanes.records.encoder, args as StoredValue[]).slice();
    const work = this.work(origin.client);
    work.spawned = { origin, args: bytes };
    this.respawning.push(work);
    return this.started(work);
  }

  /** A worker answered: tasks waiting for one go to it while it has room. */
  freed(slot: WorkerSlot): void {
    if (this.respawningFrom === this.respawning.length || !this.lanes.has(slot)) return;
    while (this.respawningFrom < this.respawning.length && slot.load < this.pool.busyAt) this.sendTo(slot, this.respawning[this.respawningFrom++]);
    if (this.respawningFrom === this.respawning.length) this.respawning.length = this.respawningFrom = 0;
  }

  /** Runs again a spawned task whose worker was lost (the pool's `taskRetries`), before those waiting. */
  respawn(task: Task): void {
    // first in line: lost once already
    if (this.respawningFrom > 0) this.respawning[--this.respawningFrom] = task;
    else this.respawning.unshift(task);
    this.sendWaiting();
  }

  private sendWaiting(): void {
    for (const s of this.pool.usableSlots()) this.freed(s);
  }

  private sendTo(slot: WorkerSlot, task: Task): void {
    const { origin, args } = task.spawned!;
    const lanes = this.lanes.get(slot)!;
    this.prepare(slot, lanes, origin);
    this.track(slot, task);
    lanes.sent++;
    lanes.records.task(task.id, origin.client, origin.proto, args);
  }

  /** Whether every worker is busy (or none is up): a task spawned now runs in the program's VM. */
  busy(): boolean {
    return this.leastLoaded() === undefined;
  }

  /** The worker with the least work in flight, unless even that one is busy. */
  private leastLoaded(): WorkerSlot | undefined {
    let slot: WorkerSlot | undefined;
    for (const s of this.pool.usableSlots()) if (this.lanes.has(s) && (!slot || s.load < slot.load)) slot = s;
    return slot && slot.load < this.pool.busyAt ? slot : undefined;
  }

  /** A message of program `client`'s VM to actor `id` (see send): work settled by its answer, which can be cancelled. */
  call(client: number, id: number, name: string, args: unknown[]): HostWork {
    const work = this.work(client);
    const counted = this.outcomes.get(client);
    if (counted) {
      const group = groupOf(this.actors.get(id)?.slot);
      let inGroup = counted.groups.get(group);
      if (!inGroup) counted.groups.set(group, (inGroup = { ended: 0, failed: 0 }));
      work.counted = [counted, inGroup];
    }
    try {
      this.send(id, name, args, work);
    } catch (e) {
      return work.unsent(e as Error);
    }
    return this.started(work);
  }

  /** A task or message of program `client`'s VM about to be sent. */
  private work(client: number): ProgramWork {
    return new ProgramWork(this.pool.newId(), client, this.own, this);
  }

  /** `work` was sent: counted until answered (the program's VM waiting only for these may be deadlocked). */
  private started(work: ProgramWork): HostWork {
    this.own.set(work.client, (this.own.get(work.client) ?? 0) + 1);
    return work;
  }

  /** Cancels a task or message not answered yet: dropped if it waits for a worker, else its worker is told. */
  cancel(task: Task): void {
    const waiting = this.respawning.indexOf(task, this.respawningFrom);
    if (waiting >= 0) {
      this.respawning.splice(waiting, 1);
      return task.reject(new HostError(ERRORS.Cancelled.code, []));
    }
    for (const a of this.actors.values()) {
      const i = a.backlog?.indexOf(task) ?? -1;
      if (i < 0) continue;
      a.backlog!.splice(i, 1);
      return task.reject(new HostError(ERRORS.Cancelled.code, []));
    }
    for (const [slot, lanes] of this.lanes) {
      if (slot.inflight.get(task.id) !== task) continue;
      lanes.sent++;
      lanes.records.cancel(task.id);
    }
  }

  /** Brings the worker's VM hosting the program up to the globals `origin` needs, when they changed. */
  private prepare(slot: WorkerSlot, lanes: Lanes, { client, modules, replica, limits }: Origin): void {
    if (lanes.programs.get(client) === replica.globalsHash) return;
    lanes.programs.set(client, replica.globalsHash);
    const job: HostedJob = { t: "hosted", client, modules: this.pool.shipTo(slot, modules), limits, ...replica };
    this.toWorker(slot, job);
  }

  /**
   * The workers hosting program `client` (whose modules `modules` gives), as the peers of its
   * upgrades: each checks the new version on the actors living there; the answers come on the
   * lanes like the probes'. A worker that hosts nothing of the program yet is not asked: the VM it
   * makes later loads every module of the program, the new version's with them. Once an upgrade
   * switched, the program's messages to its actors are counted by outcome for its health window.
   */
  upgradePeers(client: number, modules: () => NbcModule[]): UpgradePeers {
    // the workers that checked the version, and hold it until told
    let holding: WorkerSlot[] = [];
    const tell = (step: "commit" | "abort" | "rollback", slots: Iterable<WorkerSlot>) => {
      for (const slot of slots) this.toWorker(slot, { t: "upgrade", step, client } satisfies HostedUpgrade);
    };
    const hosting = () => [...this.lanes].filter(([slot, lanes]) => slot.ready && lanes.programs.has(client)).map(([slot]) => slot);
    // the constructors an upgrade replaces: actors restarted elsewhere start on the new one
    let replaced = new Map<number, number>();
    const undo: Map<number, number>[] = [];
    /** Whether the version checked last has switched anywhere yet. */
    let switched = false;
    return {
      check: async (next, current, retire) => {
        replaced = constructorsReplaced(current, next.installs);
        switched = false;
        const all = modules();
        const hashes = all.map((m) => moduleBytes(m).hash);
        holding = hosting();
        const answers = holding.map(
          (slot) =>
            new Promise((resolve, reject) => {
              const id = this.pool.newId();
              this.probes.set(id, { slot, resolve, reject });
              const installs = [...next.installs];
              const modules = this.pool.shipTo(slot, all);
              this.toWorker(slot, {
                t: "upgrade",
                step: "check",
                id,
                client,
                modules,
                hashes,
                installs,
                current: [...current],
                retire: [...retire],
              } satisfies HostedUpgrade);
            }),
        );
        const reasons = await Promise.all(answers);
        const refused = reasons.findIndex((r) => typeof r === "string" && r !== "");
        if (refused < 0) return undefined;
        const node = holding[refused].endpoint.node;
        return `on ${node === undefined ? "a worker" : `node ${node}`}: ${reasons[refused]}`;
      },
      groups: () => [...new Set(holding.map(groupOf))].sort(),
      settle: (commit, group) => {
        const told = group === undefined ? holding : holding.filter((slot) => groupOf(slot) === group);
        tell(commit ? "commit" : "abort", told);
        holding = holding.filter((slot) => !told.includes(slot));
        if (!commit || switched) return;
        switched = true;
        if (!this.outcomes.has(client)) this.outcomes.set(client, { ended: 0, failed: 0, groups: new Map() });
        this.restartWith(client, replaced);
        undo.push(new Map([...replaced].map(([from, to]) => [to, from])));
      },
      rollback: () => {
        // those still holding the version forget it; the others go back
        tell("rollback", hosting());
        holding = [];
        this.restartWith(client, undo.pop() ?? new Map());
      },
      counters: (group) => {
        const counts = this.outcomes.get(client);
        return (group === undefined ? counts : counts?.groups.get(group)) ?? { ended: 0, failed: 0 };
      },
    };
  }
  /** Program `client`'s actors spawned by constructor `from` start again (on a lost worker) by its replacement `to`. */
  private restartWith(client: number, replaced: Map<number, number>): void {
    if (replaced.size === 0) return;
    const origins = new Map<ActorOrigin, ActorOrigin>();
    for (const a of this.actors.values()) {
      const to = a.origin.client === client ? replaced.get(a.origin.proto) : undefined;
      if (to === undefined) continue;
      // made again, with the program's modules and globals as they are now
      let origin = origins.get(a.origin);
      if (!origin) origins.set(a.origin, (origin = { ...(this.pool.actorOrigin(client, to) ?? a.origin), supervision: a.origin.supervision }));
      a.origin = origin;
    }
    this.lastOrigin = undefined;
  }

  /** Messages of the programs that upgraded to their actors on the workers, by outcome, in all and by group (see upgradePeers). */
  private readonly outcomes = new Map<number, Outcomes & { groups: Map<string, Outcomes> }>();

  /** Places a new actor; returns its id. */
  spawn(origin: ActorOrigin): number {
    const actor: PlacedActor = { origin: this.shared(origin), id: this.pool.newId(), slot: undefined };
    const store = this.pool.checkpoints;
    if (store?.actors.has(this.pool.program(origin.client)?.functionName(origin.proto) ?? "")) actor.saved = new Checkpointing(store, String(actor.id));
    return this.add(actor);
  }

  /** The origin of the last actor spawned when `origin` is alike (the usual burst), else `origin`, remembered as the last. */
  private shared(origin: ActorOrigin): ActorOrigin {
    const last = this.lastOrigin;
    if (last && sameOrigin(last, origin)) return last;
    this.lastOrigin = origin;
    return origin;
  }
  /** The origin of the last actor spawned: the next, when alike (the usual burst), shares it. */
  private lastOrigin: ActorOrigin | undefined;

  private add(actor: PlacedActor): number {
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
      (actor.backlog ??= []).push(task);
      if (actor.saved) {
        const after = this.checkpoint(actor.saved);
        after.message = { actor: id, name: STATE_HANDLER, args: encodeForWire(this.wire, []).slice() };
        actor.backlog.push(after);
      }
      return;
    }
    const lanes = this.lanes.get(slot)!;
    this.refresh(slot, lanes, actor);
    this.write(slot, task, id, name, encodeForWire(lanes.records.encoder, args as StoredValue[]));
    if (actor.saved) this.write(slot, this.checkpoint(actor.saved), id, STATE_HANDLER, encodeForWire(lanes.records.encoder, []));
  }

  /** The `__state` message after a persistent actor's message: its answer is saved; a failure saves nothing. */
  private checkpoint(saved: Checkpointing): Task {
    return { id: this.pool.newId(), idempotent: false, attempts: 0, resolve: (state) => saved.save(state), reject: () => undefined };
  }

  /** The handler sees the program's globals as they are when the message is sent, as in one VM. */
  private refresh(slot: WorkerSlot, lanes: Lanes, actor: PlacedActor): void {
    const now = this.pool.globalsNow(actor.origin.client, actor.origin.proto);
    if (now) this.prepare(slot, lanes, now);
  }
  private readonly wire = new ValueEncoder(WIRE);

  /** Actors placed on this worker. */
  countOn(slot: WorkerSlot): number {
    return this.hosting.get(slot) ?? 0;
  }

  /** A worker died (the pool failed what it held): its actors start again on the others. */
  lost(slot: WorkerSlot): void {
    const lanes = this.lanes.get(slot);
    lanes?.to.close();
    this.lanes.delete(slot);
    this.hosting.delete(slot);
    this.unanswered(slot);
    // transactions its tasks and actors had open on the programs' stores roll back
    if (lanes !== undefined) this.pool.storesLost(lanes.callers);
    for (const a of this.actors.values()) {
      if (a.slot !== slot) continue;
      a.slot = undefined;
      if (a.saved) this.restore(a, a.saved);
      else this.place(a);
    }
  }

  /** Places a persistent actor again once its last checkpoint is read; its messages wait meanwhile. */
  private restore(actor: PlacedActor, saved: Checkpointing): void {
    saved.restoring = true;
    void saved.load().then(() => {
      saved.restoring = false;
      if (this.actors.get(actor.id) === actor && !actor.slot) this.place(actor);
    });
  }

  /** A worker became ready: actors waiting for one are placed. */
  ready(): void {
    for (const a of this.actors.values()) if (!a.slot && !a.saved?.restoring) this.place(a);
    this.sendWaiting();
  }

  /** Every actor, and the messages left without a worker (the pool closed, or no worker can start). */
  drop(): Task[] {
    const left = [...this.actors.values()].flatMap((a) => a.backlog ?? []).concat(this.respawning.splice(0).slice(this.respawningFrom));
    this.respawningFrom = 0;
    this.actors.clear();
    this.lastOrigin = undefined;
    this.hosting.clear();
    for (const lanes of this.lanes.values()) lanes.to.close();
    this.lanes.clear();
    this.unanswered(undefined);
    return left;
  }

  private place(actor: PlacedActor): void {
    // the worker hosting fewest actors, and of those the one with least work in flight
    let best: WorkerSlot | undefined,
      fewest = Infinity;
    for (const s of this.pool.usableSlots()) {
      const n = this.countOn(s) * 1e9 + s.load;
      if (n < fewest && this.lanes.has(s)) {
        best = s;
        fewest = n;
      }
    }
    if (!best) return;
    actor.slot = best;
    this.hosting.set(best, this.countOn(best) + 1);
    const lanes = this.lanes.get(best)!;
    const { origin } = actor;
    this.prepare(best, lanes, origin);
    const backlog = actor.backlog;
    actor.backlog = undefined;
    if (backlog) this.refresh(best, lanes, actor);
    lanes.sent++;
    lanes.records.actor(actor.id, origin.client, origin.proto, origin.supervision);
    const restored = actor.saved?.state;
    if (restored !== undefined) {
      actor.saved!.state = undefined;
      const restoring: Task = { id: this.pool.newId(), idempotent: false, attempts: 0, resolve: () => undefined, reject: () => undefined };
      this.write(best, restoring, actor.id, RESTORE_HANDLER, encodeForWire(lanes.records.encoder, [restored]));
    }
    if (backlog) for (const t of backlog) this.write(best, t, actor.id, t.message!.name, t.message!.args);
  }

  private write(slot: WorkerSlot, task: Task, actor: number, name: string, args: Uint8Array): void {
    this.track(slot, task);
    const lanes = this.lanes.get(slot)!;
    lanes.sent++;
    lanes.records.message(task.id, actor, name, args);
  }

  /** The worker holds the task now: its loss fails it. */
  private track(slot: WorkerSlot, task: Task): void {
    if (slot.load === 0) slot.endpoint.hold?.(true);
    task.attempts++;
    slot.inflight.set(task.id, task);
  }
}

/**
 * A task or message of a program's VM on a worker, settled by its answer or its worker's loss:
 * until then it counts in `own` as the program's work in flight (see quiescence.ts). It settles
 * the program's future itself (HostWork), with no Promise per message.
 */
class ProgramWork implements Task, HostWork {
  readonly idempotent = false;
  attempts = 0;
  message?: Task["message"];
  spawned?: Task["spawned"];
  /** Who takes the outcome, once the VM has asked for it. */
  private settled: ((outcome: unknown, failed: boolean) => void) | undefined;
  /** The outcome, when it came before the VM asked (it could not be sent). */
  private early: { outcome: unknown; failed: boolean } | undefined;

  constructor(
    readonly id: number,
    readonly client: number,
    private readonly own: Map<number, number>,
    private readonly hosted: Pick<HostedWork, "cancel">,
  ) {}

  whenSettled(settled: (outcome: unknown, failed: boolean) => void): void {
    if (this.early) settled(this.early.outcome, this.early.failed);
    else this.settled = settled;
  }

  /** A timeout gave up on it. */
  cancel(): void {
    this.hosted.cancel(this);
  }

  /** Where a message's outcome is counted (its program upgraded: see HostedWork.upgradePeers). */
  counted?: Outcomes[];

  resolve(value: unknown): void {
    this.answered();
    if (this.counted) for (const c of this.counted) c.ended++;
    this.deliver(value, false);
  }

  reject(error: Error): void {
    this.answered();
    if (this.counted)
      for (const c of this.counted) {
        c.ended++;
        c.failed++;
      }
    this.deliver(error, true);
  }

  /** It could not be sent (its arguments cannot cross, 8007): it fails, and it never counted. */
  unsent(error: Error): HostWork {
    this.deliver(error, true);
    return this;
  }

  private deliver(outcome: unknown, failed: boolean): void {
    const settled = this.settled;
    this.settled = undefined;
    if (settled) settled(outcome, failed);
    else this.early = { outcome, failed };
  }

  private answered(): void {
    this.own.set(this.client, (this.own.get(this.client) ?? 1) - 1);
  }
}

/** Whether two origins place an actor alike (the same program, function, globals, policy and limits). */
function sameOrigin(a: ActorOrigin, b: ActorOrigin): boolean {
  return (
    a.client === b.client &&
    a.proto === b.proto &&
    a.modules === b.modules &&
    a.replica.globalsHash === b.replica.globalsHash &&
    a.replica.hashes === b.replica.hashes &&
    a.replica.capabilities === b.replica.capabilities &&
    a.supervision.maxRestarts === b.supervision.maxRestarts &&
    a.supervision.withinMs === b.supervision.withinMs &&
    a.limits.maxMemory === b.limits.maxMemory &&
    a.limits.maxDepth === b.limits.maxDepth
  );
}
