// A worker's side of the lanes (hosted-work.ts is the pool's side): the VMs hosting callers'
// programs here, the tasks and actors they run, and the messages those send to actors anywhere in
// the pool. Lane work is handled in the order it came; preparing a program's VM may take a
// while (making the VM), and what comes after waits for it. Tasks and messages run as fibers of
// the program's VM (VM.runHosted), so one waiting for an answer from elsewhere lets the others run.

import type { NbcModule } from "../bytecode/module.js";
import type { StoredValue } from "../codec/value-codec.js";
import { ERRORS } from "../errors/table.js";
import { HostError, releaseArrays } from "../runtime/host-calls.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";
import type { HostedCall, RunOutcome, TaskHost, VM } from "../runtime/vm.js";
import { type LaneBuffers, LaneReader, LaneWriter } from "./lane.js";
import { encodeForWire, type LaneRecord, LaneRecordWriter, readLaneRecord } from "./lane-records.js";
import {
  type ActorIdBlock,
  type DeadlockBreak,
  type ErrorInfo,
  errorInfo,
  type FromWorker,
  type HostedJob,
  type HostedUpgrade,
  type ModuleBytes,
  type QuietProbe,
} from "./protocol.js";

/**
 * How long a worker keeps looking for the next record after handling one before it sleeps: a
 * caller awaiting one call after another then reaches it without a wake-up.
 */
const SPIN_MS = 0.05;

/** What hosted work needs of its worker. */
export interface HostedWorker {
  /** The VM hosting a caller's program here, with the job's globals set. */
  hostedVm(job: HostedJob): Promise<VM>;
  /** Loads in `vm` those of a program's modules `hashes` (in order) it lacks, decoded from `modules` when new here; the last one. */
  loadModules(vm: VM, modules: ModuleBytes[], hashes: string[]): NbcModule;
  post(message: FromWorker, transfer?: Transferable[]): void;
  count(what: "actors" | "messages" | "tasksRun"): void;
}

/** An actor placed here: the VM hosting it and its handle there, or why it could not be made. */
type PlacedActor = { vm: VM; handle: number } | { failed: ErrorInfo };

type Work = HostedJob | HostedUpgrade | QuietProbe | DeadlockBreak | Extract<LaneRecord, { kind: "actor" | "message" | "task" | "cancel" }>;

export class HostedOnWorker {
  /** Each caller's program here (by client): its VM, or why it could not be made. */
  private readonly programs = new Map<number, VM | ErrorInfo>();
  private readonly actors = new Map<number, PlacedActor>();
  private lanes: { from: LaneReader; records: LaneRecordWriter } | undefined;
  /** Lane work in order; what is before `next` was handled (a queue of 100 000 must not be shifted one by one). */
  private readonly work: Work[] = [];
  private next = 0;
  /** A program's VM is being prepared: the work behind it waits. */
  private preparing = false;
  /** How to cancel the tasks and messages running here, by id. */
  private readonly running = new Map<number, () => void>();
  /**
   * Calls this worker's tasks and actors made to the pool, waiting for their answers: to actors
   * (`toActor`: counted in `callsOf`), or to the program (std/db, std/fs, plot.show), which the
   * program answers by itself, so a fiber waiting on one is not stalled.
   */
  private readonly calls = new Map<number, { client: number; toActor: boolean; resolve(v: unknown): void; reject(e: Error): void }>();
  private nextCall = 1;
  /** For each program, how many of its calls to actors wait for their answers. */
  private readonly callsOf = new Map<number, number>();
  /** Lane records and messages received from the pool (see quiescence.ts). */
  private seen = 0;
  /** The pool's probes not answered yet, by program: the probe's id. */
  private readonly probes = new Map<number, number>();

  /** The ids this worker gives the actors its work spawns (see hosted-work.ts). */
  private actorIds = { next: 0, end: 0 };

  /**
   * For the VM hosting `client`'s program here: its messages to actors go to the pool, and the
   * actors it spawns are the pool's, placed like the program's own.
   */
  taskHostFor(client: number): TaskHost {
    return {
      sendActor: (actor, name, args) => {
        const records = this.lanes?.records;
        if (!records) throw new NoodleRuntimeError(ERRORS.WorkerLost.code, "this worker has no lane to the pool", []);
        const bytes = encodeForWire(records.encoder, args as StoredValue[]);
        const id = this.nextCall++;
        records.message(id, actor, name, bytes);
        this.callsOf.set(client, (this.callsOf.get(client) ?? 0) + 1);
        return new Promise((resolve, reject) => this.calls.set(id, { client, toActor: true, resolve, reject }));
      },
      stalled: () => this.answerProbe(client),
      spawnActor: (proto) => {
        const records = this.lanes?.records;
        if (!records || this.actorIds.next >= this.actorIds.end) return undefined; // it lives here
        const id = this.actorIds.next++;
        records.spawn(id, client, proto);
        return id;
      },
    };
  }

