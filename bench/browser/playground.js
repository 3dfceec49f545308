// The playground's cold load: `node bench/browser/run.js playground [--runs N]`.
//
// Builds the site (web/, as `npm run build:web` does) into a scratch folder, serves it on
// 127.0.0.1 compressed with gzip as a real host would, and opens it in headless Chromium with a
// fresh profile (an empty cache) on a share link holding `print(1 + 1)`; Run is clicked within a
// frame of being enabled. Measured: the time from navigation to the first result in the console (the
// page's `noodle:first-result` mark; also when the page's DOM was loaded and the run worker was
// ready), and the bytes of JavaScript and WebAssembly sent before
// it, compressed as sent. One JSON line per run, then one per file of the site (its size as
// built and gzipped, and whether the first result needed it), then a summary with the medians
// and the targets (1.0 s, 1.5 MB).

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, relative } from "node:path";
import { deflateRawSync, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { machine, projectRoot } from "../node/host.js";
import { CHROMIUM, CHROMIUM_ARGS, startStaticServer } from "./server.js";

const TARGET_MS = 1000;
const TARGET_BYTES = 1.5e6;
const STEP_TIMEOUT_MS = 30_000;
const PROGRAM = "print(1 + 1)";

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One cold load: a fresh profile, the first result of the preloaded program. */
async function coldLoad(site, fragment) {
  /** @type {{ path: string, bytes: number, at: number }[]} */
  const sent = [];
  const server = await startStaticServer(site, { gzip: true, onSent: (path, bytes) => sent.push({ path, bytes, at: Date.now() }) });
  const profile = mkdtempSync(join(tmpdir(), "noodle-bench-playground-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, timeout: STEP_TIMEOUT_MS, args: CHROMIUM_ARGS });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.origin}/${fragment}`, { waitUntil: "commit" });
    // clicked within a frame of Run being enabled (a locator's click polls with growing pauses)
    await page.waitForSelector("[data-testid=run]");
    const clickedMs = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const run = /** @type {HTMLButtonElement} */ (document.querySelector("[data-testid=run]"));
          const tick = () => {
            if (run.disabled) return requestAnimationFrame(tick);
            run.click();
            resolve(performance.now());
          };
          tick();
        }),
    );
    await page.waitForFunction(() => performance.getEntriesByName("noodle:first-result").length > 0);
    const result = await page.evaluate(() => {
      const mark = performance.getEntriesByName("noodle:first-result")[0];
      const ready = performance.getEntriesByName("noodle:run-worker-ready")[0];
      const nav = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType("navigation")[0]);
      return {
        ms: mark.startTime,
        at: performance.timeOrigin + mark.startTime,
        readyMs: ready?.startTime ?? -1,
        domContentLoadedMs: nav?.domContentLoadedEventEnd ?? -1,
        output: document.querySelector("[data-testid=output]")?.textContent ?? "",
      };
    });
    const before = sent.filter((s) => s.at <= result.at);
    const code = before.filter((s) => [".js", ".wasm"].includes(extname(s.path.split("?")[0])));
    return {
      ok: result.output.startsWith("2\n") && errors.length === 0,
      ms: Math.round(result.ms * 10) / 10,
      dom_content_loaded_ms: Math.round(result.domContentLoadedMs),
      run_worker_ready_ms: Math.round(result.readyMs),
      clicked_ms: Math.round(clickedMs),
      code_bytes: code.reduce((n, s) => n + s.bytes, 0),
      all_bytes: before.reduce((n, s) => n + s.bytes, 0),
      requests: before.length,
      files: [...new Set(before.map((s) => s.path))],
      version: context.browser()?.version() ?? "",
      ...(errors.length ? { errors } : {}),
    };
  } finally {
    await context?.close().catch(() => {});
    await server.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

export async function benchPlayground(args) {
  const runs = Math.max(1, Number(args.runs ?? 3));
  const { build } = await import("vite");
  const site = mkdtempSync(join(tmpdir(), "noodle-bench-site-"));
  try {
    await build({ configFile: join(projectRoot, "web/vite.config.ts"), build: { outDir: site, emptyOutDir: true }, logLevel: "error" });
    const fragment = `#code=${deflateRawSync(Buffer.from(PROGRAM)).toString("base64url")}`;
    const results = [];
    let failures = 0;
    for (let i = 0; i < runs; i++) {
      const r = await coldLoad(site, fragment);
      results.push(r);
      if (!r.ok) failures++;
      const { files, version, ...line } = r;
      console.log(JSON.stringify({ suite: "playground", case: "cold-load", run: i + 1, ...line, env: "chromium", browser_version: version }));
    }
    const needed = new Set(results[0].files.map((p) => p.split("?")[0].replace(/^\//, "").replace(/^$/, "index.html")));
    for (const file of filesUnder(site).sort()) {
      const name = relative(site, file);
      const bytes = readFileSync(file);
      console.log(
        JSON.stringify({
          suite: "playground",
          case: "chunk",
          file: name,
          bytes: statSync(file).size,
          gzip_bytes: gzipSync(bytes).length,
          first_result: needed.has(name),
        }),
      );
    }
    const ms = median(results.map((r) => r.ms));
    const bytes = median(results.map((r) => r.code_bytes));
    console.log(
      JSON.stringify({
        suite: "playground",
        summary: true,
        ok: failures === 0 && ms <= TARGET_MS && bytes <= TARGET_BYTES,
        cold_load_ms: ms,
        target_ms: TARGET_MS,
        code_bytes_gzip: bytes,
        target_bytes: TARGET_BYTES,
        failures,
        runs,
        machine: machine(),
      }),
    );
    return failures ? 1 : 0;
  } finally {
    rmSync(site, { recursive: true, force: true });
  }
}
