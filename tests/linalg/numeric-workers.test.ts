// The numerical builtins of spec 1.1 print the same with workers as in one VM: a program whose
// pmap'd calls and spawned tasks build, reduce, broadcast and contract arrays (and fail with
// 5002) runs through `noodle run` alone and with pools of 1 and 2 workers.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers.js";

const PROGRAM = `func stats(seed) {
  let X = hstack([linspace(0, 1, 4)', randn(4, 3, seed)])
  let T = reshape(X, [2, 2, 4]) .^ 2 + reshape(matrix([[1, 2, 3, 4]]), [1, 4])
  let E = einsum("bij,bjk->bik", T, permute(T, [0, 2, 1]))
  var code = 0
  try { sum(T, 3) } catch e { code = e.code }
  return [sum(X, 0), std(X, 1), argmax(X), amin(T, 2), cumsum(X, 1), sum(E), var(exp(X)), code]
}
for r in pmap(range(1, 7), stats) { print(r) }
let tasks = map(range(7, 10), s => spawn stats(s))
for t in tasks { print(await t) }
`;

describe("numerical builtins with workers", () => {
  it("print what one VM prints, from pmap and from spawned tasks", () => {
    const dir = mkdtempSync(join(tmpdir(), "noodle-numeric-"));
    const path = join(dir, "numeric.nc");
    writeFileSync(path, PROGRAM);
    const alone = cli(["run", path]);
    expect(alone.stderr).toBe("");
    expect(alone.code).toBe(0);
    const lines = alone.stdout.trim().split("\n");
    expect(lines).toHaveLength(9);
    expect(lines.every((l) => l.endsWith(", 5002]"))).toBe(true);
    for (const workers of ["1", "2"]) expect(cli(["run", "--workers", workers, path]), `--workers ${workers}`).toEqual(alone);
  });
});
