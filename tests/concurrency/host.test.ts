// Fibers waiting for the host: a JavaScript promise handed to Noodle is a future; the fiber that
// awaits it suspends while other fibers run, and resumes (or throws) when the promise settles.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler/compile.js";
import { Noodle } from "../../src/index.js";
import { VM } from "../../src/runtime/vm.js";

async function session() {
  let out = "";
  const noodle = await Noodle.create({ stdout: (t) => (out += t) });
  return { noodle, output: () => out };
}

function later<T>(value: T, ms = 5): Promise<T> {
  return new Promise((r) => setTimeout(() => r(value), ms));
}

describe("host promises", () => {
  it("resume the awaiting fiber with the value while other tasks run", async () => {
    const { noodle, output } = await session();
    noodle.eval(`
      var ticks = 0
      func ticker() { for i in 0..5 { ticks += 1 } return ticks }
      func fetch(p) {
        let t = spawn ticker()
        let v = await p
        print("got", v, await t)
        return v + 1
      }`);
    expect(await noodle.callAsync("fetch", later(41))).toBe(42);
    expect(output()).toBe("got 41 5\n");
  });

  it("turn a rejection into an error the program can catch", async () => {
    const { noodle, output } = await session();
    noodle.eval(`func guarded(p) { try { return await p } catch e { print(e.code, e.message); return -1 } }`);
    const failing = new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error("refused"), { code: 7001 })), 5));
    expect(await noodle.callAsync("guarded", failing)).toBe(-1);
    const plain = Promise.reject(new Error("plain"));
    expect(await noodle.callAsync("guarded", plain)).toBe(-1);
    expect(output()).toBe("7001 refused\n3006 plain\n");
  });

  it("combine with all and timeout", async () => {
    const { noodle } = await session();
    noodle.eval(`
      func both(a, b) { return await all([a, b]) }
      func limited(p) { try { return await timeout(p, 20) } catch e { return e.code } }`);
    expect(await noodle.callAsync("both", later("x", 10), later("y", 1))).toEqual(["x", "y"]);
    expect(await noodle.callAsync("limited", new Promise(() => {}))).toBe(7002);
  });

  it("a synchronous run that would wait for the host fails with 1009 and leaves the VM usable", async () => {
    const { noodle, output } = await session();
    noodle.eval(`func wait(p) { return await p }`);
    expect(() => noodle.call("wait", later(1))).toThrow(expect.objectContaining({ code: 1009 }));
    noodle.eval(`print(await spawn len([1, 2]))`);
    expect(output()).toBe("2\n");
  });

  it("a host future the run never awaited is cancelled when the run ends, so later runs do not wait for it", async () => {
    const { noodle, output } = await session();
    noodle.eval(`
      var kept = nil
      func keep(p) { kept = p; return 1 }`);
    let settle: (v: unknown) => void = () => {};
    expect(await noodle.callAsync("keep", new Promise((r) => (settle = r)))).toBe(1);
    // a deadlock now is a deadlock, not a wait for the earlier promise
    const r = await noodle.evalAsync(
      `var me = nil\nfunc waitMe() { return await me }\nme = spawn waitMe()\ntry { await me } catch e { print(e.code) }\ntry { await kept } catch e { print(e.code) }`,
    );
    expect(r.ok).toBe(true);
    settle(5); // too late: ignored
    await later(0, 1);
    expect(output()).toBe("7004\n7006\n");
  });

  it("one run at a time: a second run while one waits for the host is refused", async () => {
    const { noodle } = await session();
    noodle.eval(`func wait(p) { return await p }\nfunc one() { return 1 }`);
    let settle: (v: unknown) => void = () => {};
    const pending = noodle.callAsync("wait", new Promise((r) => (settle = r)));
    expect(() => noodle.call("one")).toThrow(/already running/);
    settle(7);
    expect(await pending).toBe(7);
    expect(noodle.call("one")).toBe(1);
  });

  it("a host builtin that answers with a promise suspends only the calling fiber", async () => {
    const { noodle, output } = await session();
    // pmap's host side, answering later (as a pool that does not block would)
    noodle.vm.registerHost("__pmap", ([xs]) =>
      later(
        (xs as number[]).map((x) => x * 10),
        5,
      ),
    );
    const r = await noodle.evalAsync(`
      func other() { print("other ran"); return 1 }
      let t = spawn other()
      print(pmap([1, 2, 3], x => x), await t)`);
    expect(r.ok).toBe(true);
    expect(output()).toBe("other ran\n[10, 20, 30] 1\n");
    // a synchronous run cannot wait for it
    expect(noodle.eval(`pmap([1, 2], x => x)`).error?.code).toBe(1009);
  });

  it("runAsync runs a whole program; vm.run still runs programs that never wait for the host", async () => {
    let out = "";
    const vm = await VM.create({ stdout: (t) => (out += t) });
    const c = compile(`func f(x) { return x + 1 }\nprint(await spawn f(1))`, { file: "t.nc" });
    expect((await vm.runAsync(c.module!)).ok).toBe(true);
    const other = await VM.create({ stdout: (t) => (out += t) });
    const d = compile(`func g() { return 5 }\nprint(await spawn g())`, { file: "u.nc" });
    expect(other.run(d.module!).ok).toBe(true);
    expect(out).toBe("2\n5\n");
    expect(vm.core.fiberCount()).toBe(0);
  });
});
