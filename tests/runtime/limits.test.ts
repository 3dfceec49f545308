// Bounded failure: recursion with a depth limit too large to reach ends with a coded memory
// error and a short trace (it used to end in a V8 heap abort while the host read a trace of
// millions of frames), and 4001 without a limit says how large the heap grew.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler/compile.js";
import { VM } from "../../src/runtime/vm.js";
import { cli, runSource } from "../helpers.js";

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

  // Making an error (its message, its trace) and unwinding to a handler takes the time of
  // thousands of instructions, so a caught error costs 64 steps and one per frame on the stack.
  const CATCHES = `
    var caught = 0
    var z = nil
    func at(depth) { if depth == 0 { return z[1] } return at(depth - 1) }
    while caught < 2000 { try { at(DEPTH) } catch e { caught += 1 } }
    print(caught)`;

  it("a caught error costs the budget what it takes to make, not one step", async () => {
    // a turn takes 80 steps (160 000 in all), of which 66 for the catch; 30 000 when a catch took one
    const shallow = await runSource(CATCHES.replace("DEPTH", "0"), { maxSteps: 100_000 });
    expect(shallow.error?.code).toBe(4002);
    expect(shallow.output).toBe("");
    expect((await runSource(CATCHES.replace("DEPTH", "0"), { maxSteps: 200_000 })).output).toBe("2000\n");
  });

  it("a caught error raised deep in the stack costs a step per frame it walks", async () => {
    // a turn takes 280 steps (560 000 in all): 101 calls down, 13 for the loop, 64 and one per
    // frame (102) for the catch; 360 000 in all if the frames were not counted
    expect((await runSource(CATCHES.replace("DEPTH", "100"), { maxSteps: 450_000 })).output).toBe("");
    expect((await runSource(CATCHES.replace("DEPTH", "100"), { maxSteps: 1_000_000 })).output).toBe("2000\n");
  });
});
