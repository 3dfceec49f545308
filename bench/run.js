#!/usr/bin/env node
// Benchmark runner: node bench/run.js SUITE [--runs N] [--warmup N] [--case NAME] [--impl NAME] [--alternate]
//
// Loads bench/suites/SUITE.js, runs every case on Noodle and the suite's
// peers, and prints one JSON object per line on stdout (see bench/README.md).
// Progress goes to stderr when it is a terminal. Exits 1 when a line has
// "ok": false, 2 on bad usage.

import { runSuite } from "./harness.js";
import { machine } from "./node/host.js";
import { implsFor } from "./node/impls.js";
import { parseOptions, suiteNames, usage, withDefaults } from "./node/options.js";

const USAGE = usage("node bench/run.js", '; "startup" is the start-up row');

const parsed = parseOptions(process.argv.slice(2), USAGE);
const { fail } = parsed;
let { args } = parsed;
if (args.suite === null || !suiteNames().includes(args.suite)) fail(`no suite ${args.suite}`);

const mod = await import(new URL(`./suites/${args.suite}.js`, import.meta.url).href);
const suite = { ...(mod.default ?? mod) };
suite.name ??= args.suite;
args = withDefaults(args, suite);

let impls = implsFor(suite);
if (args.impls.length) {
  const known = [...new Set(impls.map((i) => i.name))];
  const unknown = args.impls.filter((n) => !known.includes(n));
  if (unknown.length) fail(`suite ${suite.name} has no implementation ${unknown.join(", ")} (has ${known.join(", ")})`);
  impls = impls.filter((i) => args.impls.includes(i.name));
}

const progress = process.stderr.isTTY ? (text) => process.stderr.write(`${text}\n`) : undefined;

try {
  const { failures } = await runSuite(suite, impls, {
    warmup: args.warmup,
    runs: args.runs,
    cases: args.cases,
    alternate: args.alternate,
    emit: (line) => process.stdout.write(JSON.stringify(line) + "\n"),
    machine: machine(),
    progress,
  });
  process.exitCode = failures ? 1 : 0;
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
} finally {
  // what an implementation started for the run (a cluster's processes, connections) ends with it
  for (const impl of impls) await impl.close?.();
}
