// A worker's side of the actor lanes (see actor-directory.ts for the pool's side): the actors
// placed on this worker, the messages to them, and the messages its own tasks and actors send to
// actors anywhere in the pool. Placements and messages are handled in the order they came; the
// messages run as fibers of the VM hosting the caller's program (VM.runHosted), so a handler that
// waits for an answer from elsewhere lets the others run.
import type { VM, TaskHost } from "../runtime/vm.js";
import { releaseArrays } from "../runtime/host-calls.js";
import { ERRORS } from "../errors/table.js";
import type { StoredValue } from "../store/codec.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";
import { LaneReader, LaneWriter, type LaneBuffers } from "./lane.js";
import { ActorRecordWriter, encodeForWire, readActorRecord, type ActorRecord } from "./actor-records.js";
import { errorInfo, type ActorJob, type ErrorInfo, type FromWorker } from "./protocol.js";

/**
 * How long a worker keeps looking for the next actor message after answering one before it
 * sleeps: a caller awaiting one call after another then reaches it without a wake-up.
 */
const SPIN_MS = 0.05;

/** What the actors need of their worker. */
export interface ActorWorker {
  /** The VM hosting the tasks and actors of a caller's program, with the job's globals set. */
  hostedVm(job: ActorJob): Promise<VM>;
  post(message: FromWorker, transfer?: Transferable[]): void;
  /** Counts an actor placed here, or a message handled. */
  count(what: "actors" | "messages"): void;
}

/** An actor placed here: the VM hosting it and its handle there, or why it could not be made. */
type PlacedActor = { vm: VM; handle: number } | { failed: ErrorInfo };

type Message = Extract<ActorRecord, { kind: "message" }>;

export class WorkerActors {
  private readonly actors = new Map<number, PlacedActor>();
  private lanes: { from: LaneReader; records: ActorRecordWriter } | undefined;
  /** Placements and messages, in order, not handled yet. */
  private readonly work: (ActorJob | Message)[] = [];
  /** A placement is making its VM: the work behind it waits. */
  private placing = false;
  /** Calls this worker's tasks and actors made to actors, waiting for their answers. */
  private readonly calls = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextCall = 1;

  /** For the VMs hosting programs here: their messages to actors go to the pool. */
  readonly taskHost: TaskHost = {
    sendActor: (actor, name, args) => {
      const records = this.lanes?.records;
      if (!records) throw new NoodleRuntimeError(ERRORS.WorkerLost.code, "this worker has no lane to the pool", []);
      const bytes = encodeForWire(records.encoder, args as StoredValue[]);
      const id = this.nextCall++;
      records.message(id, actor, name, bytes);
      return new Promise((resolve, reject) => this.calls.set(id, { resolve, reject }));
    },
  };

  constructor(private readonly worker: ActorWorker) {}

  open(buffers: LaneBuffers): void {
    const to = new LaneWriter(buffers.fromWorker, (m, transfer) => this.worker.post(m as FromWorker, transfer));
    const from = new LaneReader(
      buffers.toWorker,
      (bytes, view, at, length) => this.record(readActorRecord(bytes, view, at, length)),
      (job) => this.work.push(job as ActorJob),
      () => this.run(),
      SPIN_MS,
    );
    this.lanes = { from, records: new ActorRecordWriter(to) };
  }

  /** Takes the lane's port messages (true), leaving the others (false). */
  receive(m: { t: string }): boolean {
    return this.lanes?.from.receive(m) ?? false;
  }

  /** Text a hosted VM printed for caller `client`: on the lane, so that it comes before the answers after it. */
  output(client: number, fd: number, text: string): void {
    this.lanes?.records.output(client, fd, text);
  }

  private record(r: ActorRecord): void {
    switch (r.kind) {
      case "message":
        this.work.push(r);
        return;
      case "value":
      case "error": {
        const call = this.calls.get(r.id);
        this.calls.delete(r.id);
        if (r.kind === "value") call?.resolve(r.value);
        else call?.reject(new NoodleRuntimeError(r.error.code, r.error.message, r.error.trace, r.error.frames));
        return;
      }
    }
  }

  /** Handles the work in order: messages as they come, placements one at a time. */
  private run(): void {
    const work = this.work;
    while (!this.placing && work.length) {
      const next = work.shift()!;
      if ("t" in next) {
        this.placing = true;
        void this.place(next).finally(() => {
          this.placing = false;
          this.run();
        });
        return;
      }
      this.deliver(next);
    }
  }

  /** Makes actor `job.id` in the VM hosting the caller's program; its constructor starts now. */
  private async place(job: ActorJob): Promise<void> {
    try {
      const vm = await this.worker.hostedVm(job);
      vm.setSupervision(job.supervision);
      this.actors.set(job.id, { vm, handle: vm.spawnActor(job.proto) });
      this.worker.count("actors");
    } catch (e) {
      this.actors.set(job.id, { failed: errorInfo(e) });
    }
  }

  private deliver(m: Message): void {
    const records = this.lanes!.records;
    const placed = this.actors.get(m.actor);
    if (!placed || "failed" in placed) {
      return records.error(m.id, placed?.failed ?? { code: ERRORS.InternalError.code, message: `internal error: actor ${m.actor} is not on this worker`, trace: [] });
    }
    placed.vm.runHosted({ actor: placed.handle, name: m.name, args: m.args }, (o) => {
      this.worker.count("messages");
      if (!o.ok) return records.error(m.id, errorInfo(o.error, true));
      try {
        records.value(m.id, o.value as StoredValue, errorInfo);
      } finally {
        releaseArrays(o.value);
      }
    });
  }
}
