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

describe("--alternate", () => {
  /** An implementation that records the order of its runs in `log`, and can fail on its nth run. */
  function logging(name: string, log: string[], failOn?: number) {
    let n = 0;
    return {
      name,
      lang: "x",
      async init() {
        return { ok: true };
      },
      async prepare() {
        return {
          run: () => {
            n++;
            log.push(name);
            if (n === failOn) throw new Error(`${name} broke`);
            return "out\n";
          },
        };
      },
    };
  }

  async function run(alternate: boolean, impls: object[]): Promise<Line[]> {
    const lines: Line[] = [];
    const cases = [{ name: "c", sources: { x: "c.x" }, expected: "out\n" }];
    await runSuite({ name: "t", cases }, impls, { warmup: 1, runs: 3, alternate, emit: (l: Line) => lines.push(l) });
    return lines;
  }

  it("takes the implementations' timed runs in turn, after each one's warm-up", async () => {
    const log: string[] = [];
    const lines = await run(true, [logging("noodle", log), logging("peer", log)]);
    expect(log).toEqual(["noodle", "peer", "noodle", "peer", "noodle", "peer", "noodle", "peer"]);
    expect(lines.filter((l) => l.case === "c").map((l) => [l.impl, l.ok, (l.samples as number[]).length])).toEqual([
      ["noodle", true, 3],
      ["peer", true, 3],
    ]);
  });

  it("runs one implementation after the other without it, and drops one that fails from the turns", async () => {
    const log: string[] = [];
    await run(false, [logging("noodle", log), logging("peer", log)]);
    expect(log).toEqual(["noodle", "noodle", "noodle", "noodle", "peer", "peer", "peer", "peer"]);
    const turns: string[] = [];
    const lines = await run(true, [logging("noodle", turns, 2), logging("peer", turns)]);
    expect(turns).toEqual(["noodle", "peer", "noodle", "peer", "peer", "peer"]);
    expect(lines.find((l) => l.impl === "noodle")).toMatchObject({ ok: false, error: "noodle broke" });
    expect(lines.find((l) => l.impl === "peer")).toMatchObject({ ok: true });
  });
});
