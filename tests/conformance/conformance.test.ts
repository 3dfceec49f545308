// Conformance programs, run through the real `noodle run` command: standard output must match
// exactly, and the exit status and first stderr line must be as the program's `.err` says (exit 2
// for a compile error, 1 for any other; no `.err`: exit 0 and nothing on stderr). The project's own
// programs always run; the spec's shared programs beside the project run when they are there.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, conformanceSuites, OWN_CONFORMANCE, SHARED_CONFORMANCE } from "../helpers.js";
import { AWAITING } from "./awaiting.js";

// The lines after an error's first: a runtime error's trace, a compile error's place.
const TRACE_LINE = /^ {2}at \S.* \(.+:\d+:\d+\)$/;
const PLACE_LINE = /^ {2}--> .+:\d+:\d+$/;

function check(dir: string, name: string): void {
  const base = join(dir, name);
  const r = cli(["run", base + ".nc"]);
  expect(r.stdout).toBe(readFileSync(base + ".out", "utf8"));
  if (existsSync(base + ".err")) {
    // each line of the .err starts one of the errors reported, in order (a compile error reports all of a file's)
    const want = readFileSync(base + ".err", "utf8")
      .trim()
      .split("\n");
    const lines = r.stderr.trimEnd().split("\n");
    const errors = lines.filter((l) => l.startsWith("error["));
    expect(lines[0].startsWith(want[0]), r.stderr).toBe(true);
    want.forEach((w, i) => expect(errors[i]?.startsWith(w), r.stderr).toBe(true));
    const compile = want[0].startsWith("error[2");
    expect(r.code).toBe(compile ? 2 : 1);
    if (compile) expect(lines[1], r.stderr).toMatch(PLACE_LINE);
    else expect(lines.slice(1).every((l) => TRACE_LINE.test(l)) && lines.length > 1, r.stderr).toBe(true);
  } else {
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }
}

const suites = conformanceSuites();

for (const suite of suites) {
  const own = suite.dir === OWN_CONFORMANCE;
  describe(`conformance: ${suite.name}`, () => {
    it("finds the programs", () => {
      expect(suite.programs.length).toBeGreaterThanOrEqual(own ? 40 : 17);
    });
    for (const name of suite.programs) {
      const awaits = own ? AWAITING.get(name) : undefined;
      const test = awaits ? it.fails : it;
      test(`${name}${awaits ? ` (awaits ${awaits})` : ""}`, () => check(suite.dir, name));
    }
  });
}

describe("conformance suites", () => {
  // a plain clone has no ../shared: the run says so and passes
  if (suites.length === 1) it.skip("../shared/conformance is not present beside the project", () => {});

  it("run without the shared programs when they are missing", () => {
    const names = conformanceSuites(join(OWN_CONFORMANCE, "no-such-folder")).map((s) => s.name);
    expect(names).toEqual(["tests/conformance/programs"]);
    expect(conformanceSuites(SHARED_CONFORMANCE).length).toBe(existsSync(SHARED_CONFORMANCE) ? 2 : 1);
  });

  it("list no awaited program that does not exist", () => {
    const own = suites[0].programs;
    expect([...AWAITING.keys()].filter((name) => !own.includes(name))).toEqual([]);
  });
});
