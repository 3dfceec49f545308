// One test per program file and configuration: the program run by `noodle run` in that
// configuration gives exactly the reference run's stdout, stderr and exit code.
import { describe, expect, it } from "vitest";
import { RUN_TIMEOUT_MS, runCli } from "./cli-runner.js";
import { CONFIGURATIONS, REFERENCE, type RunConfiguration } from "./configurations.js";
import { knownDifference } from "./known-differences.js";
import { difference, type Outcome } from "./outcome.js";
import type { ProgramFile } from "./program-files.js";

/** With NOODLE_DIFF_REPORT set, every difference found is printed in one line, known or not. */
const REPORT = Boolean(process.env.NOODLE_DIFF_REPORT);

/**
 * For each program, one test per configuration. A program's runs in every configuration start
 * together when its first test begins (they wait on each other's threads less than on the cores,
 * and a hang costs its time once), so each test waits only for its own and the reference.
 */
export function describePrograms(title: string, programs: ProgramFile[]): void {
  describe(title, () => {
    for (const program of programs) {
      let runs: Map<string, Promise<Outcome>> | undefined;
      const outcomeIn = (configuration: RunConfiguration): Promise<Outcome> => {
        runs ??= new Map([REFERENCE, ...CONFIGURATIONS].map((c) => [c.name, runCli(program, c)]));
        return runs.get(configuration.name)!;
      };
      for (const configuration of CONFIGURATIONS) {
        const known = knownDifference(program.name, configuration.name);
        const test = known ? it.fails : it;
        test(
          `${program.name} with ${configuration.name}${known ? ` (known difference: ${known})` : ""}`,
          async () => {
            const [want, got] = await Promise.all([outcomeIn(REFERENCE), outcomeIn(configuration)]);
            const found = difference(want, got, RUN_TIMEOUT_MS);
            if (found && REPORT) console.log(`differs: ${program.name} | ${configuration.name} | ${found}`);
            expect(found, `${program.name} with ${configuration.name}`).toBeUndefined();
          },
          RUN_TIMEOUT_MS + 20_000,
        );
      }
    }
  });
}
