// The playground's examples stay valid programs: each runs to its end under `noodle run`, with
// nothing on stderr, and prints the same with a pool of workers.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

const EXAMPLES = join(ROOT, "web/examples");
const names = readdirSync(EXAMPLES).filter((f) => f.endsWith(".nc"));

function run(file: string, extra: string[]): { code: number | null; stdout: string; stderr: string } {
  // each run in a folder of its own: the store example makes its store in the working directory
  const cwd = mkdtempSync(join(tmpdir(), "noodle-example-"));
  try {
    const r = spawnSync(process.execPath, [join(ROOT, "bin/noodle.js"), "run", ...extra, join(EXAMPLES, file)], { encoding: "utf8", timeout: 60_000, cwd });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

describe("the playground's examples", () => {
  it("are at least eight, among them matrices, a regression, tasks, actors, categories, a store and recursion", () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const n of ["matrices", "regression", "monte-carlo", "actors", "category", "store", "recursion"]) expect(names).toContain(`${n}.nc`);
  });

  it.each(names)("%s runs to its end in one VM and prints the same with two workers", (file) => {
    const one = run(file, []);
    expect(one.stderr).toBe("");
    expect(one.code).toBe(0);
    expect(one.stdout.length).toBeGreaterThan(0);
    const pool = run(file, ["--workers", "2"]);
    expect(pool).toEqual(one);
  });
});
