// The configurations every program of the differential suite runs in. The first is the reference
// (one VM, interpreted, no workers); every other must give its exact stdout, stderr and exit code.
// `args` go to `noodle run` before the file; `workers` and `jit` are the same configuration for
// the in-process runner (a pool of that many workers attached with tasks; the compiled tier's
// mode). A configuration with `args` only (a cluster, say) runs through the command line alone,
// generated programs included.
import type { JitMode } from "../../src/jit/compiled-tier.js";

export interface RunConfiguration {
  /** A short name for test titles and the known-differences table. */
  name: string;
  /** Options of `noodle run`, before the program's path. */
  args: string[];
  /** For the in-process runner: the size of the pool attached to the VM (none without). */
  workers?: number;
  jit?: JitMode;
}

export const REFERENCE: RunConfiguration = { name: "one VM", args: ["--jit", "off"], jit: "off" };

export const CONFIGURATIONS: RunConfiguration[] = [
  { name: "1 worker", args: ["--workers", "1"], workers: 1 },
  { name: "4 workers", args: ["--workers", "4"], workers: 4 },
  // every function compiled at its first call: compiled code runs all it can, and hands the rest back
  { name: "jit eager", args: ["--jit", "eager"], jit: "eager" },
];

/**
 * The generated concurrent programs also run with workers and the compiled tier together: work
 * on the workers compiles under the program's tier. The project's programs do not, because each
 * run through the command line would load the compiler in every worker (seconds a program).
 */
export const GENERATED_CONFIGURATIONS: RunConfiguration[] = [
  ...CONFIGURATIONS,
  { name: "2 workers, jit eager", args: ["--workers", "2", "--jit", "eager"], workers: 2, jit: "eager" },
];

/** Configurations the in-process runner can reproduce. */
export const LIBRARY_CONFIGURATIONS = CONFIGURATIONS.filter((c) => c.workers !== undefined || c.jit !== undefined);
