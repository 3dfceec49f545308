// The collector and regions through real programs. A long-lived Noodle session keeps one VM, so
// a structure built by one eval is checked by later ones, with collections forced in between
// by garbage-heavy code and by `vm.collect()` from the host; `heapStats()` shows what is held.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler/compile.js";
import { Noodle, type RunOptions } from "../../src/index.js";
import { VM } from "../../src/runtime/vm.js";
import { runSource } from "../helpers.js";

const MiB = 1024 * 1024;

/** A session that records what it prints; `run` evaluates source that must succeed. */
async function session(options: RunOptions = {}) {
  let output = "";
  const noodle = await Noodle.create({ ...options, stdout: (t) => (output += t) });
  return {
    noodle,
    vm: noodle.vm,
    /** Evaluates `source` and returns what it printed. */
    run(source: string): string {
      output = "";
      const r = noodle.eval(source);
      if (!r.ok) throw new Error(r.error?.render() ?? r.render?.() ?? "eval failed");
      return output;
    },
  };
}

/** Allocation-heavy code that keeps nothing: every iteration's values are garbage at once. */
const CHURN = `
  func churn(rounds) {
    var sink = 0
    for r in 0..rounds {
      let g = [r, [r, r + 1], {"k": str(r), "v": [r]}, "garbage-" + str(r)]
      sink += len(g) + len(g[2]["k"])
    }
    return sink
  }`;

describe("live objects survive collections", () => {
  // Every kind of heap object, reachable through several paths, then thousands of garbage
  // objects per live one: every element is recomputed from its index and compared.
  const BUILD = `
    struct Node { id: number, tags: list, meta: map }
    func counter(start) {
      var n = start
      return () => { n += 1; return n }
    }
    var world = []
    var byName = {}
    for i in 0..3000 {
      let name = "item-" + str(i)
      let node = Node { id: i, tags: [name, str(i * 2)], meta: {"sq": i * i, "name": name, "nested": [i, [i + 1, {"deep": i + 2}]]} }
      let entry = [node, counter(i), name + "!"]
      push(world, entry)
      byName[name] = entry
    }
    ${CHURN}`;
  const VERIFY = `
    var bad = 0
    var sum = 0
    for i in 0..len(world) {
      let e = world[i]
      let node = e[0]
      let name = "item-" + str(i)
      if node.id != i or node.tags[0] != name or node.tags[1] != str(i * 2) { bad += 1 }
      if node.meta["sq"] != i * i or node.meta["name"] != name or node.meta["nested"][1][1]["deep"] != i + 2 { bad += 1 }
      if e[2] != name + "!" or byName[name][0].id != i { bad += 1 }
      // each counter holds its own captured box: calling it again gives the next number
      let before = e[1]()
      if e[1]() != before + 1 { bad += 1 }
      sum += node.meta["nested"][1][0] + node.id
    }
    print(bad, sum)`;
  const N = 3000;
  // sum of (i + 1) + i over 0..N
  const SUM = N * N;

  it("keeps a large structure of lists, maps, structs, closures and strings intact", async () => {
    const s = await session();
    s.run(BUILD);
    const start = s.vm.heapStats();
    for (let round = 0; round < 4; round++) {
      s.run("churn(40000)");
      s.vm.collect();
      expect(s.run(VERIFY)).toBe(`0 ${SUM}\n`);
    }
    const end = s.vm.heapStats();
    // the churn alone allocates far more than the collection threshold several times over
    expect(end.collections - start.collections).toBeGreaterThanOrEqual(4);
  });

  it("keeps values that are live only in registers and frames while collections run", async () => {
    // the collection is triggered deep in a recursion: every frame's partial result is live
    const s = await session();
    const out = s.run(`
      ${CHURN}
      func build(d) {
        if d == 0 { return ["leaf", churn(200)] }
        let mine = {"depth": d, "text": "level " + str(d)}
        let below = build(d - 1)
        churn(300)
        return [mine, below]
      }
      var t = build(150)
      var ok = 0
      var d = 150
      while d > 0 {
        if t[0]["depth"] == d and t[0]["text"] == "level " + str(d) { ok += 1 }
        t = t[1]
        d -= 1
      }
      print(ok, t[0])`);
    expect(out).toBe("150 leaf\n");
    expect(s.vm.heapStats().collections).toBeGreaterThan(0);
  });
});

