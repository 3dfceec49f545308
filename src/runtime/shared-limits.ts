// A program's limits held across threads. A program may run on its own VM and, with a pool
// attached, on VMs of the pool's workers (its tasks, actors and pmap replicas); the instruction
// budget and the memory cap are the program's, not each VM's. The VMs share one small
// SharedArrayBuffer: the steps all of them spent, and each VM's heap bytes in use.
//
// Steps: the core pauses at the end of every slice of its budget, and returns to the host when a
// run ends or waits; there the VM charges what it spent and is granted what is left of the
// program's budget, in a slice of its share of it, so no VM runs more than one slice past it.
// Heap: after every collection the core publishes what it holds, and takes as its limit the cap
// less what the others hold; a run that ends leaves no large garbage counted.

/** The shared part of a program's limits, as it travels to workers. */
export interface LimitShare {
  buffer: SharedArrayBuffer;
  /** The program's instruction budget (0: none). */
  maxSteps: number;
  /** The program's heap cap in bytes (0: none). */
  maxMemory: number;
}

/** What a VM must let its share do to its core. */
export interface LimitedCore {
  stepsLeft(): number;
  grantSteps(steps: number, slice: number): void;
  setHeapLimit(bytes: number): void;
  heapInUse(): number;
  collect(): void;
}

// cells of the buffer (64-bit integers)
const STEPS = 0; // steps spent by every VM of the program
const RUN = 1; // the program's run going on (they are numbered from 1)
const STOPPED = 2; // the last of its runs that ended at a limit: its work elsewhere ends too
const NEXT_VM = 3; // the next VM's cell
const FIRST_VM = 4; // two cells per VM: its heap bytes in use, and the run it works for (0: the one going on)
/** VMs one program may count on (its own, and a few per worker; more run with the cap each). */
const MAX_VMS = 1024;
/**
 * The fewest steps a VM runs before it looks at the count again. Each VM runs at most its share
 * of what is left (divided among the VMs) before it looks, so all of them together pass the
 * budget by at most this many steps each, and a program that needs more than its budget ends
 * with 4002 on workers as on one VM, short of a margin of that size.
 */
const MIN_SLICE = 10_000;
/** The heap at which the core's collector starts (it runs again when the heap doubles). */
const COLLECTION_FLOOR = 8n << 20n;

/** A share of a program VM's limits (its runs numbered from 1), or undefined when it has none or the platform has no shared memory. */
export function newLimitShare(maxSteps: number | undefined, maxMemory: number | undefined): LimitShare | undefined {
  if (!maxSteps && !maxMemory) return undefined;
  if (typeof SharedArrayBuffer === "undefined") return undefined;
  const buffer = new SharedArrayBuffer((FIRST_VM + 2 * MAX_VMS) * 8);
  new BigInt64Array(buffer)[RUN] = 1n;
  return { buffer, maxSteps: maxSteps ?? 0, maxMemory: maxMemory ?? 0 };
}

/** One VM's part in a program's shared limits. */
export class SharedLimits {
  private readonly cells: BigInt64Array;
  /** This VM's heap cell, or -1 when every cell was taken (this VM then holds up to the cap alone). */
  private readonly cell: number;
  /** Steps granted to the core at the last look. */
  private granted = 0;
  /** The run this VM works for (see `workFor`). */
  private run: number | undefined;

  /** `owned`: the program's own VM, whose run ends with its own error rather than being stopped. */
  constructor(
    readonly share: LimitShare,
    readonly owned: boolean,
  ) {
    this.cells = new BigInt64Array(share.buffer);
    const vm = Number(Atomics.add(this.cells, NEXT_VM, 1n));
    this.cell = vm < MAX_VMS ? FIRST_VM + 2 * vm : -1;
  }

  /**
   * The program's run this VM works for, when it works for one alone (a pmap replica's chunk):
   * work of a run that ended at a limit stays stopped when the next run starts, and what it holds
   * does not count against that run. Undefined: the run going on (a VM hosting tasks and actors).
   */
  workFor(run: number | undefined): void {
    this.run = run;
    if (this.cell >= 0) Atomics.store(this.cells, this.cell + 1, BigInt(run ?? 0));
  }

