// Runs a program in one tier or the other and gathers what a user sees, for tests that compare them.
import { compile, type JitMode, type JitStats, VM, type VmOptions } from "../../src/node/main.js";

export interface TierRun {
  stdout: string;
  /** The uncaught error as `noodle run` shows it, or "" when the run succeeded. */
  error: string;
  stats: JitStats;
}

export async function runIn(jit: JitMode, source: string, options: VmOptions = {}): Promise<TierRun> {
  const c = compile(source, { file: "tiers.nc" });
  if (!c.ok || !c.module) throw new Error(c.diagnostics.map((d) => `${d.code} ${d.message} at ${d.line}:${d.col}`).join("\n"));
  let stdout = "";
  const vm = await VM.create({ ...options, jit, stdout: (t) => (stdout += t) });
  const result = await vm.runAsync(c.module);
  return { stdout, error: result.ok ? "" : result.error.render(), stats: vm.jitStats() };
}

/** The program run interpreted and with every function compiled: both runs. */
export async function bothTiers(source: string, options: VmOptions = {}): Promise<{ interpreted: TierRun; compiled: TierRun }> {
  return { interpreted: await runIn("off", source, options), compiled: await runIn("eager", source, options) };
}