describe("garbage is reclaimed", () => {
  it("a loop dropping a million small lists returns the heap to its baseline", async () => {
    const s = await session();
    s.run(`func drop(n) { for i in 0..n { let xs = [i, i + 1] } }`);
    const baseline = s.vm.collect();
    s.run("drop(1000000)");
    const during = s.vm.heapStats();
    const after = s.vm.collect();
    // a million lists hold some 48 MB: collections had to run during the loop
    expect(during.collections - baseline.collections).toBeGreaterThanOrEqual(3);
    expect(after.inUse - baseline.inUse).toBeLessThan(64 * 1024);
  });

  // The sweep joins neighbouring dead blocks into runs above the small-block limit (256 bytes)
  // and puts them on the large bins, but alloc.ts rawAlloc looks for a small block only in its
  // size class's free list and otherwise bumps the top of the heap: it never splits a large free
  // block. So after each collection the freed memory is unusable for small objects, and the heap
  // grows by about the collection threshold (8 MiB) per cycle although almost nothing is live:
  // 1e6 dropped lists leave ~50 MB committed, 3e6 ~150 MB, 1e7 ~580 MB.
  it("memory freed by a collection is reused: committed memory stays bounded", async () => {
    const s = await session();
    s.run(`func drop(n) { for i in 0..n { let xs = [i, i + 1] } }`);
    s.run("drop(2000000)");
    const stats = s.vm.collect();
    expect(stats.inUse).toBeLessThan(1 * MiB);
    expect(stats.committed).toBeLessThan(32 * MiB);
  });
});

