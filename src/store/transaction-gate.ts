// Which task has a store's transaction open. Tasks of one VM take turns on one thread and may be
// switched at any safe point, so a store open in one task's transaction must not let another
// task's writes join it or its reads see uncommitted values: every operation of another task waits
// (its fiber suspends on a promise) until the transaction ends, and the waiters then go in the
// order they came. Transactions of different tasks are therefore serializable. Tasks and actors
// of the program on a pool's workers are callers like its own tasks (db-host.ts names them).

/** A caller: a task's fiber in the VM, or a name for a task or actor elsewhere. */
type Caller = number | string;

export class TransactionGate {
  private owner: Caller = 0;
  private depth = 0;
  private waiters: (() => void)[] = [];

  /** Whether `task` may use the store now. */
  free(task: Caller): boolean {
    return this.depth === 0 || this.owner === task;
  }

  /** Runs `op` now when `task` may use the store, else once the open transaction has ended. */
  enter<T>(task: Caller, op: () => T): T | Promise<T> {
    if (this.free(task)) return op();
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => this.enter(task, op));
  }

  /** A transaction (or a savepoint in one) begins in `task`. */
  begin(task: Caller): void {
    if (this.depth++ === 0) this.owner = task;
  }

  /** The caller whose transaction is open, if one is. */
  get holder(): Caller | undefined {
    return this.depth === 0 ? undefined : this.owner;
  }

  /** The store closed: no transaction is open any more; waiters go on (and find it closed). */
  reset(): void {
    this.depth = 1;
    this.end();
  }

  /** The innermost transaction ended (committed or rolled back). */
  end(): void {
    if (this.depth === 0 || --this.depth > 0) return;
    this.owner = 0;
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }
}
