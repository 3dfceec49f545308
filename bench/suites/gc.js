// The `gc` suite: allocation and collection.
//
//   lists10m       a function whose loop creates and drops 10 million two-item lists
//   binarytrees16  Benchmarks Game binary-trees at depth 16, nodes as [left, right] lists
//   live1e5        builds a list of 100 000 small lists and keeps it
//   live1e6        the same with 1 000 000
//
// The harness times each program (`ms`: the run, on Noodle and for the first two on plain
// JavaScript). Then every line gets what a separate process measures by running the program
// once more on its own, so that the figures belong to it alone: `peak_rss_mb` (VmHWM, or
// getrusage's maxRSS), and for Noodle `collections` (run by the VM during the run),
// `heap_committed_mb` and `heap_in_use_mb` at the end, and `pause_median_ms` / `pause_max_ms`:
// full collections started from the host with `vm.collect()` on the heap the program left
// (for live1e5 and live1e6 that is the kept list). The VM does not report the pauses of the
// collections it runs by itself, so the live cases stand in for them: a full collection costs
// about what one of those costs at the same live size.
//
// Node-only: the programs are generated into a temporary directory when the suite loads (the
// harness takes source paths; absolute ones are used as they are) and the measurements run in
// child processes.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchPath, projectRoot } from "../node/host.js";

const DIST = join(projectRoot, "dist", "index.js");
const PROBE_TIMEOUT_MS = 5 * 60 * 1000;

const dir = mkdtempSync(join(tmpdir(), "noodle-bench-gc-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

/** Writes a generated program and returns its absolute path. */
function program(name, text) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const LISTS = 10_000_000;

const sources = {
  lists10m: {
    noodle: program("lists10m.nc", `func churn() {\n  for i in 0..${LISTS} { let xs = [i, i + 1] }\n}\nchurn()\nprint("done")\n`),
    // V8 would drop an array nobody reads (escape analysis), so the JavaScript loop keeps the
    // last one in a module variable: every iteration really allocates.
    js: program(
      "lists10m.js",
      `let last = null;\nexport default function main(print) {\n  for (let i = 0; i < ${LISTS}; i++) {\n    const xs = [i, i + 1];\n    last = xs;\n  }\n  print("done");\n}\n`,
    ),
  },
  binarytrees16: {
    noodle: program("binarytrees16.nc", readFileSync(benchPath("programs/binarytrees.nc"), "utf8").replace(/^main\(\d+\)\s*$/m, "main(16)")),
    js: program("binarytrees16.js", readFileSync(benchPath("peers/js/binarytrees.js"), "utf8").replace(/const n = \d+;/, "const n = 16;")),
  },
  live1e5: { noodle: program("live1e5.nc", `var live = []\nfor i in 0..100000 { push(live, [i]) }\nprint(len(live))\n`) },
  live1e6: { noodle: program("live1e6.nc", `var live = []\nfor i in 0..1000000 { push(live, [i]) }\nprint(len(live))\n`) },
};

// ---------------------------------------------------------------- the measuring child

const HWM = `
function peakKb() {
  try {
    const m = /^VmHWM:\\s+(\\d+)\\s+kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
}`;

// argv: dist/index.js, program, number of host collections to time
const NOODLE_PROBE = `
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
${HWM}
const [dist, file, collects] = process.argv.slice(1);
const lib = await import(pathToFileURL(dist).href);
const c = lib.compile(readFileSync(file, "utf8"), { file });
if (!c.ok) {
  console.log(JSON.stringify({ error: "compile failed: " + c.diagnostics.map((d) => d.message).join("; ") }));
  process.exit(0);
}
const vm = await lib.VM.create({ stdout: () => {} });
const t0 = performance.now();
const r = vm.run(c.module);
const runMs = performance.now() - t0;
if (!r.ok) {
  console.log(JSON.stringify({ error: "error[" + r.error.code + "]: " + r.error.message }));
  process.exit(0);
}
const end = vm.heapStats();
const pauses = [];
for (let i = 0; i < Number(collects); i++) {
  const t = performance.now();
  vm.collect();
  pauses.push(performance.now() - t);
}
console.log(JSON.stringify({ runMs, end, live: vm.heapStats().inUse, pauses, peakKb: peakKb() }));
`;

// argv: the peer module
const JS_PROBE = `
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
${HWM}
const { default: main } = await import(pathToFileURL(process.argv[1]).href);
const t0 = performance.now();
main(() => {});
console.log(JSON.stringify({ runMs: performance.now() - t0, peakKb: peakKb() }));
`;

function probe(script, args) {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script, ...args], {
    cwd: projectRoot,
    encoding: "utf8",
    timeout: PROBE_TIMEOUT_MS,
    maxBuffer: 16 << 20,
  });
  if (r.error) return { error: r.error.message };
  if (r.status !== 0) return { error: `probe exited with ${r.status ?? r.signal}: ${r.stderr.trim().slice(0, 300)}` };
  try {
    return JSON.parse(r.stdout.trim().split("\n").pop() ?? "");
  } catch {
    return { error: `probe printed no result: ${r.stdout.slice(0, 300)}` };
  }
}

const round = (x, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const mb = (bytes) => round(bytes / 2 ** 20, 1);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The fields a probe adds to a line of case `name`, timing `collects` host collections. */
function measured(name, collects) {
  return (line) => {
    if (line.impl === "noodle") {
      if (!existsSync(DIST)) return { probe_error: "dist/index.js does not exist" };
      const p = probe(NOODLE_PROBE, [DIST, sources[name].noodle, String(collects)]);
      if (p.error) return { probe_error: p.error };
      return {
        peak_rss_mb: round(p.peakKb / 1024, 1),
        collections: p.end.collections,
        heap_committed_mb: mb(p.end.committed),
        heap_in_use_mb: mb(p.end.inUse),
        live_mb: mb(p.live),
        pause_median_ms: round(median(p.pauses)),
        pause_max_ms: round(Math.max(...p.pauses)),
        probe_run_ms: round(p.runMs, 1),
      };
    }
    if (line.impl === "js" && sources[name].js) {
      const p = probe(JS_PROBE, [sources[name].js]);
      if (p.error) return { probe_error: p.error };
      return { peak_rss_mb: round(p.peakKb / 1024, 1), probe_run_ms: round(p.runMs, 1) };
    }
    return {};
  };
}

export const name = "gc";

export const peers = ["js"];

export const cases = [
  {
    name: "lists10m",
    params: { lists: LISTS },
    sources: sources.lists10m,
    expected: "done\n",
    derive: measured("lists10m", 5),
  },
  {
    name: "binarytrees16",
    params: { depth: 16 },
    sources: sources.binarytrees16,
    // the Benchmarks Game output at depth 16, shared with tests/runtime/memory.test.ts
    expected: readFileSync(benchPath("programs/binarytrees16.out"), "utf8"),
    derive: measured("binarytrees16", 5),
  },
  {
    name: "live1e5",
    params: { live_objects: 100_000 },
    sources: sources.live1e5,
    expected: "100000\n",
    derive: measured("live1e5", 21),
  },
  {
    name: "live1e6",
    params: { live_objects: 1_000_000 },
    sources: sources.live1e6,
    expected: "1000000\n",
    derive: measured("live1e6", 11),
  },
];