describe("regions", () => {
  it("values escaping a region in every way survive it and later collections; temporaries do not stay", async () => {
    const s = await session();
    s.run(`
      ${CHURN}
      struct Cell { v: any }
      var outer = nil
      var kept = []
      let holder = {"slot": nil}
      let cell = Cell { v: nil }
      var returned = []
      func fresh(i) {
        region {
          let t = [i, "r" + str(i)]
          return t
        }
      }
      func scenario(n) {
        var captured = nil
        let keep = (v) => { captured = v }
        for i in 0..n {
          region {
            // temporaries: lists, maps, strings, closures
            let tmp = [i, [i, i], {"k": i}, "s" + str(i)]
            let pairs = map(range(0, 8), x => [x, tmp[0]])
            if len(pairs) != 8 { throw "lost" }
            if i % 1000 == 0 {
              outer = [i, "outer-" + str(i)]            // assigned to an outer variable
              push(kept, {"i": i, "list": [i, i * 2]})  // pushed into an outer list
              keep([i, "captured"])                     // stored in a captured variable
              push(returned, fresh(i))                  // returned from a function
              holder["slot"] = ["slot", i]              // a map field of an older object
              cell.v = {"cell": i}                      // a struct field of an older object
            }
          }
        }
        return captured
      }`);
    const before = s.vm.collect();
    const out = s.run(`
      let cap = scenario(20000)
      print(outer, len(kept), kept[19]["list"], cap, len(returned), returned[7], holder["slot"], cell.v)`);
    const expected = '[19000, "outer-19000"] 20 [19000, 38000] [19000, "captured"] 20 [7000, "r7000"] ["slot", 19000] {"cell": 19000}\n';
    expect(out).toBe(expected);
    // what stays in use is the escaped values, not twenty thousand iterations of temporaries
    expect(s.vm.collect().inUse - before.inUse).toBeLessThan(256 * 1024);

    s.run("churn(100000)");
    s.vm.collect();
    s.vm.collect();
    const again = s.run(`
      print(outer, len(kept), kept[19]["list"], cap, len(returned), returned[7], holder["slot"], cell.v)
      var sum = 0
      for k in kept { sum += k["list"][1] - k["i"] }
      for r in returned { sum += r[0] - num(r[1][1:]) }
      print(sum)`);
    expect(again).toBe(expected + String(Array.from({ length: 20 }, (_, i) => i * 1000).reduce((a, b) => a + b, 0)) + "\n");
  });

  // REGIONEXIT (interp.ts exitRegion) marks every register of every frame as a root, and the
  // code generator leaves the block's locals in their registers when the block ends (tmp and the
  // values it was built from are still there at the REGIONEXIT). So each iteration's temporaries
  // are reachable at the exit and promoted to the general heap, where only a full collection
  // frees them: the heap grows by ~260 bytes per iteration below, and collections run as if
  // there were no region.
  it("a region frees its temporaries at exit, without a collection", async () => {
    const s = await session();
    s.run(`func f(n) { for i in 0..n { region { let tmp = [i, [i, i], {"k": i}, "s" + str(i)] } } }`);
    const before = s.vm.collect();
    s.run("f(10000)");
    const after = s.vm.heapStats();
    expect(after.inUse - before.inUse).toBeLessThan(64 * 1024);
    expect(after.collections).toBe(before.collections);
  });

  it("nested regions and errors thrown out of them leave the heap consistent", async () => {
    const s = await session();
    const out = s.run(`
      ${CHURN}
      var survivors = []
      var caught = []
      for i in 0..3000 {
        try {
          region {
            let a = [i, "a" + str(i)]
            region {
              let b = {"b": i, "list": [a, i], "text": "b" + str(i)}
              if i % 100 == 0 { push(survivors, b) }
              region {
                let c = [b, a, "c"]
                if i % 7 == 0 { throw error(900 + i % 3, "boom " + str(i) + " " + c[2]) }
              }
            }
          }
        } catch e {
          if i % 70 == 0 { push(caught, [i, e]) }
        }
      }
      churn(150000)
      var bad = 0
      for b in survivors {
        let i = b["b"]
        if b["list"][0][0] != i or b["list"][0][1] != "a" + str(i) or b["list"][1] != i or b["text"] != "b" + str(i) { bad += 1 }
      }
      for pair in caught {
        let i = pair[0]
        let e = pair[1]
        if e.code != 900 + i % 3 or e.message != "boom " + str(i) + " c" or len(e.trace) == 0 { bad += 1 }
      }
      print(len(survivors), len(caught), bad)`);
    expect(out).toBe("30 43 0\n");
    expect(s.vm.heapStats().collections).toBeGreaterThan(0);
    s.vm.collect();
    // allocation-heavy code still runs correctly afterwards
    expect(s.run(`print(churn(20000), survivors[29]["list"][0])`)).toBe(`${expectedChurn(20000)} [2900, "a2900"]\n`);
  });

  it("an error raised by the VM inside a region is caught outside with its message and trace", async () => {
    const s = await session();
    const out = s.run(`
      ${CHURN}
      var got = []
      for i in 0..500 {
        try {
          region {
            let xs = [i, i + 1]
            let m = {"k": xs}
            print(m["missing" + str(i % 2)])
          }
        } catch e { if i % 100 == 0 { push(got, e) } }
      }
      churn(100000)
      print(len(got), got[4].code, got[4].message, len(got[4].trace) > 0)`);
    expect(out).toMatch(/^5 3003 .*missing0.* true\n$/);
  });

  // OP_THROW (assembly/vm/interp.ts) stores a freshly captured trace list into an error that
  // has none with a plain store, without the write barrier. When the error was made before the
  // region, the trace list is a region block referenced only from an older object; the region
  // exit marks from roots and the remembered set only, so it frees the list while the error
  // still points at it. Reading e.trace then renders a freed or reused block: here the host's
  // VM.traceOf throws "TypeError: Cannot read properties of null (reading 'length')" (or the
  // trace shows whatever object reused the block).
  it("an error made before a region and thrown inside it keeps its trace", async () => {
    const r = await runSource(`
      let e0 = error(7, "boom")
      try {
        region { throw e0 }
      } catch e {
        var junk = []
        for i in 0..1000 { push(junk, ["filler" + str(i), i]) }
        print(e.code, len(e.trace) > 0, e.trace == e0.trace)
      }`);
    expect(r.output).toBe("7 true true\n");
  });
});

/** What CHURN's churn(n) returns: 4 + the length of str(r) for every r. */
function expectedChurn(n: number): number {
  let sum = 0;
  for (let r = 0; r < n; r++) sum += 4 + String(r).length;
  return sum;
}

