// The metrics cases of the `upgrade` suite (bench/suites/upgrade.js).
//
//   metrics-overhead-NAME  the `vm` suite's program NAME, interpreted, on a VM alone (`noodle`)
//                          and on a VM whose series are served over HTTP as `--metrics` serves
//                          them, scraped every SCRAPE_EVERY_MS while it runs (`noodle-metrics`);
//                          the summary's ratio noodle / noodle-metrics is the overhead's inverse
//   scrape-10k             one scrape over HTTP of a registry holding 10 000 series (100
//                          gauges of 100 labelled series each) whose values stay as they were:
//                          `ms` per scrape, the client's reading included
//   scrape-10k-moving      the same with every value set anew before each scrape
//
// Node-only: the server is src/node/metrics-server.ts, from dist/.

import { readFileSync } from "node:fs";
import http from "node:http";
import { nodeHost } from "../impls/node-host.js";
import { compiled, library } from "../impls/noodle-pool.js";
import { cases as vmCases } from "../suites/vm.js";

/** How often the `noodle-metrics` runs are scraped: ten times as often as a scraper usually would in a second. */
export const SCRAPE_EVERY_MS = 100;
const GAUGES = 100;
const SERIES_EACH = 100;

const OVERHEAD_PROGRAMS = ["fib30", "loop", "nbody", "binarytrees"];

async function metricsServer() {
  const { moduleUrl } = await nodeHost();
  return import(moduleUrl("../dist/node/metrics-server.js"));
}

/** Runs `module` on a fresh VM, interpreted; with `observed`, its series are served and scraped while it runs. */
async function runProgram(lib, serve, module, observed) {
  let out = "";
  const registry = new lib.MetricsRegistry();
  const vm = await lib.VM.create({ stdout: (t) => (out += t), jit: "off", metrics: registry });
  let server = null;
  let scraper = null;
  if (observed) {
    lib.observeVm(registry, vm);
    server = await serve(registry, 0);
    const url = `http://${server.address}/metrics`;
    const agent = new http.Agent({ keepAlive: true });
    // a scrape still in flight when the run ends finds the server closed: that is no failure
    scraper = setInterval(() => get(url, agent).catch(() => undefined), SCRAPE_EVERY_MS);
  }
  try {
    const r = await vm.runAsync(module);
    if (!r.ok) throw new Error(`run failed: error[${r.error.code}]: ${r.error.message}`);
  } finally {
    if (scraper) clearInterval(scraper);
    await server?.close();
  }
  return out;
}

/** `noodle` (alone) or `noodle-metrics` (served and scraped) running the vm programs. */
function vmImpl(name, observed) {
  let lib;
  let serve;
  return {
    name,
    lang: "vm",
    async init() {
      lib = await library();
      serve = (await metricsServer()).serveMetrics;
      return { ok: true, fields: observed ? { scrape_every_ms: SCRAPE_EVERY_MS } : {} };
    },
    async prepare(_c, source) {
      const { benchPath } = await nodeHost();
      const module = compiled(lib, readFileSync(benchPath(source), "utf8"), source);
      return { run: () => runProgram(lib, serve, module, observed) };
    },
  };
}

/** Lines of `text` that are samples (not comments), counted without splitting it. */
function samplesIn(text) {
  let n = 0;
  for (let at = 0; at < text.length; ) {
    const end = text.indexOf("\n", at);
    if (text.charCodeAt(at) !== 35) n++;
    at = end < 0 ? text.length : end + 1;
  }
  return n;
}

/** GET `url` over a kept-alive connection; resolves with the body. */
function get(url, agent) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve(body));
      })
      .on("error", reject);
  });
}

/**
 * `noodle` scraping a registry of GAUGES x SERIES_EACH series over HTTP (node:http, a kept-alive
 * connection, as a scraper holds one), lang "registry" with values that stay as they are between
 * scrapes, lang "registry-moving" with every value set anew before each (the worst case).
 */
function registryImpl(lang) {
  let server = null;
  let url = "";
  const agent = new http.Agent({ keepAlive: true });
  return {
    name: "noodle",
    lang,
    async init() {
      const lib = await library();
      const registry = new lib.MetricsRegistry();
      const gauges = [];
      for (let g = 0; g < GAUGES; g++) {
        const gauge = registry.gauge(`bench_gauge_${g}`, `Gauge ${g} of the scrape benchmark`, ["series"]);
        for (let s = 0; s < SERIES_EACH; s++) gauge.set(g * SERIES_EACH + s + 0.5, [`s${s}`]);
        gauges.push(gauge);
      }
      let round = 0;
      if (lang === "registry-moving")
        registry.addCollector(() => {
          round++;
          for (let g = 0; g < GAUGES; g++) for (let s = 0; s < SERIES_EACH; s++) gauges[g].set(g * SERIES_EACH + s + round / 7, [`s${s}`]);
        });
      server = await (await metricsServer()).serveMetrics(registry, 0);
      url = `http://${server.address}/metrics`;
      return { ok: true, fields: { series: registry.seriesCount } };
    },
    async prepare() {
      return {
        run: async () => {
          const text = await get(url, agent);
          return `${samplesIn(text)} samples\n`;
        },
      };
    },
    async close() {
      agent.destroy();
      await server?.close();
      server = null;
    },
  };
}

export const metricsPeers = [vmImpl("noodle", false), registryImpl("registry"), registryImpl("registry-moving"), vmImpl("noodle-metrics", true)];

export const metricsCases = [
  ...OVERHEAD_PROGRAMS.map((program) => {
    const c = vmCases.find((v) => v.name === program);
    if (!c) throw new Error(`the vm suite has no case ${program}`);
    return { name: `metrics-overhead-${program}`, params: c.params, sources: { vm: c.sources.noodle }, expected: c.expected };
  }),
  {
    name: "scrape-10k",
    params: { series: GAUGES * SERIES_EACH, values: "unchanged" },
    sources: { registry: "cases/metrics.js" },
    expected: `${GAUGES * SERIES_EACH} samples\n`,
  },
  {
    name: "scrape-10k-moving",
    params: { series: GAUGES * SERIES_EACH, values: "all changed" },
    sources: { "registry-moving": "cases/metrics.js" },
    expected: `${GAUGES * SERIES_EACH} samples\n`,
  },
];
