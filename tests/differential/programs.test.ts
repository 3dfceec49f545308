// The project's other programs (examples, benchmarks, and the programs of this suite, which hold
// the cases reported against workers) print the same with workers as in one VM.
import { describe, expect, it } from "vitest";
import { describePrograms } from "./program-cases.js";
import { otherPrograms } from "./program-files.js";

/** Programs not run here, with why. */
const LEFT_OUT = new Map<string, string>([
  ["bench/programs/actor_call.nc", "100 000 awaited calls, each crossing threads with workers: 10-15 s, a benchmark rather than a test"],
  ["bench/programs/spawn_await.nc", "100 000 awaited spawns, each crossing threads with workers: 8-11 s, a benchmark rather than a test"],
]);

const programs = otherPrograms();

describePrograms(
  "differential: the project's programs",
  programs.filter((p) => !LEFT_OUT.has(p.name)),
);

describe("differential: the project's programs", () => {
  for (const [name, why] of LEFT_OUT) it.skip(`${name} is left out: ${why}`, () => {});

  it("are found, and every program left out exists", () => {
    const names = programs.map((p) => p.name);
    expect(names).toContain("examples/hello.nc");
    expect(names).toContain("tests/differential/programs/unawaited_task.nc");
    expect([...LEFT_OUT.keys()].filter((n) => !names.includes(n))).toEqual([]);
  });
});
