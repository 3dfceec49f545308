// The metrics cases of the `upgrade` suite (bench/suites/upgrade.js).
//
//   metrics-overhead-NAME  the `vm` suite's program NAME, interpreted, on a VM alone and then on a
//                          VM whose series are served over HTTP as `--metrics` serves them,
//                          scraped every SCRAPE_EVERY_MS while it runs: each timed run is one such
//                          pair (`ms`), and the line's `overhead_pct` (wall) and `cpu_overhead_pct`
//                          are the medians of the pairs' ratios, `plain_ms` and `metrics_ms` the
//                          medians of each. Pairs meet the same load, which a busy machine changes
//                          from one second to the next.
//   scrape-10k             one scrape over HTTP of a registry holding 10 000 series (100
//                          gauges of 100 labelled series each) whose values stay as they were:
//                          `ms` per scrape, from connecting to the last sample read by the client
//   scrape-10k-moving      the same with every value set anew before each scrape
//
// Each scrape connects anew and asks as Prometheus does (Accept, Accept-Encoding: gzip), so that
// what the server makes of those is measured. The client runs in the same process as the server.
// Node-only: the server is src/node/metrics-server.ts, from dist/. `noodle-baseline` runs the
// scrape cases on the registry and server of the build whose bin/noodle.js NOODLE_BASELINE_BIN
// names (a copy of the tree before a change, built), in this process: with `--alternate`, its
// scrapes and this tree's take turns, so both meet the same load.

import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { createGunzip } from "node:zlib";
import { nodeHost } from "../impls/node-host.js";
import { compiled, library } from "../impls/noodle-pool.js";
import { cases as vmCases } from "../suites/vm.js";

/** How often a run with its metrics served is scraped: ten times a second, where a scraper usually comes every 15 s. */
export const SCRAPE_EVERY_MS = 100;
const GAUGES = 100;
const SERIES_EACH = 100;

const OVERHEAD_PROGRAMS = ["fib30", "loop", "nbody", "binarytrees"];

async function metricsServer() {
  const { moduleUrl } = await nodeHost();
  return import(moduleUrl("../dist/node/metrics-server.js"));
}

/** The library and metrics server of NOODLE_BASELINE_BIN's build. */
async function baselineBuild() {
  const bin = process.env.NOODLE_BASELINE_BIN;
  if (!bin) throw new Error("NOODLE_BASELINE_BIN is not set (the path of another build's bin/noodle.js to compare with)");
  const dist = join(dirname(dirname(bin)), "dist", "node");
  for (const file of ["main.js", "metrics-server.js"])
    if (!existsSync(join(dist, file))) throw new Error(`${join(dist, file)} does not exist (build that tree)`);
  return {
    lib: await import(pathToFileURL(join(dist, "main.js")).href),
    server: await import(pathToFileURL(join(dist, "metrics-server.js")).href),
  };
}

/**
 * Runs `module` on a fresh VM, interpreted; with `observed`, its series are served and scraped
 * while it runs. Answers with its output, its wall and CPU time (ms) and the scrapes answered.
 */
