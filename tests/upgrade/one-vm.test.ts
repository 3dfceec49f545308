import { describe, expect, it } from "vitest";
import type { UpgradeEvent, Upgrades } from "../../src/runtime/upgrade.js";
import { type LiveRun, nextVersion, printed, start } from "./helpers.js";

// version 1 sends messages until `version()` says the program runs a later version
const V1 = `
actor Counter {
  var count = 0
  let label = "one"
  func inc() { count += 1 }
  func get() { return label + " " + str(count) }
}
func version() { return 1 }
let c = spawn Counter()
var sent = 0
while version() == 1 {
  c.inc()
  sent += 1
  await sleep(1)
}
print(await c.get())
print(sent)
`;

const V2 = `
actor Counter {
  var count = 0
  let label = "two"
  var extra = 7
  func inc() { count += 1 }
  func get() { return label + " " + str(count) + " " + str(extra) }
}
func version() { return 2 }
`;

describe("upgrading a running program in one VM", () => {
  it("switches functions for new calls and actors at their next message, carrying var fields", async () => {
    const live = await start(V1);
    await new Promise((r) => setTimeout(r, 50));
    const outcome = await live.up.upgrade(nextVersion(live.up, V2));
    expect(outcome).toEqual({ ok: true, version: 2 });
    const run = await live.run;
    expect(run.ok).toBe(true);
    const [got, sent] = printed(live).trim().split("\n");
    // every message sent was handled once, by one version or the other; the let field and the new
    // var take the new initialisers
    expect(got).toBe(`two ${sent} 7`);
    expect(Number(sent)).toBeGreaterThan(0);
  });
});

/** Resolves with the first event of `kind`. */
function eventOf(up: Upgrades, kind: UpgradeEvent["kind"]): Promise<UpgradeEvent> {
  return new Promise((resolve) => up.onEvent((e) => e.kind === kind && resolve(e)));
}

