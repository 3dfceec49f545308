// The upgrade suite's cases on switching a running program to a new version (docs/upgrade.md).
//
//   upgrade-pause    10 000 actors, each sent a message every round by the main loop, upgraded to
//                    a version whose actors run `migrate`: the pause of each actor's switch (its
//                    own run: constructor, fields carried over, migrate), p50_ms and p99_ms over
//                    the 10 000 of the last run; every actor's count is checked after the run
//   validate-switch  the same program: the time from asking for the upgrade to the switch
//                    (checks, loading, migrate tried on every live actor's state, repointing),
//                    switch_ms (median of the runs)
//
// `ms` is the whole run (starting the program, three rounds, the upgrade, three more rounds).

import { library } from "../../impls/noodle-pool.js";

const ACTORS = 10_000;
const FILE = "upgrade-bench.nc";

const version = (v, extra = "") => `
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
for c in cells {
  let got = await c.get()
  if got[0] != rounds or got[1] != 2 { wrong += 1 }
}
print(wrong)
`;

const V2 = version(2, `var since = 0\n  func migrate(old) { since = old["n"] }`);

let pauses = [];
const switches = [];

/** One run: the program as version 1, three rounds, the upgrade, three rounds; checks every count. */
async function upgradeOnce(lib) {
  const first = lib.compile(version(1) + MAIN, { file: FILE });
  if (!first.ok) throw new Error(first.diagnostics.map((d) => d.message).join("; "));
  let out = "";
  const vm = await lib.VM.create({ stdout: (t) => (out += t) });
  const up = vm.upgrades(first.installs);
  const run = vm.runAsync(first.module);
  const slot = (name) => up.base().slots.get(name);
  const rounds = () => Number(vm.global(slot("rounds")));
  const until = async (done) => {
    while (!done()) await new Promise((r) => setTimeout(r, 2));
  };
  await until(() => rounds() >= 3);
  const next = lib.compile(V2, { file: FILE, upgrade: up.base() });
  const t0 = performance.now();
  const outcome = await up.upgrade({ module: next.module, installs: next.installs });
  switches.push(performance.now() - t0);
  if (!outcome.ok) throw outcome.error;
  const after = rounds();
  await until(() => rounds() >= after + 3);
  vm.setGlobal(slot("stop"), true);
  const result = await run;
  if (!result.ok) throw result.error;
  pauses = up.switchPauses();
  if (pauses.length !== ACTORS) throw new Error(`${pauses.length} switches for ${ACTORS} actors`);
  return out;
}

const quantile = (s, q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
const round4 = (x) => Math.round(x * 1e4) / 1e4;

export const peers = [
  {
    name: "noodle",
    lang: "upgrade",
    lib: undefined,
    async init() {
      this.lib = await library();
      return { ok: true };
    },
    async prepare() {
      return { run: () => upgradeOnce(this.lib) };
    },
  },
];

const SOURCES = { upgrade: "suites/upgrade/switch-cases.js" };

export const cases = [
  {
    name: "upgrade-pause",
    params: { actors: ACTORS },
    sources: SOURCES,
    expected: "0\n",
    derive: () => {
      const s = [...pauses].sort((a, b) => a - b);
      return { p50_ms: round4(quantile(s, 0.5)), p99_ms: round4(quantile(s, 0.99)), max_ms: round4(s[s.length - 1]) };
    },
  },
  {
    name: "validate-switch",
    params: { actors: ACTORS },
    sources: SOURCES,
    expected: "0\n",
    derive: (line) => {
      // the timed runs: the warm-up runs came first
      const s = switches
        .splice(0)
        .slice(-line.runs)
        .sort((a, b) => a - b);
      return { switch_ms: Math.round(quantile(s, 0.5) * 10) / 10, switch_max_ms: Math.round(s[s.length - 1] * 10) / 10 };
    },
  },
];
