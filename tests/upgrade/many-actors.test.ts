// 10 000 actors receiving messages all the time through an upgrade: every message is handled
// exactly once (by one version or the other), every actor switches, and each switch's pause is
// measured (the figures are printed, not asserted).
import { describe, expect, it } from "vitest";
import { nextVersion, printed, start } from "./helpers.js";

const ACTORS = 10_000;

const version = (v: number, extra = "") => `
actor Cell {
  var n = 0
  func inc() { n += 1 }
  func get() { return [n, ${v}] }
  ${extra}
}
`;

const MAIN = `
var cells = []
for i in 0..${ACTORS} { push(cells, spawn Cell()) }
var stop = false
var rounds = 0
while !stop {
  for c in cells { c.inc() }
  rounds += 1
  await sleep(0)
}
var wrong = 0
var newer = 0
for c in cells {
  let got = await c.get()
  if got[0] != rounds { wrong += 1 }
  if got[1] == 2 { newer += 1 }
}
print(rounds, wrong, newer)
`;

describe("an upgrade under load", () => {
  it(`switches ${ACTORS} busy actors with no message lost or handled twice`, async () => {
    const live = await start(version(1) + MAIN);
    const slot = (name: string) => live.up.base().slots.get(name)!;
    const rounds = () => Number(live.vm.global(slot("rounds")));
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((r) => setTimeout(r, 5));
    };
    await until(() => rounds() >= 3);
    const migrated = `var since = 0\n  func migrate(old) { since = old["n"] }`;
    let upgraded = 0;
    live.up.onEvent((e) => e.kind === "upgraded" && (upgraded = e.actors));
    const at = performance.now();
    expect(await live.up.upgrade(nextVersion(live.up, version(2, migrated)))).toEqual({ ok: true, version: 2 });
    const switchMs = performance.now() - at;
    const after = rounds();
    await until(() => rounds() >= after + 3);
    live.vm.setGlobal(slot("stop"), true);
    const run = await live.run;
    expect(run.ok).toBe(true);
    const [total, wrong, newer] = printed(live).trim().split(" ").map(Number);
    expect(total).toBeGreaterThanOrEqual(after + 3);
    expect(wrong).toBe(0);
    expect(newer).toBe(ACTORS);
    expect(upgraded).toBe(ACTORS);
    const pauses = live.up.switchPauses().sort((a, b) => a - b);
    expect(pauses.length).toBe(ACTORS);
    const p = (q: number) => pauses[Math.min(pauses.length - 1, Math.floor(q * pauses.length))].toFixed(4);
    console.log(`${ACTORS} busy actors: validate and switch ${switchMs.toFixed(0)} ms; pause per actor p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms`);
  }, 120_000);
});
