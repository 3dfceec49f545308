// Generated concurrent programs (generated-programs.ts) print the same in every configuration as
// in one VM: stdout, stderr and exit code. They run in this process (library-runner.ts), or
// through `noodle run` in a configuration only the command line has; a few run both ways, to show
// that the two agree.
//
// NOODLE_FUZZ_RUNS sets how many programs (default GENERATED_RUNS), NOODLE_FUZZ_SEED another seed;
// on a failure fast-check prints the seed and path that replay it, and the message the program.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { FUZZ_SEED } from "../fuzz/fuzz.js";
import { runCli } from "./cli-runner.js";
import { CONFIGURATIONS, GENERATED_CONFIGURATIONS, LIBRARY_CONFIGURATIONS, REFERENCE, type RunConfiguration } from "./configurations.js";
import { FEATURES, type Feature, type GeneratedProgram, programs } from "./generated-programs.js";
import { KNOWN_DIFFERENCES } from "./known-differences.js";
import { LibraryRunner } from "./library-runner.js";
import { difference, type Outcome } from "./outcome.js";

/** Programs in `npm test`: about a minute on two busy cores. */
const GENERATED_RUNS = 60;
const RUNS = Number(process.env.NOODLE_FUZZ_RUNS) || GENERATED_RUNS;
/** Programs for each feature known to differ: enough that one of them shows the difference. */
const KNOWN_RUNS = 8;
/** A generated program runs in well under a second; this long means it hangs. */
const RUN_TIMEOUT_MS = 10_000;
/** Programs also run through the command line. */
const CLI_SAMPLES = 3;

const GENERATED = "generated: ";
const knownFeatures = KNOWN_DIFFERENCES.filter(([p]) => p.startsWith(GENERATED)).map(([p, c, reason]) => ({
  feature: p.slice(GENERATED.length) as Feature,
  configuration: c,
  reason,
}));
const usable = new Set(FEATURES.filter((f) => !knownFeatures.some((k) => k.feature === f)));

const runners = new Map<string, LibraryRunner>();
function runner(configuration: RunConfiguration): LibraryRunner {
  let r = runners.get(configuration.name);
  if (!r) runners.set(configuration.name, (r = new LibraryRunner(configuration)));
  return r;
}
afterAll(async () => {
  for (const r of runners.values()) await r.close();
});

const dir = mkdtempSync(join(tmpdir(), "noodle-generated-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** Where a program is written for a configuration the library cannot run; its name in messages everywhere. */
const FILE = join(dir, "generated.nc");

/** Runs a program in this process, or through the command line for a configuration only it runs. */
function outcomeIn(configuration: RunConfiguration, program: GeneratedProgram): Promise<Outcome> {
  if (configuration === REFERENCE || configuration.workers !== undefined || configuration.jit !== undefined)
    return runner(configuration).run(program.source, FILE, RUN_TIMEOUT_MS);
  writeFileSync(FILE, program.source);
  return runCli({ path: FILE, flags: [], args: [] }, configuration, RUN_TIMEOUT_MS);
}

/** Runs `program` in `configurations` and fails, showing the program, at the first that differs from the reference. */
async function agree(program: GeneratedProgram, configurations: RunConfiguration[]): Promise<void> {
  const want = await outcomeIn(REFERENCE, program);
  for (const configuration of configurations) {
    const found = difference(want, await outcomeIn(configuration, program), RUN_TIMEOUT_MS);
    if (found) throw new Error(`with ${configuration.name}: ${found}\nfeatures: ${program.features.join(", ") || "none"}\n--- ${FILE}\n${program.source}---`);
  }
}

const parameters = (runs: number, n: number): fc.Parameters<[GeneratedProgram]> => ({ numRuns: runs, seed: FUZZ_SEED + n, endOnFailure: true });

describe("differential: generated concurrent programs", () => {
  it(
    `print the same with ${GENERATED_CONFIGURATIONS.map((c) => c.name).join(" and ")} as in one VM (${RUNS} programs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(programs(usable), (p) => agree(p, GENERATED_CONFIGURATIONS)),
        parameters(RUNS, 0),
      );
    },
    60_000 + RUNS * 6 * RUN_TIMEOUT_MS,
  );

  for (const [n, known] of knownFeatures.entries()) {
    const configuration = CONFIGURATIONS.find((c) => c.name === known.configuration);
    it.fails(
      `using ${known.feature}, print the same with ${known.configuration} (known difference: ${known.reason})`,
      async () => {
        if (!configuration) throw new Error(`no configuration '${known.configuration}'`);
        await fc.assert(
          fc.asyncProperty(programs(usable, known.feature), (p) => agree(p, [configuration])),
          parameters(KNOWN_RUNS, 100 + n),
        );
      },
      60_000 + KNOWN_RUNS * 4 * RUN_TIMEOUT_MS,
    );
  }

  it(
    "run in this process as through the command line",
    async () => {
      const sample = fc.sample(programs(usable), { numRuns: CLI_SAMPLES, seed: FUZZ_SEED + 200 });
      for (const [n, program] of sample.entries()) {
        const path = join(dir, `sample${n}.nc`);
        writeFileSync(path, program.source);
        for (const configuration of [REFERENCE, ...LIBRARY_CONFIGURATIONS]) {
          const viaCli: Outcome = await runCli({ path, flags: [], args: [] }, configuration, RUN_TIMEOUT_MS);
          const inProcess = await runner(configuration).run(program.source, path, RUN_TIMEOUT_MS);
          expect(inProcess, `${configuration.name}\n${program.source}`).toEqual(viaCli);
        }
      }
    },
    60_000 + CLI_SAMPLES * 6 * RUN_TIMEOUT_MS,
  );

  it("generates programs of every kind of step and ending", () => {
    const sample = fc.sample(programs(new Set(FEATURES)), { numRuns: 300, seed: FUZZ_SEED });
    const text = sample.map((p) => p.source).join("\n");
    for (const piece of ["spawn t", "await all([", ".say(", ".fail(", "relay(", "timeout(", "sleep(", "async func", "catch e", "let mine = spawn"])
      expect(text).toContain(piece);
    for (const feature of FEATURES)
      expect(
        sample.some((p) => p.features.includes(feature)),
        feature,
      ).toBe(true);
  });

  it("list only features and configurations that exist among the known differences", () => {
    for (const known of knownFeatures) {
      expect(FEATURES).toContain(known.feature);
      expect(CONFIGURATIONS.map((c) => c.name)).toContain(known.configuration);
    }
  });
});
