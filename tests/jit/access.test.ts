// List items and struct fields read and written by compiled code in the core's memory, and every
// case that leaves the inline path for the core's: an index out of range or not an integer, a
// value that is no list or no struct, a struct of another kind at the same instruction, a field
// its kind lacks, an error's fields, items that are not numbers in a numeric register, and stores
// of references while the collector runs and while a region is open (the write barrier's case).
import { describe, expect, it } from "vitest";
import { loadBinaryen } from "../../src/jit/binaryen-loader.js";
import { compileToBytes } from "../../src/jit/compile-job.js";
import { compile } from "../../src/node/main.js";
import { expectTiersAgree } from "./run-tiers.js";

const agree = expectTiersAgree;

const STRUCTS = `
  struct P { x: number, y: number }
  struct Q { y: number, x: number, z: number }
`;

describe("struct fields in compiled code", () => {
  it("reads and writes fields of structs of several kinds at the same instruction", async () => {
    const compiled = await agree(`${STRUCTS}
      func sum(ps) {
        var s = 0
        for p in ps { s += p.x * 10 + p.y }
        return s
      }
      func bump(ps, n) {
        for k in 0..n {
          for p in ps { p.x = p.x + 1 }
        }
      }
      let ps = [P { x: 1, y: 2 }, Q { y: 3, x: 4, z: 5 }, P { x: 6, y: 7 }, Q { y: 8, x: 9, z: 0 }]
      bump(ps, 100)
      print(sum(ps), ps[1].z, ps)
    `);
    expect(compiled.stdout).toBe("4220 5 [P { x: 101, y: 2 }, Q { y: 3, x: 104, z: 5 }, P { x: 106, y: 7 }, Q { y: 8, x: 109, z: 0 }]\n");
    expect(compiled.stats.compiled).toBe(2);
  });

  it("raises the interpreter's error for a field the struct lacks and for a value that is no struct", async () => {
    const missing = await agree(`${STRUCTS}
      func zs(ps) {
        var s = 0
        for p in ps { s += p.z }
        return s
      }
      print(zs([Q { y: 1, x: 2, z: 3 }]))
      print(zs([Q { y: 1, x: 2, z: 3 }, P { x: 1, y: 2 }]))
    `);
    expect(missing.stdout).toBe("3\n");
    expect(missing.error).toMatch(/^error\[3013\]: struct has no field 'z'\n {2}at zs \(tiers\.nc:7:/);
    const notStruct = await agree(`${STRUCTS}
      func setX(ps) {
        for p in ps { p.x = 0 }
        return len(ps)
      }
      print(setX([P { x: 1, y: 2 }]))
      print(setX([P { x: 1, y: 2 }, [1, 2]]))
    `);
    expect(notStruct.error).toMatch(/^error\[3013\]/);
  });

  it("reads fields that hold strings, lists and errors' fields through the same code", async () => {
    const compiled = await agree(`${STRUCTS}
      struct Named { name: string, tags: list }
      func describe(xs) {
        var out = []
        for v in xs { push(out, v.name + ":" + str(len(v.tags))) }
        return out
      }
      func total(ps) {
        var s = 0
        for p in ps { s += p.x }
        return s
      }
      func codes(n) {
        var s = 0
        for i in 0..n {
          try { throw "x" } catch e { s += e.code }
        }
        return s
      }
      print(describe([Named { name: "a", tags: [1, 2] }, Named { name: "b", tags: [] }]))
      print(codes(100))
      print(total([P { x: 1, y: 0 }, P { x: 2, y: 0 }]))
      print(total([P { x: 1, y: 0 }, Named { name: "c", tags: [] }]))
    `);
    expect(compiled.stdout.split("\n")[0]).toBe('["a:2", "b:0"]');
    expect(compiled.error).toMatch(/^error\[3013\]/);
  });

  it("hands the frame back when a field that held numbers holds a string", async () => {
    const compiled = await agree(`${STRUCTS}
      func sumX(ps) {
        var s = 0
        for p in ps { s = s + p.x }
        return s
      }
      print(sumX([P { x: 1, y: 0 }, P { x: 2, y: 0 }]))
      print(sumX([P { x: 1, y: 0 }, P { x: "a", y: 0 }]))
    `);
    expect(compiled.stdout).toBe("3\n");
    expect(compiled.error).toMatch(/^error\[/);
  });

  it("stores lists into fields while the collector runs and inside regions", async () => {
    const compiled = await agree(
      `${STRUCTS}
      struct Cell { item: any, n: number }
      func churn(cells, n) {
        for i in 0..n {
          let c = cells[i % len(cells)]
          c.item = [i, i + 1, i + 2, [i]]
          c.n = c.n + 1
        }
      }
      func inRegion(cells, n) {
        region {
          for i in 0..n {
            let c = cells[i % len(cells)]
            c.item = [i, [i, i]]
            c.n = c.n + 1
          }
        }
      }
      let cells = [Cell { item: nil, n: 0 }, Cell { item: nil, n: 0 }, Cell { item: nil, n: 0 }]
      churn(cells, 60000)
      print(cells)
      inRegion(cells, 30000)
      print(cells)
      var kept = 0
      for c in cells { kept += c.item[1][1] + c.n }
      print(kept)
    `,
      { maxMemory: 4 * 1024 * 1024 },
    );
    expect(compiled.stdout.split("\n")).toHaveLength(4);
  });

  it("compiles field access to a check of the struct's kind against the one its instruction saw last", async () => {
    const c = compile(`${STRUCTS}\nfunc f(p) {\n  p.y = p.x + 1\n  return p.y\n}\nprint(f(P { x: 1, y: 2 }))\n`, { file: "f.nc" });
    if (!c.ok || !c.module) throw new Error("did not compile");
    const f = c.module.functions.find((fn) => fn.name === "f");
    if (!f) throw new Error("no function f");
    const binaryen = await loadBinaryen();
    if (!binaryen) throw new Error("binaryen unavailable");
    const bytes = compileToBytes(
      binaryen,
      f,
      c.module.constants.map((k) => k.value),
    );
    expect(bytes).not.toBeNull();
    const module = binaryen.readBinary(bytes as Uint8Array);
    try {
      const text = module.emitText();
      // one remembered kind of struct per field instruction: two reads and one write
      expect(text.match(/\(global \$\S+ \(mut i32\) \(i32\.const 0\)\)/g)?.length).toBe(6);
    } finally {
      module.dispose();
    }
  });
});

describe("list items in compiled code", () => {
  it("reads and writes numbers, and leaves what is out of range or no integer to the core", async () => {
    const compiled = await agree(`
      func sum(xs, n) {
        var s = 0
        for i in 0..n { s += xs[i] }
        return s
      }
      func scale(xs, k) {
        for i in 0..len(xs) { xs[i] = xs[i] * k }
      }
      let xs = [1, 2, 3, 4]
      scale(xs, 3)
      print(sum(xs, 4), xs[-1], xs)
      print(sum(xs, 4.5))
    `);
    expect(compiled.stdout).toBe("30 12 [3, 6, 9, 12]\n");
    expect(compiled.error).toMatch(/^error\[/);
    const outOfRange = await agree(`
      func sum(xs, n) {
        var s = 0
        for i in 0..n { s += xs[i] }
        return s
      }
      print(sum([1, 2, 3], 3))
      print(sum([1, 2, 3], 4))
    `);
    expect(outOfRange.stdout).toBe("6\n");
    expect(outOfRange.error).toMatch(/^error\[3002\].*\n {2}at sum \(tiers\.nc:4:/);
  });

  it("reads lists of strings and of lists through the same code", async () => {
    const compiled = await agree(`
      func joined(xs) {
        var s = ""
        for i in 0..len(xs) { s = s + xs[i] }
        return s
      }
      func firsts(xss) {
        var out = []
        for i in 0..len(xss) { push(out, xss[i][0]) }
        return out
      }
      func sum(xs) {
        var s = 0
        for i in 0..len(xs) { s += xs[i] }
        return s
      }
      print(joined(["a", "b", "c"]), firsts([[1], ["x"], [[2]]]))
      print(sum([1, 2]), sum(["a", "b"]))
    `);
    expect(compiled.stdout.split("\n")[0]).toBe('abc [1, "x", [2]]');
  });

  it("stores lists into lists while the collector runs and inside regions", async () => {
    const compiled = await agree(
      `
      func churn(slots, n) {
        for i in 0..n {
          slots[i % len(slots)] = [i, [i, i + 1], "s"]
        }
      }
      func inRegion(slots, n) {
        region {
          for i in 0..n { slots[i % len(slots)] = [i, [i]] }
        }
      }
      let slots = [nil, nil, nil, nil]
      churn(slots, 80000)
      print(slots)
      inRegion(slots, 30000)
      print(slots)
      var s = 0
      for x in slots { s += x[0] + x[1][0] }
      print(s)
    `,
      { maxMemory: 4 * 1024 * 1024 },
    );
    expect(compiled.stdout.split("\n")).toHaveLength(4);
  });
});
