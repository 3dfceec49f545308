// Upgrading a program whose tasks and actors run on a pool's workers: every worker checks the new
// version on the actors living there, and all switch together, or none does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../src/compiler/compile.js";
import { type Pool, VM } from "../../src/index.js";
import type { UpgradeEvent, Upgrades } from "../../src/runtime/upgrade.js";
import type { RunOutcome } from "../../src/runtime/vm.js";
import { startPool } from "../concurrency/pool-helpers.js";
import { FILE, nextVersion } from "./helpers.js";

// four counters, placed on the workers; the main loop messages them until the test sets `stop`
const COUNTERS = (version: string, inc: string, extra = "") => `
actor Counter {
  var count = 0
  var seen = []
  func inc(i) { ${inc} }
  func get() { return [count, len(seen)] }
  ${extra}
}
func which() { return "${version}" }
func square(x) { return x * x }
`;
const MAIN = `
let cs = [spawn Counter(), spawn Counter(), spawn Counter(), spawn Counter()]
var stop = false
var sent = 0
var failures = 0
// once stopped, a later version still sends a few rounds: some messages reach its handlers
var after = 0
while !(stop && (which() == "v1" || after >= 5)) {
  if which() != "v1" { after += 1 }
  for c in cs {
    try { await c.inc(sent) } catch e { failures += 1 }
  }
  sent += 1
  await sleep(1)
}
var counted = []
for c in cs { push(counted, await c.get()) }
print(which(), await spawn square(7), sent, failures, counted)
`;

interface Live {
  vm: VM;
  up: Upgrades;
  out: string[];
  run: Promise<RunOutcome>;
  events: UpgradeEvent[];
}

let pool: Pool;
beforeAll(async () => {
  pool = await startPool(2);
});
afterAll(async () => {
  await pool.close();
});

async function startOnPool(source: string): Promise<Live> {
  const r = compile(source, { file: FILE });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  const out: string[] = [];
  const vm = await VM.create({ stdout: (t) => out.push(t) });
  pool.attach(vm, { tasks: true });
  const up = vm.upgrades(r.installs);
  const events: UpgradeEvent[] = [];
  up.onEvent((e) => events.push(e));
  return { vm, up, out, run: vm.runAsync(r.module!), events };
}

/** Stops the main loop and answers what it printed: [version, square, sent, failures, [count, seen] per counter]. */
async function stopped(live: Live): Promise<[string, number, number, number, [number, number][]]> {
  live.vm.setGlobal(live.up.base().slots.get("stop")!, true);
  const run = await live.run;
  if (!run.ok) throw run.error;
  const m = /^(\S+) (\d+) (\d+) (\d+) (\[.*\])\n$/.exec(live.out.join(""));
  if (!m) throw new Error(`unexpected output: ${live.out.join("")}`);
  return [m[1], Number(m[2]), Number(m[3]), Number(m[4]), JSON.parse(m[5])];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `ready` says so (within 20 s). */
async function until(ready: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000 && !(await ready()); i++) await sleep(10);
}

/** Actors hosted by the pool's workers now (their VMs), summed. */
async function actorsOnWorkers(): Promise<number> {
  return (await pool.workerStats()).reduce((n, s) => n + s.actors, 0);
}

