// Persistent actors (compile option `persistentActors`): each gets the hidden handlers `__state`,
// a map of its fields, and `__restore`, which sets its `var` fields from such a map; other actors
// get neither (a cluster checkpoints the former: tests/cluster/cluster-run.test.ts).
import { describe, expect, it } from "vitest";
import { compile, VM } from "../../src/index.js";

const SOURCE = `
actor Counter {
  var count = 0
  let step = 2
  var log = []
  func inc() { count += step; push(log, count); return count }
}
actor Plain { var n = 1 }
let c = spawn Counter()
await c.inc()
await c.inc()
print(await c.__state())
let d = spawn Counter()
await d.__restore({"count": 40, "log": [1], "step": 99})
print(await d.inc(), await d.__state())
try { await (spawn Plain()).__state() } catch e { print(e.code) }
`;

async function outputOf(persistentActors: string[]): Promise<string> {
  const compiled = compile(SOURCE, { persistentActors });
  expect(compiled.diagnostics).toEqual([]);
  let out = "";
  const vm = await VM.create({ stdout: (t) => (out += t) });
  const result = await vm.runAsync(compiled.module!);
  return out + (result.ok ? "" : result.error.render());
}

describe("persistent actors", () => {
  it("give their state as a map and restore their var fields from one (let fields stay the constructor's)", async () => {
    const out = await outputOf(["Counter"]);
    const lines = out.split("\n");
    expect(lines.slice(0, 2)).toEqual(['{"count": 4, "step": 2, "log": [2, 4]}', '42 {"count": 42, "step": 2, "log": [1, 42]}']);
    // Plain is not persistent: it has no such handler
    expect(lines[2]).toBe("3013");
  });

  it("are none by default: an actor has only the handlers it declares", async () => {
    expect(await outputOf([])).toMatch(/^error\[3013\]: Counter has no field '__state'/);
  });
});