/** Sets the running program's global `name` (between its slices). */
function setGlobal(live: LiveRun, name: string, value: unknown): void {
  live.vm.setGlobal(live.up.base().slots.get(name)!, value);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// a worker that counts its messages; the main loop runs until the test sets `stop`
const WORKER = (version: string, work: string, extra = "") => `
actor Worker {
  var handled = 0
  var log = []
  func work(x) { ${work} }
  func count() { return handled }
  func logged() { return log }
  ${extra}
}
func which() { return "${version}" }
`;
const MAIN = `
let w = spawn Worker()
var stop = false
var failures = 0
var sent = 0
while !stop {
  try { await w.work(sent) } catch e { failures += 1 }
  sent += 1
  await sleep(1)
}
print(which(), await w.count(), failures, sent)
print(await w.logged())
`;

describe("between runs", () => {
  it("upgrades a program whose run has ended at once: its actors switch at their next message", async () => {
    const v = (n: number) => `
actor Box {
  var items = []
  func put(x) { push(items, x) }
  func show() { return "v${n} " + str(items) }
}
let box = spawn Box()
func report() { return await box.show() }
`;
    const live = await start(`${v(1)}\nawait box.put(1)\nawait box.put(2)\n`);
    expect((await live.run).ok).toBe(true);
    expect(await live.up.upgrade(nextVersion(live.up, v(2)))).toEqual({ ok: true, version: 2 });
    const shown = await live.vm.callGlobalAsync(live.up.base().slots.get("report")!, []);
    expect(shown).toEqual({ ok: true, value: "v2 [1, 2]" });
  });
});

describe("migrate", () => {
  it("runs once per live actor with a map of the old fields, before its next message", async () => {
    const live = await start(WORKER("v1", "handled += 1") + MAIN);
    await sleep(30);
    const v2 = WORKER("v2", "handled += 1", `func migrate(old) { push(log, "from " + str(len(keys(old))) + " fields") }`);
    expect(await live.up.upgrade(nextVersion(live.up, v2))).toEqual({ ok: true, version: 2 });
    await sleep(30);
    setGlobal(live, "stop", true);
    expect((await live.run).ok).toBe(true);
    const [summary, log] = printed(live).trim().split("\n");
    const [which, count, failures, sent] = summary.split(" ");
    expect(which).toBe("v2");
    expect(failures).toBe("0");
    expect(count).toBe(sent);
    // the old state had handled and log (the hidden state handler is not a field)
    expect(log).toBe(`["from 2 fields"]`);
  });
});

describe("refusals (1005) change nothing", () => {
  it("refuses a version that drops an actor type or a handler live actors expose, unless retired", async () => {
    const live = await start(WORKER("v1", "handled += 1") + MAIN);
    await sleep(20);
    const noWorker = `func which() { return "v2" }`;
    const refused = await live.up.upgrade(nextVersion(live.up, noWorker));
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe(1005);
      expect(refused.error.message).toMatch(/upgrade refused: the new version has no actor Worker/);
    }
    const dropsCount = `actor Worker {\n var handled = 0\n func work(x) { handled += 1 }\n}\nfunc which() { return "v2" }`;
    const dropped = await live.up.upgrade(nextVersion(live.up, dropsCount));
    expect(dropped.ok ? "" : dropped.error.message).toMatch(/actor Worker of the new version drops handler count, logged/);
    expect(live.up.version).toBe(1);
    const retired = await live.up.upgrade(nextVersion(live.up, noWorker), { retire: ["Worker"] });
    expect(retired).toEqual({ ok: true, version: 2 });
    await sleep(20);
    setGlobal(live, "stop", true);
    expect((await live.run).ok).toBe(true);
    const [which, count, failures, sent] = printed(live).trim().split("\n")[0].split(" ");
    // the retired actor kept its code and its state
    expect([which, failures, count]).toEqual(["v2", "0", sent]);
  });

  it("refuses a version whose migrate throws on a live actor: functions, state and version stay", async () => {
    const live = await start(WORKER("v1", "handled += 1; push(log, x)") + MAIN);
    await sleep(30);
    // migrate changes the old state in place before it throws: the trial runs on a copy
    const v2 = WORKER("v2", "handled += 1", `func migrate(old) { push(old["log"], "touched"); old["handled"] = -1; throw "cannot migrate" }`);
    const events: UpgradeEvent[] = [];
    live.up.onEvent((e) => events.push(e));
    const outcome = await live.up.upgrade(nextVersion(live.up, v2));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.code).toBe(1005);
      expect(outcome.error.message).toMatch(/migrating a live actor Worker fails: error\[3006\]: cannot migrate/);
    }
    expect(events.map((e) => e.kind)).toEqual(["refused"]);
    expect(live.up.version).toBe(1);
    await sleep(20);
    setGlobal(live, "stop", true);
    expect((await live.run).ok).toBe(true);
    const [summary, log] = printed(live).trim().split("\n");
    const [which, count, failures, sent] = summary.split(" ");
    expect([which, failures, count]).toEqual(["v1", "0", sent]);
    expect(log).not.toContain("touched");
    expect(JSON.parse(log)).toEqual(Array.from({ length: Number(sent) }, (_, i) => i));
  });

  it("refuses a version that does not verify", async () => {
    const live = await start(WORKER("v1", "handled += 1") + MAIN);
    const next = nextVersion(live.up, WORKER("v2", "handled += 1"));
    const broken = { ...next, module: { ...next.module, functions: next.module.functions.map((f) => ({ ...f, code: new Uint32Array([0xffffffff]) })) } };
    const outcome = await live.up.upgrade(broken);
    expect(outcome.ok ? "" : outcome.error.message).toMatch(/^upgrade refused: the new version does not verify/);
    setGlobal(live, "stop", true);
    expect((await live.run).ok).toBe(true);
    expect(printed(live)).toMatch(/^v1 /);
  });
});

