#!/usr/bin/env node
// Browser benchmark runner:
//   node bench/browser/run.js SUITE [--runs N] [--warmup N] [--case NAME] [--impl NAME]
//   node bench/browser/run.js playground [--runs N]   (the playground's cold load: playground.js)
//
// Serves the project root on 127.0.0.1, opens bench/browser/index.html in
// headless Chromium and runs the suite there with the same harness as
// bench/run.js. Prints the same JSON lines on stdout, each with
// "env": "chromium" and the browser's version (see bench/README.md). Progress
// goes to stderr when it is a terminal, and so do the page's errors. Exits 1
// when a line has "ok": false or the page fails, 2 on bad usage.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { machine, projectRoot } from "../node/host.js";
import { parseOptions, suiteNames, usage } from "../node/options.js";
import { CHROMIUM, CHROMIUM_ARGS, CHROMIUM_WEBGPU_ARGS, startStaticServer } from "./server.js";

/** Bound for each step of setting up and tearing down: launch, page load, close. */
const STEP_TIMEOUT_MS = 30_000;
/**
 * The page reports before each case and implementation and after each case,
 * so this much silence means one case is stuck (the Node runner gives a child
 * process as long).
 */
const STALL_TIMEOUT_MS = 10 * 60 * 1000;

const USAGE = usage("node bench/browser/run.js");

// Names are checked here, against the suite module loaded in Node too, so a
// typo is a usage error before any browser starts.
async function checkNames(args) {
  if (!suiteNames().includes(args.suite)) usageError(`no suite ${args.suite}`);
  const mod = await import(new URL(`../suites/${args.suite}.js`, import.meta.url).href);
  const suite = mod.default ?? mod;
  const caseNames = new Set(suite.cases.map((c) => c.name));
  if (suite.startup) caseNames.add("startup");
  const badCases = args.cases.filter((n) => !caseNames.has(n));
  if (badCases.length) usageError(`suite ${args.suite} has no case ${badCases.join(", ")}`);
  const implNames = ["noodle", ...(suite.peers ?? []).map((p) => (typeof p === "string" ? p : p.name))];
  const badImpls = args.impls.filter((n) => !implNames.includes(n));
  if (badImpls.length) usageError(`suite ${args.suite} has no implementation ${badImpls.join(", ")} (has ${implNames.join(", ")})`);
}

/** Rejects after ms unless promise settles first. */
function withTimeout(what, promise, ms = STEP_TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A promise that rejects once `poke()` has not been called for ms, or when
 * `fail(error)` is called (the page crashed or closed).
 */
function watchdog(ms) {
  let timer;
  let reject;
  const promise = new Promise((_, r) => (reject = r));
  // Only the race below listens; a failure after it (the page closing at
  // the end) must not count as an unhandled rejection.
  promise.catch(() => {});
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(() => reject(new Error(`no word from the page for ${ms / 1000} s`)), ms);
  };
  poke();
  return { promise, poke, fail: (e) => reject(e), stop: () => clearTimeout(timer) };
}

// The playground's cold load is not a suite of programs: it has a runner of its own.
if (process.argv[2] === "playground") {
  const runs = process.argv.indexOf("--runs");
  const { benchPlayground } = await import("./playground.js");
  process.exit(await benchPlayground({ runs: runs > 0 ? process.argv[runs + 1] : undefined }));
}

const { args, fail: usageError } = parseOptions(process.argv.slice(2), USAGE);
await checkNames(args);
if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} not found; install it with 'apt-get install chromium'`);
  process.exit(1);
}

const progress = process.stderr.isTTY ? (text) => process.stderr.write(`${text}\n`) : () => {};
const note = (text) => process.stderr.write(`chromium: ${text}\n`);

let server;
let context;
let userDataDir;

/** Closes the browser and the server; false when one of them did not close in time. */
async function cleanup() {
  let closed = true;
  const failed = (e) => {
    note(e.message);
    closed = false;
  };
  await withTimeout("closing the browser", context?.close() ?? Promise.resolve()).catch(failed);
  await withTimeout("closing the server", server?.close() ?? Promise.resolve()).catch(failed);
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  context = server = userDataDir = undefined;
  return closed;
}

// Interrupted by hand: still close the browser and server.
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`bench/browser/run.js: ${signal}, closing the browser`);
    cleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  });
}

async function main() {
  server = await startStaticServer(projectRoot);
  userDataDir = mkdtempSync(join(tmpdir(), "noodle-bench-chromium-"));
  // Playwright passes --user-data-dir itself, from the first argument.
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_TIMEOUT_MS,
    // the gpu suite needs WebGPU (a software adapter here)
    args: args.suite === "gpu" ? CHROMIUM_WEBGPU_ARGS : CHROMIUM_ARGS,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = context.pages()[0] ?? (await context.newPage());

  const guard = watchdog(STALL_TIMEOUT_MS);
  page.on("pageerror", (err) => note(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") note(`console error: ${msg.text()}`);
  });
  page.on("requestfailed", (req) => note(`request failed: ${req.method()} ${req.url()} (${req.failure()?.errorText})`));
  page.on("response", (res) => {
    if (res.status() >= 400) note(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on("crash", () => guard.fail(new Error("the page crashed")));
  page.on("close", () => guard.fail(new Error("the page closed")));

  let env = { env: "chromium" };
  await page.exposeFunction("benchEmit", (line) => {
    guard.poke();
    process.stdout.write(JSON.stringify({ ...line, ...env }) + "\n");
  });
  await page.exposeFunction("benchProgress", (text) => {
    guard.poke();
    progress(text);
  });

  try {
    await page.goto(`${server.origin}/bench/browser/index.html`, { waitUntil: "load" });
    await page.waitForFunction(() => "benchReady" in window);
    const ready = await withTimeout(
      "the page",
      page.evaluate(() => window.benchReady),
    );
    env = { env: "chromium", browser_version: ready.version };
    if (!ready.crossOriginIsolated) note("the page is not cross-origin isolated: timer resolution is coarser");

    guard.poke();
    const options = {
      suite: args.suite,
      runs: args.runs,
      warmup: args.warmup,
      cases: args.cases,
      impls: args.impls,
      alternate: args.alternate,
      machine: machine(),
    };
    const { failures } = await Promise.race([page.evaluate((opts) => window.runBench(opts), options), guard.promise]);
    return failures ? 1 : 0;
  } finally {
    guard.stop();
  }
}

let code;
try {
  code = await main();
} catch (e) {
  // Once interrupted, the page closing under the run is expected.
  if (!interrupted) console.error(`bench/browser/run.js: ${e instanceof Error ? e.message : e}`);
  code = 1;
}
// A browser that would not close would keep Node alive: exit regardless.
if (await cleanup()) process.exitCode = code;
else process.exit(code);
