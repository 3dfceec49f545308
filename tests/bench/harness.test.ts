// The benchmark harness's implementations that share a name: one line per name and case, from the
// way that has a source for the case, and the reason of a way that did not start.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript shared with the benchmark runners
import { runSuite } from "../../bench/harness.js";

type Line = Record<string, unknown>;

/** An implementation that prints `name:lang:path` for every run, or that fails to start. */
function fake(name: string, lang: string, failure?: string) {
  return {
    name,
    lang,
    async init() {
      return failure ? { ok: false, reason: failure } : { ok: true, fields: { way: lang } };
    },
    async prepare(_case: unknown, path: string) {
      return { run: () => `${name}:${lang}:${path}\n` };
    },
  };
}

async function linesOf(cases: object[], impls: object[]): Promise<Line[]> {
  const lines: Line[] = [];
  await runSuite({ name: "t", cases }, impls, { warmup: 0, runs: 1, emit: (l: Line) => lines.push(l) });
  return lines;
}

describe("implementations sharing a name", () => {
  it("run each case on the way that has a source for it, one line per name", async () => {
    const cases = [
      { name: "one", sources: { x: "1.x", js: "1.js" } },
      { name: "two", sources: { y: "2.y" } },
      { name: "three", sources: { z: "3.z" } },
    ];
    const lines = await linesOf(cases, [fake("noodle", "x"), fake("noodle", "y"), fake("js", "js")]);
    const byCase = (c: string) => lines.filter((l) => l.case === c).map((l) => [l.impl, l.way ?? l.reason]);
    expect(byCase("one")).toEqual([
      ["noodle", "x"],
      ["js", "js"],
    ]);
    expect(byCase("two")).toEqual([
      ["noodle", "y"],
      ["js", "no js program for this case"],
    ]);
    expect(byCase("three")).toEqual([
      ["noodle", "no x or y program for this case"],
      ["js", "no js program for this case"],
    ]);
    const summary = lines.at(-1)!;
    expect(Object.keys(summary.ratios as object)).toEqual(["js"]);
  });

  it("skip a case with the reason of the way that would run it when that way did not start", async () => {
    const cases = [
      { name: "one", sources: { x: "1.x" } },
      { name: "two", sources: { y: "2.y" } },
    ];
    const lines = await linesOf(cases, [fake("noodle", "x"), fake("noodle", "y", "runs under Node only")]);
    expect(lines[0]).toMatchObject({ impl: "noodle", skipped: true, reason: "runs under Node only" });
    expect(lines.filter((l) => l.case).map((l) => [l.case, l.ok ?? l.reason])).toEqual([
      ["one", true],
      ["two", "runs under Node only"],
    ]);
  });
});