describe("rollback", () => {
  it("goes back by itself when the new handlers fail past the error rate, to the state at the switch", async () => {
    const live = await start(WORKER("v1", "handled += 1") + MAIN);
    await sleep(30);
    const rolled = eventOf(live.up, "rolled-back");
    const v2 = WORKER("v2", `handled += 1000; throw "broken"`);
    expect(await live.up.upgrade(nextVersion(live.up, v2), { healthWindowMs: 10_000, minMessages: 2, maxErrorRate: 0.5 })).toEqual({ ok: true, version: 2 });
    expect(await rolled).toMatchObject({ kind: "rolled-back", from: 2, to: 1, trigger: "error-rate" });
    expect(live.up.version).toBe(1);
    await sleep(20);
    setGlobal(live, "stop", true);
    expect((await live.run).ok).toBe(true);
    const [which, count, failures, sent] = printed(live).trim().split("\n")[0].split(" ");
    expect(which).toBe("v1");
    expect(Number(failures)).toBeGreaterThanOrEqual(2);
    // every message handled by v1 counted once; v2's increments went with v2's state
    expect(Number(count)).toBe(Number(sent) - Number(failures));
  });

  it("goes back by hand, and when a metric crosses its threshold, with the old migrate taking what happened since", async () => {
    const migrateBack = `func migrate(old) { handled = old["handled"] }`;
    const live = await start(WORKER("v1", "handled += 1", migrateBack) + MAIN);
    await sleep(30);
    expect(live.up.rollback()).toBe(false);
    const v2 = WORKER("v2", "handled += 1", migrateBack);
    expect(await live.up.upgrade(nextVersion(live.up, v2))).toEqual({ ok: true, version: 2 });
    await sleep(30);
    const rolled = eventOf(live.up, "rolled-back");
    expect(live.up.rollback()).toBe(true);
    expect(await rolled).toMatchObject({ from: 2, to: 1, trigger: "manual" });
    expect(live.up.version).toBe(1);
    let crossed = false;
    const byMetric = eventOf(live.up, "rolled-back");
    expect(await live.up.upgrade(nextVersion(live.up, v2), { rollbackWhen: () => crossed })).toEqual({ ok: true, version: 2 });
    await sleep(20);
    crossed = true;
    expect(await byMetric).toMatchObject({ from: 2, to: 1, trigger: "metric" });
    await sleep(20);
    setGlobal(live, "stop", true);
    expect((await live.run).ok).toBe(true);
    const [which, count, failures, sent] = printed(live).trim().split("\n")[0].split(" ");
    // v1's migrate carried the count v2 reached: no message lost across two rollbacks
    expect([which, failures, count]).toEqual(["v1", "0", sent]);
  });

  it("keeps three versions: two rollbacks go back to version 1, a third has nowhere to go", async () => {
    const carry = `func migrate(old) { handled = old["handled"] }`;
    const live = await start(WORKER("v1", "handled += 1", carry) + MAIN);
    for (const v of ["v2", "v3", "v4"]) expect((await live.up.upgrade(nextVersion(live.up, WORKER(v, "handled += 1", carry)))).ok).toBe(true);
    expect(live.up.version).toBe(4);
    expect(live.up.rollback()).toBe(true);
    expect(live.up.rollback()).toBe(true);
    expect(live.up.version).toBe(2);
    expect(live.up.rollback()).toBe(false);
    await sleep(20);
    setGlobal(live, "stop", true);
    expect((await live.run).ok).toBe(true);
    const [which, count, failures, sent] = printed(live).trim().split("\n")[0].split(" ");
    expect([which, failures, count]).toEqual(["v2", "0", sent]);
  });

  it("reports a healthy version when its window passes", async () => {
    const live = await start(WORKER("v1", "handled += 1") + MAIN);
    const healthy = eventOf(live.up, "healthy");
    expect(await live.up.upgrade(nextVersion(live.up, WORKER("v2", "handled += 1")), { healthWindowMs: 50 })).toEqual({ ok: true, version: 2 });
    expect(await healthy).toEqual({ kind: "healthy", version: 2 });
    expect(live.up.rollback()).toBe(true);
    setGlobal(live, "stop", true);
    expect((await live.run).ok).toBe(true);
  });
});
