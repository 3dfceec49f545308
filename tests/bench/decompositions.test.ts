// The linalg suite's decomposition cases as the command runs them: Noodle, ml-matrix and the numpy
// peer each factor the same matrix and pass the suite's check of the defining equalities; numpy
// is skipped with its reason where python3 cannot import it.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

type Line = Record<string, unknown>;

const hasNumpy = spawnSync("python3", ["-c", "import numpy"]).status === 0;

describe("the linalg suite's decompositions", () => {
  it("check chol-500 and eigh-500 on Noodle, ml-matrix and numpy", () => {
    const r = spawnSync("node", ["bench/run.js", "linalg", "--case", "chol-500,eigh-500", "--impl", "noodle,ml-matrix,numpy", "--runs", "1", "--warmup", "0"], {
      encoding: "utf8",
      timeout: 120_000,
    });
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Line);
    const cases = lines.filter((l) => l.case !== undefined);
    const ran = (impl: string) => cases.filter((l) => l.impl === impl);
    for (const impl of ["noodle", "ml-matrix"]) {
      expect(
        ran(impl).map((l) => [l.case, l.ok]),
        impl,
      ).toEqual([
        ["chol-500", true],
        ["eigh-500", true],
      ]);
    }
    for (const l of cases) if (l.ok) expect(l.residual as number, `${l.impl} ${l.case}`).toBeLessThan(1e-13);
    if (hasNumpy) {
      expect(ran("numpy").map((l) => [l.case, l.ok, (l.version as string).startsWith("numpy ")])).toEqual([
        ["chol-500", true, true],
        ["eigh-500", true, true],
      ]);
      expect(ran("numpy")[0].startup_ms as number).toBeGreaterThan(0);
    } else {
      expect(lines.find((l) => l.impl === "numpy" && l.skipped)?.reason).toMatch(/numpy|python3/);
    }
    expect(r.status).toBe(0);
  }, 180_000);
});
