// Runs a program in one tier or the other and gathers what a user sees, for tests that compare them.
import fc from "fast-check";
import { expect } from "vitest";
import { compile, type JitMode, type JitStats, VM, type VmOptions } from "../../src/node/main.js";
import { FUZZ_SEED } from "../fuzz/fuzz.js";

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

/** Both tiers print the same and end the same, the compiler refusing nothing; returns the compiled run. */
export async function expectTiersAgree(source: string, options: VmOptions = {}): Promise<TierRun> {
  const { interpreted, compiled } = await bothTiers(source, options);
  expect(compiled.stdout).toBe(interpreted.stdout);
  expect(compiled.error).toBe(interpreted.error);
  expect(compiled.stats.refused).toBe(0);
  return compiled;
}

/** On every program `programs` generates, both tiers print and end the same, and something was compiled. */
export function expectTiersAgreeOn(programs: fc.Arbitrary<string>): Promise<void> {
  return fc.assert(
    fc.asyncProperty(programs, async (source) => {
      const { interpreted, compiled } = await bothTiers(source, { maxSteps: 5_000_000 });
      expect(compiled.stdout, source).toBe(interpreted.stdout);
      expect(compiled.error, source).toBe(interpreted.error);
      expect(compiled.stats.compiled, source).toBeGreaterThan(0);
    }),
    { numRuns: 100, seed: FUZZ_SEED, endOnFailure: true },
  );
}