  /** The program's own VM starts the count with the steps it spent before it shared its budget. */
  adopt(core: LimitedCore): void {
    this.granted = this.share.maxSteps;
    this.sync(core);
  }

  /** Charges the steps the core spent since the last look, and grants it what is left. */
  sync(core: LimitedCore): void {
    this.charge(core);
    this.grant(core);
  }

  /** Adds the steps spent since the last grant to the program's count. */
  charge(core: LimitedCore): void {
    if (this.share.maxSteps <= 0) return;
    const spent = this.granted - core.stepsLeft();
    this.granted = core.stepsLeft();
    if (spent > 0) Atomics.add(this.cells, STEPS, BigInt(spent));
  }

  /** Gives the core what the program has left: steps (none once its run stopped) and heap bytes. */
  grant(core: LimitedCore): void {
    const stopped = !this.owned && this.stopped();
    if (this.share.maxSteps > 0 || stopped) {
      const left = stopped ? 0 : this.share.maxSteps - Number(Atomics.load(this.cells, STEPS));
      this.granted = Math.max(0, left);
      core.grantSteps(this.granted, Math.max(MIN_SLICE, Math.ceil(this.granted / this.vms())));
    }
    const limit = this.heapLimit(core.heapInUse());
    if (limit >= 0) core.setHeapLimit(limit);
  }

  /**
   * A run of this VM ended: what it held may be garbage now, which the others would count until
   * this VM next collects, so a VM that published more than a collection's worth collects now.
   */
  ended(core: LimitedCore): void {
    if (this.share.maxMemory <= 0 || this.cell < 0 || Atomics.load(this.cells, this.cell) < COLLECTION_FLOOR) return;
    core.collect();
    Atomics.store(this.cells, this.cell, BigInt(core.heapInUse()));
  }

  /** How many VMs count in these limits. */
  private vms(): number {
    return Math.min(MAX_VMS, Number(Atomics.load(this.cells, NEXT_VM)));
  }

  /**
   * After a collection: publishes the bytes this VM holds (live ones only, so the others do not
   * count its garbage); returns what it may hold, or -1 for no cap.
   */
  heapShare(inUse: number): number {
    if (this.share.maxMemory <= 0) return -1;
    if (this.cell >= 0) Atomics.store(this.cells, this.cell, BigInt(Math.floor(inUse)));
    // work of a run that ended at a limit ends here (it keeps room to make its error)
    if (!this.owned && this.stopped()) return Math.max(1, inUse - 1);
    return this.heapLimit(inUse);
  }

  /** What this VM, holding `inUse` bytes, may hold: what the others leave of the cap (less than it holds when that is too little); -1 for no cap. */
  private heapLimit(inUse: number): number {
    if (this.share.maxMemory <= 0) return -1;
    if (this.cell < 0) return this.share.maxMemory;
    // what VMs hold for a run that ended at a limit does not count: they end at their next look
    const stopped = Atomics.load(this.cells, STOPPED);
    let others = 0;
    const end = FIRST_VM + 2 * this.vms();
    for (let i = FIRST_VM; i < end; i += 2) {
      const run = Atomics.load(this.cells, i + 1);
      if (i !== this.cell && (run === 0n || run > stopped)) others += Number(Atomics.load(this.cells, i));
    }
    const left = this.share.maxMemory - others;
    // past the cap, this VM fails at its check, yet keeps room to make the error and its trace
    return left > inUse ? left : Math.max(1, inUse - 1);
  }

  /** Whether the run this VM works for ended at a limit. */
  private stopped(): boolean {
    const stopped = Number(Atomics.load(this.cells, STOPPED));
    return this.run !== undefined ? stopped >= this.run : stopped === this.currentRun;
  }

  /** The program's run going on. */
  get currentRun(): number {
    return Number(Atomics.load(this.cells, RUN));
  }

  /** The program's run ended at a limit: its work still running elsewhere ends at its next slice. */
  stop(): void {
    Atomics.store(this.cells, STOPPED, BigInt(this.currentRun));
  }

  /** A new run of the program: the VMs hosting its tasks and actors may run again (within what the budget has left). */
  restart(): void {
    Atomics.add(this.cells, RUN, 1n);
  }
}
