// Work a VM runs for another VM: a pool's worker hosts a program's tasks and actors in one VM
// (src/concurrency/hosted-on-worker.ts). Each piece runs as a fiber, so a handler or task
// waiting for a host promise lets the others run, and work that comes while they wait joins
// them; messages to one actor are handled in the order they came. vm.ts runs programs; this is
// the part that takes other VMs' work in and reports its outcomes.

import { ERRORS } from "../errors/table.js";
import type { CoreExports } from "./core.js";
import { CORE_STATUS } from "./core-status.js";
import * as L from "./heap-layout.generated.js";
import type { NoodleRuntimeError } from "./runtime-error.js";
import type { HostedCall, RunOutcome } from "./vm.js";

/** What hosting needs of its VM (the VM's own, kept private there). */
export interface HostingVm {
  readonly core: CoreExports;
  /** Keeps a value alive for the host: a handle. */
  keep(word: bigint): number;
  /** The object a handle holds. */
  pointerOf(handle: number): number;
  intern(text: string): number;
  /** The core's memory holding these values, as a call's arguments. */
  argumentsAt(args: unknown[]): number;
  errorOfFault(fallback: string): NoodleRuntimeError;
  /** The outcome of the future a handle holds, or undefined while it is pending. */
  settledOutcome(handle: number): RunOutcome | undefined;
  /** The VM runs the core's fibers from now until endDrive: no other run may start. */
  beginDrive(): void;
  endDrive(): void;
  /** Whether a run that returned `status` waits for the host (a promise or a timer). */
  waitsInIdle(status: number): boolean;
  /** Runs the fibers queued, counting their steps and heap in the program's limits; the run's status. */
  deliver(): number;
  /** Drives a run on to its end, letting the event loop turn while it waits for the host. */
  finishAsync(status: number): Promise<number>;
  /** Resumes a run waiting for the host. */
  wakeUp(): void;
}

export class HostedRuns {
  /** Work not finished: its future's handle, and whom to tell. */
  private readonly pending = new Map<number, (outcome: RunOutcome) => void>();
  /** Whether hosted fibers are being run (new work joins them). */
  private driving = false;

  constructor(private readonly vm: HostingVm) {}

  /** Whether no work is left and no fiber runs. */
  get ended(): boolean {
    return !this.driving && this.pending.size === 0;
  }

  /** How many pieces of work are not finished. */
  get size(): number {
    return this.pending.size;
  }

  /** A new actor of constructor function `proto`; its constructor starts at once. Its handle, for `run`. */
  spawnActor(proto: number): number {
    const word = this.vm.core.spawnActorOf(proto);
    if (BigInt.asUintN(64, word) === L.NIL) throw this.vm.errorOfFault(`function ${proto} is not an actor declaration here, or memory is exhausted`);
    const handle = this.vm.keep(word);
    this.drive();
    return handle;
  }

  /** Runs a message to a hosted actor, or a call of a function as a task; `done` gets its outcome. Returns a cancel. */
  run(work: HostedCall, done: (outcome: RunOutcome) => void): () => void {
    const { core } = this.vm;
    const at = this.vm.argumentsAt(work.args);
    const p =
      "actor" in work
        ? core.postMessage(this.vm.pointerOf(work.actor), this.vm.intern(work.name), at, work.args.length)
        : core.spawnTaskOf(work.proto, at, work.args.length);
    if (p === 0) {
      done({ ok: false, error: this.vm.errorOfFault("out of memory starting hosted work") });
      return () => {};
    }
    const handle = core.retainPointer(p);
    this.pending.set(handle, done);
    this.drive();
    return () => this.cancel(handle);
  }

  /**
   * Tells the owners of finished work; work cut short by the run's end is cancelled (7006), and
   * told last: what ended the run (a limit, say) reaches its program first, which ends with it.
   */
  report(): void {
    let cancelled: [(outcome: RunOutcome) => void, RunOutcome][] | undefined;
    for (const [handle, done] of this.pending) {
      const outcome = this.vm.settledOutcome(handle);
      if (!outcome) continue;
      this.pending.delete(handle);
      this.vm.core.release(handle);
      if (!outcome.ok && outcome.error.code === ERRORS.Cancelled.code) (cancelled ??= []).push([done, outcome]);
      else done(outcome);
    }
    if (cancelled) for (const [done, outcome] of cancelled) done(outcome);
  }

  /** Cancels work not finished (a task, or a message whose handler has not started). */
  private cancel(handle: number): void {
    if (!this.pending.has(handle) || this.vm.core.cancelHosted(this.vm.pointerOf(handle)) === 0) return;
    // its future failed: a drive reports it when it next looks; without one, report it now
    if (this.driving) this.vm.wakeUp();
    else this.report();
  }

  /** Runs hosted fibers until all have ended, reporting each piece of work as it finishes. */
  private drive(): void {
    if (this.driving) return this.vm.wakeUp(); // waiting for the host: the new fibers run when it resumes
    this.vm.beginDrive();
    this.driving = true;
    this.continueDrive(this.vm.deliver());
  }

  /** Ends the drive at once when nothing waits (the usual case), else once the host has answered. */
  private continueDrive(status: number): void {
    if (status !== CORE_STATUS.PAUSED && !this.vm.waitsInIdle(status)) return this.endDrive(status);
    let end: number = CORE_STATUS.IDLE;
    this.vm
      .finishAsync(status)
      .then((s) => {
        end = s;
      })
      .finally(() => this.endDrive(end));
  }

  private endDrive(status: number): void {
    try {
      if (status === CORE_STATUS.IDLE) this.vm.core.abandonRun();
      this.report();
    } finally {
      this.driving = false;
      this.vm.endDrive();
    }
    // work that came while the drive was ending
    if (this.pending.size > 0) this.drive();
  }
}
