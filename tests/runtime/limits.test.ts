// Bounded failure: recursion with a depth limit too large to reach ends with a coded memory
// error and a short trace (it used to end in a V8 heap abort while the host read a trace of
// millions of frames), and 4001 without a limit says how large the heap grew.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler/compile.js";
import { VM } from "../../src/runtime/vm.js";
import { cli } from "../helpers.js";

const RECURSION = "func f(n) { return f(n + 1) + 1 }\nf(0)\n";

/**
 * Loads `source` in a VM whose WebAssembly memory is then made as full as it can be (the host
 * reserves it, quickly), and runs it.
 */
async function runInFullMemory(source: string, maxDepth: number): Promise<{ vm: VM; outcome: ReturnType<VM["run"]> }> {
  const vm = await VM.create({ stdout: () => {}, maxDepth });
  const entry = vm.load(compile(source, { file: "full.nc" }).module!);
  for (let size = 0xf000_0000; size >= 16; ) {
    if (vm.core.allocTable(size) === 0) size = Math.floor(size / 2);
  }
  return { vm, outcome: vm.runFunction(entry) };
}

describe("bounded failure", () => {
  it("--max-depth 1000000000 with unbounded recursion ends with 4001 and a short trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "noodle-limits-"));
    const path = join(dir, "deep.nc");
    writeFileSync(path, RECURSION);
    const r = cli(["run", "--max-depth", "1000000000", "--max-memory", "64m", path]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe("error[4001]: memory limit exceeded (67108864 bytes)");
    // the innermost frame may stand at another instruction of f than the rest
    expect(lines.length).toBeLessThanOrEqual(14);
    expect(lines[lines.length - 2]).toMatch(/^ {2}\.\.\. [\d ]+ more calls of f$/);
    expect(lines[lines.length - 1]).toBe(`  at <main> (${path}:2:1)`);
  });

  it("without a memory limit, recursion that exhausts WebAssembly memory is 4001 naming the heap size", async () => {
    const { vm, outcome } = await runInFullMemory(RECURSION, 1_000_000_000);
    const error = outcome.ok ? undefined : outcome.error;
    expect(error?.code).toBe(4001);
    const heap = vm.heapStats().committed;
    expect(error?.message).toBe(`memory limit exceeded (no limit was set; the heap reached ${heap} bytes and could not grow)`);
    // memory is too full here to record even a short trace; the error itself is whole
    expect(error?.render().split("\n").length).toBeLessThanOrEqual(14);
  });

  it("without a memory limit, an allocation that cannot be had is 4001 naming the heap size, not (0 bytes)", async () => {
    const { vm, outcome } = await runInFullMemory("var xs = []\nwhile true { push(xs, [1, 2, 3]) }", 10_000);
    const error = outcome.ok ? undefined : outcome.error;
    expect(error?.code).toBe(4001);
    expect(error?.message).not.toContain("(0 bytes)");
    expect(error?.message).toBe(`memory limit exceeded (no limit was set; the heap reached ${vm.heapStats().committed} bytes and could not grow)`);
  });
});
