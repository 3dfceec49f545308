// Values cross between JavaScript and a VM through views of the core's memory that are kept
// from call to call; when the memory grows (its old buffer detached), they are made again.
import { describe, expect, it } from "vitest";
import { compile, VM } from "../../src/index.js";

const SOURCE = `
var keep = nil
func echo(a, b, c) { return [a, b, c, len(b)] }
func grow(n) { keep = zeros(n, n); return rows(keep) }
`;

describe("values across a growing memory", () => {
  it("reads and writes values before and after the core's memory grows", async () => {
    const c = compile(SOURCE, { file: "views.nc" });
    if (!c.ok || !c.module) throw new Error("does not compile");
    const m = c.module;
    const vm = await VM.create();
    expect(vm.run(m).ok).toBe(true);
    const index = (name: string) => m.globalBase + m.globals.indexOf(name);
    const call = (name: string, args: unknown[]) => {
      const r = vm.callGlobal(index(name), args);
      if (!r.ok) throw r.error;
      return r.value;
    };
    expect(call("echo", [1.5, "before", [true, null]])).toEqual([1.5, "before", [true, null], 6]);
    for (const n of [1000, 2000, 3000]) {
      expect(call("grow", [n])).toBe(n);
      expect(call("echo", [n + 0.25, `after ${n}`, [n]])).toEqual([n + 0.25, `after ${n}`, [n], `after ${n}`.length]);
      expect(vm.global(index("keep"))).toMatchObject({ shape: [n, n] });
    }
    // 72 MB of matrix: the memory (64 pages, 4 MiB, at the start) grew several times
    expect(vm.heapStats().committed).toBeGreaterThan(72e6);
  });
});
