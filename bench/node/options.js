// Command-line options shared by the Node and browser runners.

import { readdirSync } from "node:fs";
import { DEFAULTS } from "../harness.js";
import { benchPath } from "./host.js";

export function suiteNames() {
  try {
    return readdirSync(benchPath("suites"))
      .filter((f) => f.endsWith(".js"))
      .map((f) => f.slice(0, -3));
  } catch {
    return [];
  }
}

/** The usage text of a runner invoked as `command` (`caseNote` adds to the --case line). */
export function usage(command, caseNote = "") {
  return `usage: ${command} SUITE [--runs N] [--warmup N] [--case NAME]... [--impl NAME]... [--alternate]
  SUITE      a file in bench/suites/ without .js (${suiteNames().join(", ")})
  --runs     timed runs per case and implementation (default ${DEFAULTS.runs}, or the suite's own)
  --warmup   untimed runs before them (default ${DEFAULTS.warmup}, or the suite's own)
  --case     only this case (repeatable, or comma-separated${caseNote})
  --impl     only this implementation: noodle or a peer name (repeatable, or comma-separated)
  --alternate  a case's implementations take their timed runs in turn, so changing load falls on all alike`;
}

/**
 * Parses argv into { suite, runs, warmup, cases, impls }; prints usage and exits 2 on bad input.
 * `runs` and `warmup` stay undefined when not given: `withDefaults` fills them in.
 */
export function parseOptions(argv, usageText) {
  const fail = (message) => {
    console.error(`${message}\n${usageText}`);
    process.exit(2);
  };
  /** @type {{ suite: string | null, runs: number | undefined, warmup: number | undefined, cases: string[], impls: string[], alternate: boolean }} */
  const args = { suite: null, runs: undefined, warmup: undefined, cases: [], impls: [], alternate: false };
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
      case "--alternate":
        if (inline !== undefined) fail("--alternate takes no value");
        args.alternate = true;
        break;
      case "-h":
      case "--help":
        console.log(usageText);
        process.exit(0);
        break;
      default:
        if (a.startsWith("-")) fail(`unknown option ${a}`);
        if (args.suite) fail(`one suite at a time (got ${args.suite} and ${a})`);
        args.suite = a;
    }
  }
  if (!args.suite) fail("no suite given");
  return { args, fail };
}

/** Runs and warm-ups as given, else as the suite asks (slow suites ask for fewer), else the defaults. */
export function withDefaults(args, suite) {
  return {
    ...args,
    runs: args.runs ?? suite.defaults?.runs ?? DEFAULTS.runs,
    warmup: args.warmup ?? suite.defaults?.warmup ?? DEFAULTS.warmup,
  };
}
