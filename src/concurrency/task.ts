// A unit of work the pool schedules: a call (or a map) of a module's function, or a share of a
// matrix product. Settled once, by its result, its error, or the loss of its worker.
import type { GemmJob, ModuleBytes, TaskKind } from "./protocol.js";

export interface Task {
  id: number;
  /** Safe to run again when its worker dies with it (then retried once). */
  idempotent: boolean;
  attempts: number;
  call?: { kind: TaskKind; module: ModuleBytes; fn: string; args: Uint8Array };
  gemm?: Omit<GemmJob, "t" | "id" | "sync">;
  resolve(value: unknown): void;
  reject(error: Error): void;
}
