// The in-page side of the browser benchmark runner: it runs a suite with the
// same harness (../harness.js) and implementations (../impls/) as Node, with
// files fetched over HTTP from the server that serves the project root.
//
// Hooks for the driver (bench/browser/run.js):
//   window.benchReady     a promise of { browser, version, crossOriginIsolated }
//                         once this module has loaded
//   window.runBench(opts) runs a suite, opts: { suite, runs, warmup, cases,
//                         impls, alternate, machine }; resolves to { failures }
// and the functions the driver exposes to the page:
//   window.benchEmit(line)     one result line (awaited before runBench returns)
//   window.benchProgress(text) what is about to run

import { runSuite } from "../harness.js";
import { jsImpl } from "../impls/js.js";
import { noodleImpl } from "../impls/noodle.js";
import { selectImpls } from "../impls/select.js";

/** bench/ and the project root, as URLs; suites name their files relative to bench/. */
const benchUrl = new URL("../", import.meta.url);
const rootUrl = new URL("../../", import.meta.url);

const urlOf = (path) => new URL(path, benchUrl).href;

async function readText(path) {
  const res = await fetch(urlOf(path));
  if (!res.ok) throw new Error(`GET bench/${path}: HTTP ${res.status}`);
  return res.text();
}

// The brand and full version. The user-agent string carries only the major
// version, so the full one is asked of the client hints first.
async function browserInfo() {
  try {
    // no client hints (other engines): the catch below falls back to the user-agent string
    const { fullVersionList } = await /** @type {NonNullable<Navigator["userAgentData"]>} */ (navigator.userAgentData).getHighEntropyValues([
      "fullVersionList",
    ]);
    const entry = fullVersionList.find((b) => b.brand === "Chromium") ?? fullVersionList.find((b) => /chrom/i.test(b.brand) && !/not.a.brand/i.test(b.brand));
    if (entry) return { browser: entry.brand, version: entry.version };
  } catch {
    // no client hints: fall back to the user-agent string
  }
  const m = /(HeadlessChrome|Chromium|Chrome)\/([\d.]+)/.exec(navigator.userAgent);
  return m ? { browser: m[1], version: m[2] } : { browser: "unknown", version: navigator.userAgent };
}

const info = await browserInfo();

async function loadNoodle() {
  const url = new URL("dist/index.js", rootUrl).href;
  try {
    return await import(url);
  } catch (e) {
    // The browser says only "Failed to fetch dynamically imported module":
    // name the likely cause when the file is missing.
    const res = await fetch(url).catch(() => null);
    if (res && !res.ok) throw new Error(`dist/index.js is not there (HTTP ${res.status}); build it with npm install`);
    throw e;
  }
}

// The Node start-up row times the CLI as a child process; a page has no such
// thing. The fixed cost of a run (an empty program) is still measured, as
// startup_ms on every noodle line.
async function noodleStartup() {
  return {
    skipped: true,
    reason: "the start-up row runs the CLI as a process, which a browser page cannot start",
  };
}

// A peer that runs as a child process (Lua), reported as skipped.
function processPeer(name, lang) {
  return {
    name,
    lang,
    async init() {
      return { ok: false, reason: `${name} runs as a child process, which a browser page cannot start` };
    },
  };
}

const BUILT_IN = {
  noodle: () => noodleImpl({ load: loadNoodle, readText, fileName: (path) => `bench/${path}`, startup: noodleStartup }),
  js: () => jsImpl({ moduleUrl: urlOf, version: `${info.browser} ${info.version}` }),
  "lua5.4": () => processPeer("lua5.4", "lua"),
  "noodle-cli": () => processPeer("noodle", "noodle_cli"),
  "noodle-baseline": () => processPeer("noodle-baseline", "noodle_cli"),
};

window.runBench = async ({ suite: suiteName, runs, warmup, cases = [], impls: only = [], alternate = false, machine = {} }) => {
  const mod = await import(urlOf(`suites/${suiteName}.js`));
  const suite = { ...(mod.default ?? mod) };
  suite.name ??= suiteName;
  let impls = selectImpls(suite, BUILT_IN);
  if (only.length) impls = impls.filter((i) => only.includes(i.name));

  // Each emit is a round trip to the driver; waiting for them all at the end
  // makes every line printed before runBench resolves.
  const delivered = [];
  const { failures } = await runSuite(suite, impls, {
    runs: runs ?? suite.defaults?.runs,
    warmup: warmup ?? suite.defaults?.warmup,
    cases,
    alternate,
    emit: (line) => delivered.push(window.benchEmit(line)),
    progress: (text) => {
      window.benchProgress?.(text)?.catch(() => {});
    },
    machine: { ...machine, browser: `${info.browser} ${info.version}`, cross_origin_isolated: self.crossOriginIsolated },
  });
  await Promise.all(delivered);
  return { failures };
};

window.benchReady = Promise.resolve({ ...info, crossOriginIsolated: self.crossOriginIsolated === true });
