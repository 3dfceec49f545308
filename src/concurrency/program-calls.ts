// Host builtins that hosted work calls in its program's VM, not where it runs: the program's
// files (std/fs), environment (`sys.env`), plot display (`plot.show`) and metrics (std/metrics). A task or actor on a
// worker, or on another machine's node, thus reads and writes the files the program would in one
// VM, under the program's permissions, and its figures are numbered and shown as the program's. The order numbers them on a lane (lane-records.ts, kind "host").
// std/db's calls go to the program too, by their own records (store-ops.ts).
import type { VM } from "../runtime/vm.js";

export const PROGRAM_CALLS = [
  "__fs_read",
  "__fs_write",
  "__fs_append",
  "__fs_exists",
  "__fs_list",
  "__sys_env",
  "__plot_show",
  // std/metrics: a program's series are served by its own VM
  "__metrics_define",
  "__metrics_update",
] as const;

/** Makes `vm`'s program calls go elsewhere: `forward` sends call number `op` with its arguments and answers with the result's promise. */
export function forwardProgramCalls(vm: VM, forward: (op: number, args: unknown[]) => Promise<unknown>): void {
  PROGRAM_CALLS.forEach((name, op) => vm.registerHost(name, (args) => forward(op, args)));
}
