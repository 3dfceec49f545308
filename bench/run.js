#!/usr/bin/env node
// Benchmark runner: node bench/run.js SUITE [--runs N] [--warmup N] [--case NAME] [--impl NAME]
//
// Loads bench/suites/SUITE.js, runs every case on Noodle and the suite's
// peers, and prints one JSON object per line on stdout (see bench/README.md).
// Progress goes to stderr when it is a terminal. Exits 1 when a line has
// "ok": false, 2 on bad usage.

import { readdirSync } from "node:fs";
import { DEFAULTS, runSuite } from "./harness.js";
import { benchPath, machine } from "./node/host.js";
import { implsFor } from "./node/impls.js";

const USAGE = `usage: node bench/run.js SUITE [--runs N] [--warmup N] [--case NAME]... [--impl NAME]...
  SUITE      a file in bench/suites/ without .js (${suiteNames().join(", ")})
  --runs     timed runs per case and implementation (default ${DEFAULTS.runs})
  --warmup   untimed runs before them (default ${DEFAULTS.warmup})
  --case     only this case (repeatable, or comma-separated; "startup" is the start-up row)
  --impl     only this implementation: noodle or a peer name (repeatable, or comma-separated)`;

function suiteNames() {
  try {
    return readdirSync(benchPath("suites"))
      .filter((f) => f.endsWith(".js"))
      .map((f) => f.slice(0, -3));
  } catch {
    return [];
  }
}

function fail(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { suite: null, runs: DEFAULTS.runs, warmup: DEFAULTS.warmup, cases: [], impls: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith("--") ? a.split(/=(.*)/s) : [a];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    const count = (min) => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) fail(`${flag} must be an integer >= ${min}, got ${v}`);
      return n;
    };
    switch (flag) {
      case "--runs":
        args.runs = count(1);
        break;
      case "--warmup":
        args.warmup = count(0);
        break;
      case "--case":
        args.cases.push(...value().split(",").filter(Boolean));
        break;
      case "--impl":
        args.impls.push(...value().split(",").filter(Boolean));
        break;
      case "-h":
      case "--help":
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        if (a.startsWith("-")) fail(`unknown option ${a}`);
        if (args.suite) fail(`one suite at a time (got ${args.suite} and ${a})`);
        args.suite = a;
    }
  }
  if (!args.suite) fail("no suite given");
  return args;
}

const args = parseArgs(process.argv.slice(2));
if (!suiteNames().includes(args.suite)) fail(`no suite ${args.suite}`);

const mod = await import(new URL(`./suites/${args.suite}.js`, import.meta.url).href);
const suite = { ...(mod.default ?? mod) };
suite.name ??= args.suite;

let impls = implsFor(suite);
if (args.impls.length) {
  const known = impls.map((i) => i.name);
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
    emit: (line) => process.stdout.write(JSON.stringify(line) + "\n"),
    machine: machine(),
    progress,
  });
  process.exitCode = failures ? 1 : 0;
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