  /**
   * A call of std/db by fiber `fiber` of `client`'s program here: it goes to the pool, which runs
   * it on the program's store; the promise of its answer.
   */
  storeCall(client: number, fiber: number, op: number, args: unknown[]): Promise<unknown> {
    const records = this.lanes?.records;
    if (!records) throw new NoodleRuntimeError(ERRORS.WorkerLost.code, "this worker has no lane to the pool", []);
    let bytes: Uint8Array;
    try {
      bytes = records.encoder.encode(args as StoredValue[]);
    } catch (e) {
      // what the store itself would say of a value it cannot keep
      if (e instanceof TypeError) throw HostError.of("NotStorable", e.message);
      throw e;
    }
    const id = this.nextCall++;
    records.store(id, client, fiber, op, bytes);
    return new Promise((resolve, reject) => this.calls.set(id, { client, toActor: false, resolve, reject }));
  }

  /**
   * A call of std/fs or `sys.env` by `client`'s program here: it goes to the pool, which runs it
   * in the program's VM (program-calls.ts); the promise of its answer.
   */
  programCall(client: number, op: number, args: unknown[]): Promise<unknown> {
    const records = this.lanes?.records;
    if (!records) throw new NoodleRuntimeError(ERRORS.WorkerLost.code, "this worker has no lane to the pool", []);
    const bytes = encodeForWire(records.encoder, args as StoredValue[]);
    const id = this.nextCall++;
    records.host(id, client, op, bytes);
    return new Promise((resolve, reject) => this.calls.set(id, { client, toActor: false, resolve, reject }));
  }

  constructor(private readonly worker: HostedWorker) {}

  open({ actorIds, ...buffers }: LaneBuffers & { actorIds: ActorIdBlock }): void {
    this.actorIds = { next: actorIds.first, end: actorIds.first + actorIds.count };
    // answers wake the pool at once: a worker's microtasks wait for its spin, so a wake-up left
    // to one would be late, and the pool's thread, busy running its program, seldom sleeps in a burst
    const to = new LaneWriter(buffers.fromWorker, (m, transfer) => this.worker.post(m as FromWorker, transfer), 0);
    const from = new LaneReader(
      buffers.toWorker,
      (bytes, view, at, length) => {
        this.seen++;
        this.record(readLaneRecord(bytes, view, at, length));
      },
      (job) => {
        this.seen++;
        this.work.push(job as Work);
      },
      () => this.run(),
      SPIN_MS,
    );
    this.lanes = { from, records: new LaneRecordWriter(to) };
  }

  /** Takes the lane's port messages (true), leaving the others (false). */
  receive(m: { t: string }): boolean {
    return this.lanes?.from.receive(m) ?? false;
  }

  /** Text a hosted VM printed for caller `client`: on the lane, so that it comes before the answers after it. */
  output(client: number, fd: number, text: string): void {
    this.lanes?.records.output(client, fd, text);
  }

  private record(r: LaneRecord): void {
    switch (r.kind) {
      case "actor":
      case "message":
      case "task":
      case "cancel":
        this.work.push(r);
        return;
      case "spawn":
      case "store":
      case "host":
        return; // actors are spawned by the pool, not on its say; stores and files are the program's
      case "value":
      case "error": {
        const call = this.calls.get(r.id);
        this.calls.delete(r.id);
        if (call?.toActor) this.callsOf.set(call.client, this.callsOf.get(call.client)! - 1);
        if (r.kind === "value") call?.resolve(r.value);
        else call?.reject(new NoodleRuntimeError(r.error.code, r.error.message, r.error.trace, r.error.frames));
        return;
      }
    }
  }

  /** Handles the work in order; a program being prepared holds up what follows. */
  private run(): void {
    const work = this.work;
    while (!this.preparing && this.next < work.length) {
      const next = work[this.next++];
      if (this.next === work.length) {
        work.length = 0;
        this.next = 0;
      }
      if ("t" in next && next.t === "hosted") {
        this.preparing = true;
        void this.prepare(next).finally(() => {
          this.preparing = false;
          this.run();
        });
        return;
      }
      if ("t" in next) {
        if (next.t === "probe") this.probes.set(next.client, next.id);
        else if (next.t === "upgrade") this.upgrade(next);
        else this.breakDeadlock(next);
      } else if (next.kind === "actor") this.place(next);
      else if (next.kind === "task") this.task(next);
      else if (next.kind === "cancel") this.running.get(next.id)?.();
      else this.deliver(next);
    }
    if (!this.preparing) for (const client of this.probes.keys()) this.answerProbe(client);
  }