describe("upgrading a program on a pool", () => {
  it("switches the actors on every worker at their next message, carrying their state, none lost or doubled", async () => {
    const before = await actorsOnWorkers();
    const live = await startOnPool(COUNTERS("v1", "count += 1\npush(seen, i)") + MAIN);
    await until(async () => (await actorsOnWorkers()) - before === 4);
    await sleep(50);
    // version 2 counts by two and remembers, in migrate, how many it had
    const v2 = COUNTERS("v2", "count += 2\npush(seen, i)", `var before = -1\nfunc migrate(old) { before = old["count"] }`);
    const outcome = await live.up.upgrade(nextVersion(live.up, v2));
    expect(outcome).toEqual({ ok: true, version: 2 });
    await sleep(80);
    const [which, square, sent, failures, counted] = await stopped(live);
    expect([which, square, failures]).toEqual(["v2", 49, 0]);
    for (const [count, seen] of counted) {
      // every message was handled once (seen), some by version 1 (+1), then the rest by version 2 (+2)
      expect(seen).toBe(sent);
      const byOne = 2 * seen - count;
      expect(byOne).toBeGreaterThan(0);
      expect(byOne).toBeLessThan(seen);
    }
  });

  it("refuses when a worker cannot migrate its actors, and nothing changes anywhere", async () => {
    const live = await startOnPool(COUNTERS("v1", "count += 1\npush(seen, i)") + MAIN);
    await sleep(80);
    // migrate fails on the live counters, which all live on the workers
    const v2 = COUNTERS("v2", "count += 100", `func migrate(old) { if old["count"] > 0 { throw "cannot carry " + str(old["count"]) } }`);
    const outcome = await live.up.upgrade(nextVersion(live.up, v2));
    expect(outcome.ok ? "" : outcome.error.message).toMatch(
      /^upgrade refused: on a worker: migrating a live actor Counter fails: error\[\d{4}\]: .*cannot carry/,
    );
    expect(outcome.ok ? 0 : outcome.error.code).toBe(1005);
    expect(live.up.version).toBe(1);
    await sleep(40);
    const [which, square, sent, failures, counted] = await stopped(live);
    expect([which, square, failures]).toEqual(["v1", 49, 0]);
    for (const [count, seen] of counted) expect([count, seen]).toEqual([sent, sent]);
  });

  it("rolls back on every worker by itself when the new handlers fail in the health window", async () => {
    const live = await startOnPool(COUNTERS("v1", "count += 1\npush(seen, i)") + MAIN);
    await sleep(80);
    const v2 = COUNTERS("v2", `throw "broken"`);
    expect(await live.up.upgrade(nextVersion(live.up, v2), { healthWindowMs: 5000, minMessages: 4 })).toEqual({ ok: true, version: 2 });
    const rolled = await new Promise<UpgradeEvent>((resolve) => live.up.onEvent((e) => e.kind === "rolled-back" && resolve(e)));
    expect(rolled).toMatchObject({ kind: "rolled-back", from: 2, to: 1, trigger: "error-rate" });
    expect(live.up.version).toBe(1);
    // the failures happened on the workers: the program saw them as failed messages
    await sleep(80);
    const [which, , sent, failures, counted] = await stopped(live);
    expect(which).toBe("v1");
    expect(failures).toBeGreaterThan(0);
    // a handler that throws restarts its actor; back on version 1 every counter counts again
    for (const [count, seen] of counted) {
      expect(count).toBe(seen);
      expect(seen).toBeGreaterThan(0);
      expect(seen).toBeLessThan(sent);
    }
  });

  it("starts an actor whose worker died after the upgrade again on the new version", async () => {
    const own = await startPool(2);
    try {
      const box = (v: string) => `actor Box {\n  var n = 0\n  func bump() { n += 1; return "${v} " + str(n) }\n}\n`;
      const r = compile(
        `${box("v1")}let b = spawn Box()
var stop = false
var last = ""
while !stop {
  try { last = await b.bump() } catch e { }
  await sleep(1)
}
print(last)
`,
        { file: FILE },
      );
      let out = "";
      const vm = await VM.create({ stdout: (t) => (out += t) });
      own.attach(vm, { tasks: true });
      const up = vm.upgrades(r.installs);
      const run = vm.runAsync(r.module!);
      await sleep(50);
      expect(await up.upgrade(nextVersion(up, box("v2")))).toEqual({ ok: true, version: 2 });
      await sleep(50);
      own.killWorker(own.actorsPlaced.indexOf(1));
      await sleep(150);
      vm.setGlobal(up.base().slots.get("stop")!, true);
      const outcome = await run;
      expect(outcome.ok ? "" : outcome.error.render()).toBe("");
      // started again with its initial state, by the new version's constructor
      expect(out).toMatch(/^v2 \d+\n$/);
      expect(Number(out.split(" ")[1])).toBeLessThan(100);
      expect(own.actorsPlaced.reduce((a, b) => a + b, 0)).toBe(1);
    } finally {
      await own.close();
    }
  });
});
