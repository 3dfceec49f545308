// Futures, actors and their methods as JavaScript sees them, and where they cannot go.
import { describe, expect, it } from "vitest";
import { encodeValue } from "../../src/codec/value-codec.js";
import { Noodle } from "../../src/index.js";
import { displayValue } from "../../src/runtime/values.js";

describe("futures and actors in JavaScript", () => {
  it("read as descriptions, shown as print shows them", async () => {
    const s = await Noodle.create({ stdout: () => {} });
    s.eval(`
      actor Box { var v = 1; func get() { return v } }
      func one() { return 1 }
      let b = spawn Box()
      let done = spawn one()
      await done
      let m = b.get`);
    expect(s.get("done")).toEqual({ kind: "future", state: "resolved" });
    expect(s.get("b")).toEqual({ kind: "actor", name: "Box" });
    expect(s.get("m")).toEqual({ kind: "function", name: "Box.get" });
    expect(displayValue(s.get("done"))).toBe("<future>");
    expect(displayValue(s.get("b"))).toBe("<actor Box>");
    expect(displayValue(s.get("m"))).toBe("<func Box.get>");
  });

  it("cannot be stored", () => {
    expect(() => encodeValue({ kind: "future", state: "resolved" })).toThrow(TypeError);
    expect(() => encodeValue({ kind: "actor", name: "Box" })).toThrow(TypeError);
  });

  it("a session keeps actors between evals", async () => {
    let out = "";
    const s = await Noodle.create({ stdout: (t) => (out += t) });
    s.eval(`actor Tally { var n = 0; func add(k) { n += k; return n } }\nlet t = spawn Tally()`);
    s.eval(`t.add(2)`);
    s.eval(`print(await t.add(3))`);
    expect(out).toBe("5\n");
  });
});
