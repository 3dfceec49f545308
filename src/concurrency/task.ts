// A unit of work the pool schedules: a call (or a map) of a module's function, or a share of a
// matrix product. Settled once, by its result, its error, or the loss of its worker.
import type { GemmJob, ModuleBytes, PmapJob, TaskKind } from "./protocol.js";
import type { NbcModule } from "../bytecode/module.js";

export interface Task {
  id: number;
  /** Safe to run again when its worker dies with it (then retried once). */
  idempotent: boolean;
  attempts: number;
  call?: { kind: TaskKind; module: ModuleBytes; fn: string; args: Uint8Array };
  gemm?: Omit<GemmJob, "t" | "id" | "sync">;
  /** A call in a replica of a VM's program (a spawned task): its modules go along where missing. */
  replica?: Omit<PmapJob, "t" | "id" | "modules" | "sync"> & { modules: NbcModule[] };
  resolve(value: unknown): void;
  reject(error: Error): void;
}
