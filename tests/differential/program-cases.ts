// One test per program file and configuration: the program run by `noodle run` in that
// configuration gives exactly the reference run's stdout, stderr and exit code.
import { describe, expect, it } from "vitest";
import { RUN_TIMEOUT_MS, runCli } from "./cli-runner.js";
import { CONFIGURATIONS, REFERENCE } from "./configurations.js";
import { knownDifference } from "./known-differences.js";
import { difference, type Outcome } from "./outcome.js";
import type { ProgramFile } from "./program-files.js";

/** With NOODLE_DIFF_REPORT set, every difference found is printed in one line, known or not. */
const REPORT = Boolean(process.env.NOODLE_DIFF_REPORT);

/** The runs of one program: the reference, then every configuration at once, each allowed `limit` ms. */
interface ProgramRuns {
  reference: Outcome;
  runs: Map<string, Promise<Outcome>>;
  limit: number;
}

/**
 * The reference run first; then the runs in every other configuration start together (they wait
 * on each other's threads less than on the cores, and a hang costs its time once), each allowed
 * RUN_TIMEOUT_MS or five times the reference's time, whichever is longer (a long computation
 * run three times at once on a busy machine is not a hang).
 */
async function runEverywhere(program: ProgramFile): Promise<ProgramRuns> {
  const started = performance.now();
  const reference = await runCli(program, REFERENCE, 2 * RUN_TIMEOUT_MS);
  const limit = Math.max(RUN_TIMEOUT_MS, Math.ceil(5 * (performance.now() - started)));
  return { reference, runs: new Map(CONFIGURATIONS.map((c) => [c.name, runCli(program, c, limit)])), limit };
}

/** For each program, one test per configuration; its runs start when its first test begins. */
export function describePrograms(title: string, programs: ProgramFile[]): void {
  describe(title, () => {
    for (const program of programs) {
      let everywhere: Promise<ProgramRuns> | undefined;
      for (const configuration of CONFIGURATIONS) {
        const known = knownDifference(program.name, configuration.name);
        const test = known ? it.fails : it;
        test(
          `${program.name} with ${configuration.name}${known ? ` (known difference: ${known})` : ""}`,
          async () => {
            everywhere ??= runEverywhere(program);
            const { reference, runs, limit } = await everywhere;
            const found = difference(reference, await runs.get(configuration.name)!, limit);
            if (found && REPORT) console.log(`differs: ${program.name} | ${configuration.name} | ${found}`);
            expect(found, `${program.name} with ${configuration.name}`).toBeUndefined();
          },
          // the reference, and the runs that may take five times as long
          20 * RUN_TIMEOUT_MS,
        );
      }
    }
  });
}
