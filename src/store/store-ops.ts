// std/db's operations by name and number: the host builtins `__db_<name>` a program calls, and
// the numbers that name them when a task or actor on a pool's worker calls them on the program's
// store. On a worker, the VM hosting a program's work forwards every one of them to the program
// (the owner of its stores), which runs it and answers; only the calling fiber waits.

import type { VM } from "../runtime/vm.js";

/** std/db's operations, each the host builtin `__db_` + its name; the order numbers them on a lane. */
export const STORE_OPS = ["open", "close", "put", "get", "has", "delete", "keys", "begin", "commit", "rollback", "query"] as const;
export type StoreOp = (typeof STORE_OPS)[number];

/**
 * Makes `vm`'s std/db builtins calls of the program's stores elsewhere: `forward` sends operation
 * number `op` with its arguments for the calling fiber and answers with the result's promise.
 */
export function forwardStoreCalls(vm: VM, forward: (fiber: number, op: number, args: unknown[]) => Promise<unknown>): void {
  STORE_OPS.forEach((name, op) => vm.registerHost(`__db_${name}`, (args) => forward(vm.core.currentFiber(), op, args)));
}
