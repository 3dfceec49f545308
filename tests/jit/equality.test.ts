// Equality in compiled code: with nil, the booleans or numbers it runs inline (binarytrees asks
// `node[0] == nil` at every node), with the core's answers; two objects still go to the core.
import { describe, expect, it } from "vitest";
import { loadBinaryen } from "../../src/jit/binaryen-loader.js";
import { compileToBytes } from "../../src/jit/compile-job.js";
import { compile } from "../../src/node/main.js";
import { bothTiers } from "./run-tiers.js";

/** The core functions the compiled module of function `name` imports. */
async function coreImports(source: string, name: string): Promise<string[]> {
  const binaryen = await loadBinaryen();
  if (!binaryen) throw new Error("binaryen did not load");
  const c = compile(source, { file: "equality.nc" });
  if (!c.ok || !c.module) throw new Error("the program does not compile");
  const proto = c.module.functions.find((f) => f.name === name);
  if (!proto) throw new Error(`no function ${name}`);
  const bytes = compileToBytes(
    binaryen,
    proto,
    c.module.constants.map((k) => k.value),
  );
  if (!bytes) throw new Error(`${name} was refused`);
  return WebAssembly.Module.imports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>))
    .filter((i) => i.kind === "function")
    .map((i) => i.name);
}

describe("equality in compiled code", () => {
  it("compares with nil without calling the core, and two unknown values through it", async () => {
    const source = `
      func leaf(node) { return node[0] == nil }
      func same(a, b) { return a == b }
    `;
    expect(await coreImports(source, "leaf")).not.toContain("jitEqual");
    expect(await coreImports(source, "same")).toContain("jitEqual");
  });

  it("gives the interpreter's answers for nil, booleans, numbers, strings and lists", async () => {
    const { interpreted, compiled } = await bothTiers(`
      func eq(a, b) { return [a == b, a != b] }
      func jump(a, b) {
        if a == b { return "same" }
        return "differs"
      }
      var values = [nil, false, true, 0, -0, 1, sqrt(-1), "", "a", [1], [1], [nil], [nil, nil]]
      var out = []
      for a in values {
        for b in values { push(out, [eq(a, b)[0], jump(a, b)]) }
      }
      print(out)
    `);
    expect(compiled.stdout).toBe(interpreted.stdout);
    expect(compiled.error).toBe("");
    expect(compiled.stats).toMatchObject({ refused: 0, deopts: 0, abandoned: 0 });
  });
});