async function runProgram(lib, serve, module, observed) {
  let out = "";
  const registry = new lib.MetricsRegistry();
  const vm = await lib.VM.create({ stdout: (t) => (out += t), jit: "off", metrics: registry });
  let server = null;
  let scraper = null;
  let scrapes = 0;
  if (observed) {
    lib.observeVm(registry, vm);
    server = await serve(registry, 0);
    const url = `http://${server.address}/metrics`;
    // a scrape still in flight when the run ends finds the server closed: that is no failure
    const scrape = () =>
      get(url).then(
        () => scrapes++,
        () => undefined,
      );
    // the first as the run starts, so that short runs are scraped too
    void scrape();
    scraper = setInterval(scrape, SCRAPE_EVERY_MS);
  }
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  try {
    const r = await vm.runAsync(module);
    if (!r.ok) throw new Error(`run failed: error[${r.error.code}]: ${r.error.message}`);
  } finally {
    if (scraper) clearInterval(scraper);
    await server?.close();
  }
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { out, wall, cpu: (used.user + used.system) / 1000, scrapes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const round = (x) => Math.round(x * 10) / 10;

/** `noodle` running a vm program twice per timed run: alone, then served and scraped. */
function overheadImpl() {
  let lib;
  let serve;
  return {
    name: "noodle",
    lang: "vm",
    async init() {
      lib = await library();
      serve = (await metricsServer()).serveMetrics;
      return { ok: true, fields: { scrape_every_ms: SCRAPE_EVERY_MS } };
    },
    async prepare(_c, source) {
      const { benchPath } = await nodeHost();
      const module = compiled(lib, readFileSync(benchPath(source), "utf8"), source);
      const pairs = [];
      // filled as the runs go (the harness reads them after the last)
      const fields = {};
      return {
        run: async () => {
          const plain = await runProgram(lib, serve, module, false);
          const observed = await runProgram(lib, serve, module, true);
          if (observed.out !== plain.out) throw new Error("the program printed otherwise with its metrics served");
          pairs.push({ plain, observed });
          Object.assign(fields, {
            plain_ms: round(median(pairs.map((p) => p.plain.wall))),
            metrics_ms: round(median(pairs.map((p) => p.observed.wall))),
            overhead_pct: round((median(pairs.map((p) => p.observed.wall / p.plain.wall)) - 1) * 100),
            cpu_overhead_pct: round((median(pairs.map((p) => p.observed.cpu / p.plain.cpu)) - 1) * 100),
            scrapes_median: median(pairs.map((p) => p.observed.scrapes)),
          });
          return plain.out;
        },
        fields,
      };
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

/** What Prometheus sends with a scrape: the formats it reads, and that it takes gzip. */
const SCRAPE_HEADERS = {
  accept: "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
  "accept-encoding": "gzip",
};

/**
 * GET `url` as Prometheus asks, on a connection of its own; resolves with the body. Prometheus
 * scrapes every 15 s or more and the server closes a connection idle for 1 s, so each of its
 * scrapes connects anew: so does this one.
 */
function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, headers: SCRAPE_HEADERS }, (res) => {
        // a compressed body is read as Prometheus reads it, through gunzip
        const stream = res.headers["content-encoding"] === "gzip" ? res.pipe(createGunzip()) : res;
        let body = "";
        stream.setEncoding("utf8");
        stream.on("data", (d) => (body += d));
        stream.on("end", () => resolve(body));
        stream.on("error", reject);
      })
      .on("error", reject);
  });
}

/**
 * `noodle` scraping a registry of GAUGES x SERIES_EACH series over HTTP (node:http, a connection
 * per scrape, as Prometheus makes them), lang "registry" with values that stay as they are between
 * scrapes, lang "registry-moving" with every value set anew by a collector before each (the worst
 * case: the 10 000 `gauge.set` calls are timed with the scrape). `build` gives the library and the
 * metrics server module (this tree's, or the baseline's for `noodle-baseline`).
 */
function registryImpl(lang, name = "noodle", build = async () => ({ lib: await library(), server: await metricsServer() })) {
  let server = null;
  let url = "";
  return {
    name,
    lang,
    async init() {
      let built;
      try {
        built = await build();
      } catch (e) {
        return { ok: false, reason: e instanceof Error ? e.message : String(e) };
      }
      const lib = built.lib;
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
      server = await built.server.serveMetrics(registry, 0);
      url = `http://${server.address}/metrics`;
      return { ok: true, fields: { series: registry.seriesCount } };
    },
    async prepare() {
      return {
        run: async () => {
          const text = await get(url);
          return `${samplesIn(text)} samples\n`;
        },
      };
    },
    async close() {
      await server?.close();
      server = null;
    },
  };
}

export const metricsPeers = [
  overheadImpl(),
  registryImpl("registry"),
  registryImpl("registry-moving"),
  registryImpl("registry", "noodle-baseline", baselineBuild),
  registryImpl("registry-moving", "noodle-baseline", baselineBuild),
];

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
