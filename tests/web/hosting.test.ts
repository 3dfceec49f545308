// The built site on a static host: from a folder below the host's root (its URLs are relative),
// and offline after a first visit (its service worker has cached every file but the compiled
// tier's compiler, which is fetched only when a program runs hot).
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { startStaticServer } from "../browser/static-server.js";
import { buildSite, hasChromium, openBrowser, runProgram, screenshot, setProgram, skipNote } from "./playground.js";

const TEST_TIMEOUT = 90_000;

async function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const urls: string[] = [];
    for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) urls.push(r.url);
    return urls;
  });
}

async function cachedFiles(page: Page): Promise<number> {
  return page.evaluate(async () => {
    if (!navigator.serviceWorker.controller) return 0;
    const keys = await caches.keys();
    let n = 0;
    for (const k of keys) n += (await (await caches.open(k)).keys()).length;
    return n;
  });
}

describe("the playground on a static host", () => {
  it.skipIf(!hasChromium)(
    `says so, without a stack trace, when the VM cannot load${skipNote}`,
    async () => {
      const site = await buildSite();
      // a host that lost the core's chunks: the run worker cannot make its VM
      const browser = await openBrowser("about:blank");
      try {
        const { page, context } = browser;
        await context.route(/core-(relaxed|simd)\.generated-[^/]*\.js$/, (route) => route.fulfill({ status: 404, body: "not found" }));
        await page.goto(`${site.origin}/`, { waitUntil: "load" });
        await expect.poll(() => page.locator("#notice").innerText()).toContain("Programs cannot run in this browser");
        expect(await page.locator("#status").innerText()).toBe("Cannot run programs");
        expect(await page.locator("[data-testid=run]").isDisabled()).toBe(true);
        expect(await page.locator("#notice").innerText()).not.toMatch(/\bat .*:\d+:\d+/);
      } finally {
        await browser.close();
        await site.close();
      }
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `works from a folder below the host's root, its workers and lazy parts included${skipNote}`,
    async () => {
      const site = await buildSite();
      const host = await startStaticServer(dirname(site.dir));
      const browser = await openBrowser(`${host.origin}/${basename(site.dir)}/`);
      try {
        const { page } = browser;
        await setProgram(page, 'import "std/db" as db\nlet s = db.open("hosted")\ns.put("k", 7)\nfunc f(x) { return x * s.get("k") }\nprint(await spawn f(6))');
        expect(await runProgram(page)).toBe("42\n");
        await page.locator("[role=tab][data-tab=stores]").click();
        await expect.poll(() => page.locator("[data-testid=stores]").innerText()).toContain("hosted");
        expect(browser.errors).toEqual([]);
      } finally {
        await browser.close();
        await host.close();
        await site.close();
      }
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `opens and runs programs with its server gone, after a first visit${skipNote}`,
    async () => {
      const site = await buildSite();
      const browser = await openBrowser(`${site.origin}/`);
      try {
        const { page } = browser;
        // the worker installs once the page has had its first result, or has been idle a moment
        await expect.poll(() => cachedFiles(page), { timeout: 20_000 }).toBeGreaterThan(10);
        // binaryen (12 MB) is in the build but not in the offline copy
        expect(readdirSync(join(site.dir, "assets")).some((f) => f.startsWith("binaryen-"))).toBe(true);
        expect((await cachedUrls(page)).filter((u) => u.includes("binaryen-"))).toEqual([]);
        await site.close();
        await page.reload({ waitUntil: "load" });
        expect(await runProgram(page)).toContain("Hello, Noodle!");
        await setProgram(page, "func sq(x) { return x * x }\nprint(await all([spawn sq(3), spawn sq(4)]))");
        expect(await runProgram(page)).toBe("[9, 16]\n");
        // a program that runs hot asks for the compiler, which cannot be fetched: it runs interpreted
        await setProgram(page, "var s = 0\nfor i in 0..3000000 { s += i % 7 }\nprint(s)");
        expect(await runProgram(page)).toBe("8999994\n");
        await screenshot(page, "9-offline");
      } finally {
        await browser.close();
        await site.close().catch(() => {});
      }
    },
    TEST_TIMEOUT,
  );
});
