// Every program of the shared conformance suite, run through the real `noodle run` command:
// standard output must match exactly, and the exit status and first stderr line must be as the
// suite's README says.
import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { cli, CONFORMANCE } from "../helpers.js";

/** Programs that need features another issue delivers. */
const AWAITING = new Map<string, string>([]);

const programs = readdirSync(CONFORMANCE).filter((f) => f.endsWith(".nc")).map((f) => f.slice(0, -3)).sort();

describe("conformance", () => {
  it("finds the suite", () => {
    expect(programs.length).toBeGreaterThanOrEqual(17);
  });
  for (const name of programs) {
    const test = AWAITING.has(name) ? it.fails : it;
    test(`${name}${AWAITING.has(name) ? ` (awaits ${AWAITING.get(name)})` : ""}`, () => {
      const base = CONFORMANCE + name;
      const r = cli(["run", base + ".nc"]);
      expect(r.stdout).toBe(readFileSync(base + ".out", "utf8"));
      if (existsSync(base + ".err")) {
        const want = readFileSync(base + ".err", "utf8").trim();
        expect(r.stderr.split("\n")[0].startsWith(want)).toBe(true);
        expect(r.code).toBe(want.startsWith("error[2") ? 2 : 1);
      } else {
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
      }
    });
  }
});
