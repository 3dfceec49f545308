// An asynchronous run shares its thread: between slices the event loop turns, so timers and
// signals are handled while a program computes, and the host can interrupt the run (1006).
import { describe, expect, it } from "vitest";
import type { NbcModule } from "../../src/bytecode/module.js";
import { compile } from "../../src/compiler/compile.js";
import { Noodle } from "../../src/index.js";
import { VM } from "../../src/runtime/vm.js";

function moduleOf(source: string): NbcModule {
  const c = compile(source, { file: "interrupt.nc" });
  if (!c.ok || !c.module) throw new Error(c.diagnostics.map((d) => d.message).join("\n"));
  return c.module;
}

describe("VM.interrupt", () => {
  it("stops an endless loop with 1006, and the session goes on with what the run left", async () => {
    let out = "";
    const session = await Noodle.create({ stdout: (t) => (out += t) });
    const run = session.evalAsync(`print("started")\nvar i = 0\nwhile true { i += 1 }\n`);
    // a timer fires while the program computes: the run lets the event loop turn
    setTimeout(() => expect(session.vm.interrupt()).toBe(true), 50);
    const r = await run;
    expect([r.error?.code, r.error?.message]).toEqual([1006, "interrupted"]);
    expect(out).toBe("started\n");
    const next = await session.evalAsync("i > 0");
    expect(next.value).toBe(true);
  });

  it("stops the tasks of the run too, not only its main fiber", async () => {
    const vm = await VM.create({ stdout: () => {} });
    const run = vm.runAsync(moduleOf(`func spin() {\n  while true { }\n}\nlet a = spawn spin()\nlet b = spawn spin()\nawait a\n`));
    setTimeout(() => vm.interrupt(), 50);
    const outcome = await run;
    expect(outcome.ok ? 0 : outcome.error.code).toBe(1006);
    expect(vm.core.fiberCount()).toBe(0);
  });

  it("is refused when no asynchronous run is going on, and a refused one does not stop a later run", async () => {
    const vm = await VM.create({ stdout: () => {} });
    expect(vm.interrupt()).toBe(false);
    const outcome = await vm.runAsync(moduleOf(`var s = 0\nfor i in 0..1000 { s += i }\nprint(s)\n`));
    expect(outcome.ok).toBe(true);
  });
});
