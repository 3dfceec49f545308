// A replica gets only the globals the function it runs can reach, so a task does not copy the
// program's unrelated (maybe large) data.
import { describe, expect, it } from "vitest";
import { decodeValue, WIRE } from "../../src/codec/value-codec.js";
import { reachableGlobals, replicaOf, writesGlobals } from "../../src/concurrency/replica-source.js";
import { VM } from "../../src/index.js";
import { moduleOf } from "./pool-helpers.js";

const module = moduleOf(`
var big = range(0, 100000)
let scale = 3
func helper(x) { return x * scale }
func task(x) { return helper(x) + 1 }
var fnref = helper
func viaRef(x) { return fnref(x) }
func nested(x) { let g = y => y + scale; return g(x) }
func alone(x) { return x }
func writes(x) { big = x }
func callsWriter(x) { return writes(x) }
func makesWriter() { return x => writes(x) }
func counterFrom(k) { return () => k + 1 }
let bump = counterFrom(1)
func usesClosure() { return bump() }
`);

async function loaded(): Promise<{ vm: VM; global: (name: string) => number; fn: (name: string) => number }> {
  const vm = await VM.create();
  const r = vm.run(module);
  if (!r.ok) throw r.error;
  const global = (name: string) => module.globalBase + module.globals.indexOf(name);
  const fn = (name: string) => vm.globalFunction(global(name))!;
  return { vm, global, fn };
}

describe("the globals a replica gets", () => {
  it("tell whether reachable code assigns a global, or reaches one that cannot be copied", async () => {
    const { vm, fn } = await loaded();
    expect([writesGlobals(vm, fn("writes")), writesGlobals(vm, fn("callsWriter")), writesGlobals(vm, fn("makesWriter"))]).toEqual([true, true, true]);
    expect([writesGlobals(vm, fn("task")), writesGlobals(vm, fn("alone")), writesGlobals(vm, fn("viaRef"))]).toEqual([false, false, false]);
    expect(replicaOf(vm, fn("task")).incomplete).toBeUndefined();
    expect(replicaOf(vm, fn("usesClosure")).incomplete).toBe(true);
  });

  it("are those a function names, those of the functions it calls or creates, and no others", async () => {
    const { vm, global, fn } = await loaded();
    const names = (proto: number) => [...reachableGlobals(vm, proto)].map((g) => module.globals[g - module.globalBase]).sort();
    expect(names(fn("task"))).toEqual(["helper", "scale"]);
    expect(names(fn("viaRef"))).toEqual(["fnref", "scale"]);
    expect(names(fn("nested"))).toEqual(["scale"]);
    expect(names(fn("alone"))).toEqual([]);
    expect(names(fn("writes"))).toEqual(["big"]);
    expect(global("big")).toBeGreaterThanOrEqual(0);
  });

  it("copies the reached values only", async () => {
    const { vm, fn } = await loaded();
    const copied = (proto: number) => (decodeValue(replicaOf(vm, proto).globals, WIRE) as unknown[]).filter((e) => e !== null);
    expect(copied(fn("alone"))).toEqual([]);
    expect(copied(fn("task"))).toEqual(
      [
        [module.globals.indexOf("helper") + module.globalBase, "f", fn("helper")],
        [module.globals.indexOf("scale") + module.globalBase, "v", 3],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );
    // the large list goes only with the function that uses it
    expect(replicaOf(vm, fn("task")).globals.length).toBeLessThan(200);
    expect(replicaOf(vm, fn("writes")).globals.length).toBeGreaterThan(100000);
  });
});
