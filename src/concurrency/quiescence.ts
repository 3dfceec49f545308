// When a program's work on the pool's workers has ended, or waits with nothing to wake it: the
// termination and deadlock detection behind "a run ends when all its work has ended" and 7004
// across workers. Counts, not a wait graph: the pool counts the records and messages it writes
// on each worker's lane, and a worker counts those it has received. When the program's VM has
// nothing to do but wait for its work elsewhere (or its fibers all ended), the pool probes every
// worker; a worker answers once its share of the program has ended or stalls (every fiber there
// blocked on calls to the pool, no timer pending, no lane work queued), with its count of blocked
// fibers and of what it received. The lanes keep order, so when every answer's count equals what
// the pool had written to that worker, nothing was in flight: what the workers reported is how
// things are, and stay, until the pool writes again. Then no blocked fiber anywhere means the
// work has ended; blocked fibers that nothing can wake are a deadlock, broken as one VM breaks
// it (one await fails with 7004, counting the fibers blocked in every VM). A round that found
// anything moving is tried again a little later, while the program still waits.
import type { VM } from "../runtime/vm.js";
import type { WorkerSlot } from "./worker-slot.js";

/** What detection needs of the pool's hosted work. */
export interface QuiescencePool {
  /** The program's VM, while attached. */
  program(client: number): VM | undefined;
  /** Host promises the program's VM waits for that its work on the workers will settle. */
  ownWork(client: number): number;
  /** Whether some of the program's messages wait for their actor to get a worker. */
  backlogged(client: number): boolean;
  /** Workers with lanes: each gets a probe; the promise of its answer (rejected if the worker is lost). */
  probe(client: number): { slot: WorkerSlot; answer: Promise<unknown>; sent: () => number }[];
  /** Asks `slot` to break the program's deadlock there, counting `elsewhere` blocked fibers more. */
  breakOn(slot: WorkerSlot, client: number, elsewhere: number): void;
}

/**
 * How long the program's VM waits before the workers are probed: most waits end sooner (an
 * awaited call answered), and those cost no probe.
 */
const STALL_MS = 4;
/** Longest pause between rounds while the program's work keeps moving. */
const MAX_PAUSE_MS = 100;

interface ProgramState {
  /** A probe round is out. */
  probing: boolean;
  /** Another round is wanted when this one ends. */
  again: boolean;
  pause: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Waiting for the run's work to end (its fibers ended). */
  quiet: (() => void)[];
  /** Keeps the process alive while they wait: work left on a worker may be all there is. */
  alive: ReturnType<typeof setInterval> | undefined;
}

export class Quiescence {
  private readonly programs = new Map<number, ProgramState>();

  constructor(private readonly pool: QuiescencePool) {}

  /**
   * Resolves once all the program's work on the workers has ended (its own fibers have); its
   * `cancel` gives up waiting (the run ended otherwise: an exit, an interrupt).
   */
  quiet(client: number): Promise<void> & { cancel(): void } {
    const s = this.state(client);
    let waiter: () => void = () => {};
    const promise = new Promise<void>((resolve) => {
      waiter = resolve;
      s.alive ??= setInterval(() => {}, 2 ** 30);
      s.quiet.push(resolve);
      if (s.probing) s.again = true;
      else {
        this.cancelTimer(s);
        void this.round(client, s);
      }
    });
    const cancel = () => {
      const i = s.quiet.indexOf(waiter);
      if (i >= 0) s.quiet.splice(i, 1);
      if (s.quiet.length === 0) this.release(s);
    };
    return Object.assign(promise, { cancel });
  }

  /** Nobody waits for the program's work to end: the process may end without it. */
  private release(s: ProgramState): void {
    clearInterval(s.alive);
    s.alive = undefined;
  }

  /** The program's VM waits with nothing but its work elsewhere to wake it: look whether anything moves. */
  stalled(client: number): void {
    const s = this.state(client);
    if (s.probing) s.again = true;
    else if (s.timer === undefined) this.later(client, s, s.pause || STALL_MS);
  }

  /** A round in `ms`, if the program still waits then. */
  private later(client: number, s: ProgramState, ms: number): void {
    s.timer = setTimeout(() => {
      s.timer = undefined;
      if (this.waiting(client, s)) void this.round(client, s);
    }, ms);
  }

  private cancelTimer(s: ProgramState): void {
    if (s.timer !== undefined) clearTimeout(s.timer);
    s.timer = undefined;
  }

  private state(client: number): ProgramState {
    let s = this.programs.get(client);
    if (!s) this.programs.set(client, (s = { probing: false, again: false, pause: 0, timer: undefined, quiet: [], alive: undefined }));
    return s;
  }

  private async round(client: number, s: ProgramState): Promise<void> {
    s.probing = true;
    s.again = false;
    let lost = false;
    const answers = await Promise.all(
      this.pool.probe(client).map(({ slot, answer, sent }) =>
        answer.then(
          (v) => ({ slot, blocked: (v as number[])[0], seen: (v as number[])[1], sent }),
          () => {
            lost = true;
            return undefined;
          },
        ),
      ),
    );
    s.probing = false;
    // the pool wrote to a worker after it looked (the program's VM, or another worker, moved
    // meanwhile): its answer may be out of date
    const still = !lost && answers.every((a) => a && a.seen === a.sent());
    let blockedElsewhere = 0;
    let stuck: { slot: WorkerSlot; blocked: number } | undefined;
    for (const a of answers) {
      blockedElsewhere += a?.blocked ?? 0;
      if (a && a.blocked > 0) stuck ??= a;
    }
    const outcome = still ? this.conclude(client, s, blockedElsewhere, stuck) : "moving";
    // while the program keeps moving, look less often (a program awaiting call after call would
    // otherwise be probed every few milliseconds); after a deadlock was broken, or all ended, soon
    if (outcome === "moving" || outcome === "running") s.pause = Math.min(MAX_PAUSE_MS, s.pause * 2 || STALL_MS);
    else s.pause = 0;
    // a deadlock broken on a worker may leave the program's VM waiting as before: look again
    if ((outcome === "moving" || outcome === "broken" || s.again) && s.timer === undefined) this.later(client, s, s.pause || STALL_MS);
  }

  /** Whether the program's VM still waits for its work elsewhere. */
  private waiting(client: number, s: ProgramState): boolean {
    return s.quiet.length > 0 || this.pool.program(client)?.stall() !== undefined;
  }

  /** Every worker answered, nothing in flight: what the program's VM adds decides. */
  private conclude(
    client: number,
    s: ProgramState,
    elsewhere: number,
    stuck: { slot: WorkerSlot; blocked: number } | undefined,
  ): "ended" | "broken" | "moving" | "running" {
    const vm = this.pool.program(client);
    const stall = vm?.stall();
    if (!vm || !stall) return "running";
    if (this.pool.backlogged(client)) return "moving";
    // a host promise not the pool's (a pmap, a file) can still wake the program
    if (stall.blocked > 0 && stall.waits !== this.pool.ownWork(client)) return "running";
    if (stall.blocked + elsewhere === 0) {
      for (const resolve of s.quiet.splice(0)) resolve();
      this.release(s);
      return "ended";
    }
    if (stall.blocked > 0) vm.breakDeadlock(elsewhere);
    else if (stuck) this.pool.breakOn(stuck.slot, client, elsewhere - stuck.blocked);
    return "broken";
  }
}
