// `noodle run --workers N`: the program's spawned tasks, pmap and large products run on a pool of
// threads, with the same output; that pmap ran elsewhere shows in what a pmap'd function changes
// in the program's globals (on a worker, it changes a copy).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers.js";

const dir = mkdtempSync(join(tmpdir(), "noodle-workers-"));
const program = (name: string, source: string): string => {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
};

describe("noodle run --workers", () => {
  it("gives the same output for pmap and a large product", () => {
    const path = program(
      "pure.nc",
      `func sq(x) { return x * x + offset }
let offset = 1
print(sum(pmap(range(0, 2000), sq)))
let C = rand(300, 300, 1) * rand(300, 300, 2)
print(rows(C), cols(C), C[17, 42], sum(C))
`,
    );
    const alone = cli(["run", path]);
    const pooled = cli(["run", "--workers", "2", path]);
    expect(alone.code).toBe(0);
    expect(pooled).toEqual(alone);
  });

  it("runs pmap's calls on the workers", () => {
    const path = program(
      "counted.nc",
      `var calls = 0
func f(x) { calls += 1; return x + 1 }
print(pmap(range(0, 50), f)[49], calls)
`,
    );
    expect(cli(["run", path]).stdout).toBe("50 50\n");
    expect(cli(["run", "--workers", "2", path]).stdout).toBe("50 0\n");
  });

  it("runs spawned tasks of top-level functions on the workers, errors keeping their codes", () => {
    const path = program(
      "tasks.nc",
      `func work(n) { var s = 0; for i in 0..n { s += i }; return s }
func boom() { throw error(4243, "task failed") }
print(await all([spawn work(10), spawn work(100), spawn work(1000)]))
try { await spawn boom() } catch e { print(e.code, e.message) }
let local = 7
print(await spawn (() => local * 2)())
`,
    );
    expect(cli(["run", path]).stdout).toBe("[45, 4950, 499500]\n4243 task failed\n14\n");
    // the closure capturing `local` ran here
    expect(cli(["run", "--workers", "2", path]).stdout).toBe("[45, 4950, 499500]\n4243 task failed\n14\n");
  });

  it("refuses a count that is not a number of threads", () => {
    const r = cli(["run", "--workers", "0", join(dir, "pure.nc")]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("--workers expects a number of threads");
  });
});
