// Stores in a real browser: the bundled library (dist/browser/noodle.js) keeps a store in
// IndexedDB in headless Chromium; after a page reload the store reopens with its values, metadata
// and MQL, and a rolled back transaction left nothing behind.
//
// Needs Debian's Chromium at /usr/bin/chromium; without it the tests are skipped.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, PROJECT_ROOT, startStaticServer, type StaticServer } from "./static-server.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const TIMEOUT = 60_000;

describe.skipIf(!hasChromium)("a store in IndexedDB", () => {
  let server: StaticServer;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(PROJECT_ROOT, "dist/browser/noodle.js"))) throw new Error("dist/browser/noodle.js is missing: run npm run build");
    server = await startStaticServer();
    userDataDir = mkdtempSync(join(tmpdir(), "noodle-chromium-store-"));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, timeout: TIMEOUT, args: CHROMIUM_ARGS });
    context.setDefaultTimeout(TIMEOUT / 2);
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (err) => browserErrors.push(`page error: ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error") browserErrors.push(`console error: ${msg.text()}`);
    });
    await page.goto(`${server.origin}/tests/browser/store-page.html`, { waitUntil: "load" });
  }, TIMEOUT);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await server?.close().catch(() => {});
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  }, TIMEOUT);

  async function visit(which: "firstVisit" | "secondVisit"): Promise<unknown> {
    await page.waitForFunction(() => (window as unknown as { storeReady?: boolean }).storeReady === true);
    return page.evaluate((name) => (window as unknown as Record<string, () => Promise<unknown>>)[name](), which);
  }

  it("keeps values, metadata and queries across a page reload", async () => {
    expect(await visit("firstVisit")).toEqual({ keys: ["B", "A"], dets: [10, -2] });
    await page.reload({ waitUntil: "load" });
    expect(await visit("secondVisit")).toEqual({ keys: ["A", "B", "n"], A: ["matrix", "f64", [1, 2, 3, 4]], n: 42, meta: [["tag", "demo"]], tagged: ["A"] });
    expect(browserErrors).toEqual([]);
  }, TIMEOUT);
});