describe("limits", () => {
  it("a program that keeps everything fails with 4001 under maxMemory, and try/catch cannot catch it", async () => {
    const r = await runSource(
      `
      var keep = []
      try {
        while true { push(keep, [len(keep), "item " + str(len(keep))]) }
      } catch e {
        print("caught", e.code)
      }
      print("after")`,
      { maxMemory: 32 * MiB },
    );
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe(4001);
    expect(r.output).toBe("");
  });

  it("the instruction budget (4002) cannot be caught", async () => {
    const r = await runSource(
      `
      try {
        var i = 0
        while true { i += 1 }
      } catch e {
        print("caught", e.code)
      }`,
      { maxSteps: 1_000_000 },
    );
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe(4002);
    expect(r.output).toBe("");
  });

  it("stack overflow (1001) is caught, and the program goes on", async () => {
    const r = await runSource(
      `
      func down(n) { return down(n + 1) + 1 }
      try { down(0) } catch e { print("caught", e.code) }
      print("after")`,
      { maxDepth: 500 },
    );
    expect(r.ok).toBe(true);
    expect(r.output).toBe("caught 1001\nafter\n");
  });

  it("a VM that failed with 4001 still collects and runs again", async () => {
    const s = await session({ maxMemory: 32 * MiB });
    const r = s.noodle.eval(`var hoard = []\nwhile true { push(hoard, [1, 2, 3]) }`);
    expect(r.error?.code).toBe(4001);
    s.noodle.eval("hoard = nil");
    const stats = s.vm.collect();
    // the collector's mark stack keeps the size it grew to (4 bytes per object of the largest
    // list marked), so a few MB stay in use
    expect(stats.inUse).toBeLessThan(8 * MiB);
    expect(s.run(`${CHURN}\nprint(churn(50000))`)).toBe(`${expectedChurn(50000)}\n`);
  });

  // The limit is checked only at a safe point (a loop's back edge or a call) after a collection
  // was due (interp.ts safePoint); nothing in alloc.ts compares an allocation with memoryLimit.
  // A single builtin call can therefore take any amount: range(0, 1e7) holds 80 MB under a
  // limit of 32 MiB, and with no safe point after it the program ends successfully.
  it("one allocation beyond maxMemory fails with 4001", async () => {
    const r = await runSource(`let xs = range(0, 10000000)\nprint(len(xs))`, { maxMemory: 32 * MiB });
    expect(r.error?.code).toBe(4001);
  });

  // When the WebAssembly memory cannot grow (the 4 GiB ceiling, or the engine refuses), the core
  // raises 4001 and asks the host for the message; vm.ts errorMessage -> makeString
  // (src/runtime/values.ts) needs a new string from the full heap and throws
  // "RangeError: out of memory making a string" out of vm.run. A fuzzed module whose handler loop
  // allocated without limit ended this way. The heap is filled here from the host, which is quick
  // (the pages are reserved, never touched).
  // The collector's mark stack grows as it needs; where memory is full it cannot, and the objects
  // it could not hold are found again by walking the heap for marked ones (gc.ts drain).
  it("keeps everything reachable when its mark stack cannot grow in a full memory", async () => {
    const s = await session();
    s.run(`var keep = []\nfor i in 0..20000 { push(keep, [i, 1]) }\nvar junk = range(0, 200000)`);
    s.noodle.eval("junk = nil");
    for (let size = 0xf000_0000; size >= 16; ) {
      if (s.vm.core.allocTable(size) === 0) size = Math.floor(size / 2);
    }
    s.vm.collect();
    expect(s.run(`var total = 0\nfor xs in keep { total += xs[0] + xs[1] }\nprint(len(keep), total)`)).toBe(`20000 ${(19999 * 20000) / 2 + 20000}\n`);
  });

  it("running out of WebAssembly memory is reported as 4001, not thrown", async () => {
    const c = compile("let xs = [1, 2, 3]\nprint(xs)", { file: "oom.nc" });
    const vm = await VM.create({ stdout: () => {} });
    const entry = vm.load(c.module!);
    for (let size = 0xf000_0000; size >= 16; ) {
      if (vm.core.allocTable(size) === 0) size = Math.floor(size / 2);
    }
    let outcome: ReturnType<VM["runFunction"]> | undefined;
    expect(() => (outcome = vm.runFunction(entry))).not.toThrow();
    expect(outcome?.ok ? "ok" : outcome?.error.code).toBe(4001);
  });
});
