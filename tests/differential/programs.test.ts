// The project's other programs (examples, benchmarks, and the programs of this suite, which hold
// the cases reported against workers) print the same with workers as in one VM.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";
import { runCli } from "./cli-runner.js";
import { CONFIGURATIONS, REFERENCE } from "./configurations.js";
import { KNOWN_DIFFERENCES } from "./known-differences.js";
import { difference } from "./outcome.js";
import { describePrograms } from "./program-cases.js";
import { conformancePrograms, otherPrograms, programFile } from "./program-files.js";

/** Programs not run here, with why. */
const LEFT_OUT = new Map<string, string>([
  ["bench/programs/actor_call.nc", "100 000 awaited calls, each crossing threads with workers: 10-15 s, a benchmark rather than a test"],
  ["bench/programs/spawn_await.nc", "100 000 awaited spawns, each crossing threads with workers: 8-11 s, a benchmark rather than a test"],
  [
    "bench/programs/cluster_recovery.nc",
    "waits until its actor answers from another cluster node, which only a cluster whose node is killed brings about (the cluster suite does)",
  ],
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

  it("get the flags and arguments they name", () => {
    const own = (name: string) => programFile(join(ROOT, "tests", "differential", "programs", name));
    expect(own("arguments_and_files.nc")).toMatchObject({ flags: [], args: ["one", "two"] });
    expect(own("step_limit_in_task.nc")).toMatchObject({ flags: ["--max-steps", "10000000"], args: [] });
  });
});

describe("differential: runs and differences", () => {
  it("list as known differences only programs and configurations that exist", () => {
    const names = [...conformancePrograms().flatMap((s) => s.programs), ...programs].map((p) => p.name);
    // the shared programs are not in a plain clone
    const listed = KNOWN_DIFFERENCES.filter(([p]) => !p.startsWith("generated: ") && !p.startsWith("../"));
    expect(listed.filter(([p]) => !names.includes(p))).toEqual([]);
    expect(KNOWN_DIFFERENCES.filter(([, c]) => !CONFIGURATIONS.some((k) => k.name === c))).toEqual([]);
  });

  it("kill a run that does not end, which differs from any run that does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "noodle-hang-"));
    try {
      const path = join(dir, "spin.nc");
      writeFileSync(path, "print(1)\nwhile true { }\n");
      const hung = await runCli({ path, flags: [], args: [] }, REFERENCE, 1500);
      expect(hung.hung).toBe(true);
      expect(difference({ code: 0, stdout: "1\n", stderr: "" }, hung, 1500)).toMatch(/^did not end within 1.5 s/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("name the first line that differs, in stdout and stderr, and the exit codes", () => {
    const want = { code: 1, stdout: "a\nb\n", stderr: "error[3001]: division by zero\n" };
    expect(difference(want, { ...want }, 1000)).toBeUndefined();
    expect(difference(want, { code: 0, stdout: "a\nc\n", stderr: "" }, 1000)).toBe(
      'exit 1 -> 0; stdout line 2: "b" -> "c"; stderr line 1: "error[3001]: division by zero" -> ""',
    );
    expect(difference(want, { ...want, stdout: "a\n" }, 1000)).toBe('stdout line 2: "b" -> ""');
  });
});