  /**
   * Answers the pool's probe about `client`'s program once its work here has ended, or stalls
   * with every fiber blocked on calls to the pool: [blocked fibers, what this worker received].
   */
  private answerProbe(client: number): void {
    const id = this.probes.get(client);
    if (id === undefined || this.preparing || this.next < this.work.length) return;
    const vm = this.programs.get(client);
    let blocked = 0;
    if (vm && "runHosted" in vm && !vm.hostedEnded) {
      const stall = vm.stall();
      // a timer, or a host promise that is not a call to the pool, can still wake it
      if (!stall || stall.waits !== (this.callsOf.get(client) ?? 0)) return;
      blocked = stall.blocked;
    }
    this.probes.delete(client);
    this.lanes!.records.value(id, [blocked, this.seen], errorInfo);
  }

  /** The program's fibers wait everywhere and nothing can wake them: one await here fails with 7004. */
  private breakDeadlock(b: DeadlockBreak): void {
    const vm = this.programs.get(b.client);
    if (vm && "runHosted" in vm) vm.breakDeadlock(b.elsewhere);
  }

  /**
   * A step of an upgrade the program's VM leads: this worker's VM of the program checks the new
   * version on the actors living here and holds it, then switches with the others (or not).
   * Without a VM here there is nothing to check: one made later loads every module it is sent.
   */
  private upgrade(u: HostedUpgrade): void {
    const vm = this.programs.get(u.client);
    const hosting = vm !== undefined && "runHosted" in vm ? vm : undefined;
    if (u.step !== "check") {
      const upgrades = hosting?.upgrades();
      // a rolling upgrade may roll back before this worker switched: it forgets the version it holds
      if (u.step === "rollback" && !upgrades?.holding) upgrades?.rollback("manual", "the program rolled back");
      else upgrades?.settle(u.step === "commit");
      return;
    }
    const answer = (reason: string) => this.lanes!.records.value(u.id, reason, errorInfo);
    if (!hosting) return answer("");
    let module: NbcModule;
    try {
      module = this.worker.loadModules(hosting, u.modules, u.hashes);
    } catch (e) {
      return answer(errorInfo(e).message);
    }
    void hosting
      .upgrades(u.current)
      .check({ module, installs: u.installs }, u.retire)
      .then((reason) => answer(reason ?? ""));
  }

  private async prepare(job: HostedJob): Promise<void> {
    try {
      this.programs.set(job.client, await this.worker.hostedVm(job));
    } catch (e) {
      this.programs.set(job.client, errorInfo(e));
    }
  }

  /** The VM of `client`'s program here, or why there is none. */
  private program(client: number): VM | ErrorInfo {
    return this.programs.get(client) ?? { code: ERRORS.InternalError.code, message: `internal error: no program ${client} on this worker`, trace: [] };
  }

  /** Makes actor `job.id` in the VM hosting its program; its constructor starts now. */
  private place(job: Extract<LaneRecord, { kind: "actor" }>): void {
    const vm = this.program(job.client);
    if (!("runHosted" in vm)) return void this.actors.set(job.id, { failed: vm });
    try {
      vm.setSupervision(job.supervision);
      this.actors.set(job.id, { vm, handle: vm.spawnActor(job.proto) });
      this.worker.count("actors");
    } catch (e) {
      this.actors.set(job.id, { failed: errorInfo(e) });
    }
  }

  private task(t: Extract<LaneRecord, { kind: "task" }>): void {
    const vm = this.program(t.client);
    if (!("runHosted" in vm)) return this.lanes!.records.error(t.id, vm);
    this.host(t.id, vm, { proto: t.proto, args: t.args }, "tasksRun");
  }

  private deliver(m: Extract<LaneRecord, { kind: "message" }>): void {
    const placed = this.actors.get(m.actor);
    if (!placed || "failed" in placed) {
      return this.lanes!.records.error(
        m.id,
        placed?.failed ?? { code: ERRORS.InternalError.code, message: `internal error: actor ${m.actor} is not on this worker`, trace: [] },
      );
    }
    this.host(m.id, placed.vm, { actor: placed.handle, name: m.name, args: m.args }, "messages");
  }

  /** Runs work `id` in a program's VM; answers when it ends, and can be cancelled until then. */
  private host(id: number, vm: VM, work: HostedCall, counted: "tasksRun" | "messages"): void {
    let ended = false;
    const cancel = vm.runHosted(work, (o) => {
      ended = true;
      this.running.delete(id);
      this.worker.count(counted);
      this.answer(id, o);
    });
    if (!ended) this.running.set(id, cancel);
  }

  private answer(id: number, o: RunOutcome): void {
    const records = this.lanes!.records;
    if (!o.ok) return records.error(id, errorInfo(o.error, true));
    try {
      records.value(id, o.value as StoredValue, errorInfo);
    } finally {
      releaseArrays(o.value);
    }
  }
}
