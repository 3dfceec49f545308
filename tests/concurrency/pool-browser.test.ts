// A pool of Web Workers in headless Chromium: the browser bundle's Pool starts module workers
// running dist/browser/pool-worker.js and runs tasks, pmap, a matrix product and a job that
// loses a worker, and a program whose tasks, actors and pmap run on the workers. Needs Debian's Chromium at /usr/bin/chromium; without it the test is skipped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChromiumPage, hasChromium, openChromiumPage } from "../browser/chromium-page.js";

const TIMEOUT = 60_000;

declare global {
  interface Window {
    poolPageReady?: boolean;
    runPool(): Promise<Record<string, unknown>>;
    runProgram(): Promise<Record<string, unknown>>;
  }
}

describe("a pool of Web Workers", () => {
  let browser: ChromiumPage | undefined;

  beforeAll(async () => {
    if (!hasChromium) return;
    browser = await openChromiumPage("tests/browser/pool-page.html", ["dist/browser/noodle.js", "dist/browser/pool-worker.js"]);
    await browser.page.waitForFunction(() => window.poolPageReady === true, undefined, { timeout: 25_000 });
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
  }, TIMEOUT);

  it.skipIf(!hasChromium)(
    "runs tasks, pmap and a product on two workers, and survives losing one",
    async () => {
      const r = await browser!.page.evaluate(() => window.runPool());
      expect(r.crossOriginIsolated).toBe(true);
      expect(r.results).toEqual(Array.from({ length: 200 }, (_, i) => i * 2 + 1));
      expect(r.error).toEqual({ code: 3001, message: "division by zero" });
      expect(r.mapped).toEqual([3, 5, 7]);
      expect(r.grid).toEqual({ shape: [2, 3], length: 6 });
      expect(r.product).toEqual({ shape: [3, 2], data: [1, 4, 3, 8, 5, 12] });
      expect(r.loaded).toEqual([1, 1]);
      expect(r.jobOk).toBe(true);
      expect(r.size).toBe(2);
      expect(browser!.errors).toEqual([]);
    },
    TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    "runs a program's tasks, actors and pmap on Web Workers",
    async () => {
      const r = await browser!.page.evaluate(() => window.runProgram());
      expect(r.error).toBeUndefined();
      expect(r.out).toBe("count is 4950\n[1, 4] 4953\n328350\n");
      expect(r.actors).toBe(1);
      // the 100 + 1 messages of the program and the 2 of its tasks; the 2 tasks and 8 pmap chunks
      expect(r.messages).toBe(104);
      expect(r.tasks).toBe(10);
      expect(browser!.errors).toEqual([]);
    },
    TIMEOUT,
  );
});
