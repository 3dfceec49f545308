// After a first visit the playground opens and runs without the network: its service worker has
// cached every file of the site.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { buildSite, hasChromium, openBrowser, runProgram, screenshot, setProgram, skipNote } from "./playground.js";

const TEST_TIMEOUT = 90_000;

async function cachedFiles(page: Page): Promise<number> {
  return page.evaluate(async () => {
    if (!navigator.serviceWorker.controller) return 0;
    const keys = await caches.keys();
    let n = 0;
    for (const k of keys) n += (await (await caches.open(k)).keys()).length;
    return n;
  });
}

describe("the playground offline", () => {
  it.skipIf(!hasChromium)(
    `opens and runs programs with its server gone, after a first visit${skipNote}`,
    async () => {
      const site = await buildSite();
      const browser = await openBrowser(`${site.origin}/`);
      try {
        const { page } = browser;
        // the worker installs once the page has had its first result, or has been idle a moment
        await expect.poll(() => cachedFiles(page), { timeout: 20_000 }).toBeGreaterThan(10);
        await site.close();
        await page.reload({ waitUntil: "load" });
        expect(await runProgram(page)).toContain("Hello, Noodle!");
        await setProgram(page, "func sq(x) { return x * x }\nprint(await all([spawn sq(3), spawn sq(4)]))");
        expect(await runProgram(page)).toBe("[9, 16]\n");
        await screenshot(page, "9-offline");
      } finally {
        await browser.close();
        await site.close().catch(() => {});
      }
    },
    TEST_TIMEOUT,
  );
});
