// Whether a program needs std/db's host: asked before the store's code is loaded, so a program
// that keeps nothing never loads it.
import type { NbcModule } from "../bytecode/module.js";

/** Whether a module imports std/db (and so needs storage installed in its VM). */
export function usesStorage(m: NbcModule): boolean {
  return m.files.includes("std/db");
}
