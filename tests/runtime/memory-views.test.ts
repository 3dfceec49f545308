// Values cross between JavaScript and a VM through views of the core's memory that are kept
// from call to call; when the memory grows (its old buffer detached), they are made again.
// Short ASCII strings are read byte by byte, others through the UTF-8 decoder.
import { describe, expect, it } from "vitest";
import { compile, VM } from "../../src/index.js";

const SOURCE = `
var keep = nil
func echo(a, b, c) { return [a, b, c, len(b)] }
func grow(n) { keep = zeros(n, n); return rows(keep) }
`;

describe("values across a growing memory", () => {
  it("reads strings short and long, ASCII or not, as they were written", async () => {
    const c = compile(SOURCE, { file: "views.nc" });
    if (!c.ok || !c.module) throw new Error("does not compile");
    const vm = await VM.create();
    expect(vm.run(c.module).ok).toBe(true);
    const echo = c.module.globalBase + c.module.globals.indexOf("echo");
    const texts = ["", "a", "hit", "\u0000\u007f", "x".repeat(16), "y".repeat(17), "café", "🍜 noodles", "abcdefghijklmnoé", "z".repeat(40)];
    for (const text of texts) {
      const r = vm.callGlobal(echo, [null, text, null]);
      if (!r.ok) throw r.error;
      expect((r.value as unknown[])[1]).toBe(text);
    }
  });

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
