// A pool of Web Workers in headless Chromium: the browser bundle's Pool starts module workers
// running dist/browser/pool-worker.js and runs tasks, pmap, a matrix product and a job that
// loses a worker. Needs Debian's Chromium at /usr/bin/chromium; without it the test is skipped.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, PROJECT_ROOT, startStaticServer, type StaticServer } from "../browser/static-server.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const TIMEOUT = 60_000;

declare global {
  interface Window {
    poolPageReady?: boolean;
    runPool(): Promise<Record<string, unknown>>;
  }
}

describe("a pool of Web Workers", () => {
  let server: StaticServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let userDataDir: string | undefined;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    if (!existsSync(join(PROJECT_ROOT, "dist/browser/pool-worker.js"))) throw new Error("dist/browser/pool-worker.js is missing: build the library first (npm run build)");
    server = await startStaticServer();
    userDataDir = mkdtempSync(join(tmpdir(), "noodle-pool-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, timeout: 25_000, args: CHROMIUM_ARGS });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (err) => browserErrors.push(`page error: ${err.message}`));
    page.on("requestfailed", (req) => browserErrors.push(`request failed: ${req.url()}`));
    await page.goto(`${server.origin}/tests/browser/pool-page.html`, { waitUntil: "load" });
    await page.waitForFunction(() => window.poolPageReady === true, undefined, { timeout: 25_000 });
  }, TIMEOUT);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await server?.close().catch(() => {});
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  }, TIMEOUT);

  it.skipIf(!hasChromium)("runs tasks, pmap and a product on two workers, and survives losing one", async () => {
    const r = await page.evaluate(() => window.runPool());
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.results).toEqual(Array.from({ length: 200 }, (_, i) => i * 2 + 1));
    expect(r.error).toEqual({ code: 3001, message: "division by zero" });
    expect(r.mapped).toEqual([3, 5, 7]);
    expect(r.grid).toEqual({ shape: [2, 3], length: 6 });
    expect(r.product).toEqual({ shape: [3, 2], data: [1, 4, 3, 8, 5, 12] });
    expect(r.loaded).toEqual([1, 1]);
    expect(r.jobOk).toBe(true);
    expect(r.size).toBe(2);
    expect(browserErrors).toEqual([]);
  }, TIMEOUT);
});
