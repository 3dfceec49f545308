// A unit of work the pool schedules: a call (or a map) of a module's function, a share of a
// matrix product, a program's spawned task, or a message to an actor on a worker. Settled once, by its result, its error, or the loss of
// its worker.

import type { NbcModule } from "../bytecode/module.js";
import type { Origin } from "./hosted-work.js";
import type { GemmJob, ModuleBytes, PmapJob, TaskKind } from "./protocol.js";

export interface Task {
  id: number;
  /** Safe to run again when its worker dies with it (then retried once). */
  idempotent: boolean;
  attempts: number;
  /** A call of a module's function, its arguments encoded at bytes [at, at + length) of an arena's buffer. */
  call?: { kind: TaskKind; module: ModuleBytes; fn: string; bytes: Uint8Array; at: number; length: number };
  gemm?: Omit<GemmJob, "t" | "id" | "sync">;
  /** A call in a replica of a VM's program (a spawned task): its modules go along where missing. */
  replica?: Omit<PmapJob, "t" | "id" | "modules" | "sync"> & { modules: NbcModule[] };
  /** A program's spawned task on a worker: where it comes from and its arguments, to run it again elsewhere. */
  spawned?: { origin: Origin; args: Uint8Array };
  /** A message to an actor placed on the worker (see actor-directory.ts): its arguments encoded. */
  message?: { actor: number; name: string; args: Uint8Array };
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The executor of every task's promise, `new Promise(capture)`, which hands over the promise's
 * resolving functions in `captured` (read them at once): one function for all, not a closure
 * made per task.
 */
export function capture(resolve: (value: unknown) => void, reject: (error: Error) => void): void {
  captured.resolve = resolve;
  captured.reject = reject;
}
export const captured: Pick<Task, "resolve" | "reject"> = { resolve: () => {}, reject: () => {} };
