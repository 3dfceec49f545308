// sleep in a real browser: the bundled library (dist/browser/noodle.js) waits real time with a
// timer while tasks run meanwhile; a synchronous eval on the page's main thread, which may not
// block, fails with 1008 instead of spinning.
//
// Needs Debian's Chromium at /usr/bin/chromium; without it the tests are skipped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChromiumPage, hasChromium, openChromiumPage } from "./chromium-page.js";

const TIMEOUT = 60_000;

describe.skipIf(!hasChromium)("sleep in a page", () => {
  let browser: ChromiumPage;

  beforeAll(async () => {
    browser = await openChromiumPage("tests/browser/store-page.html", ["dist/browser/noodle.js"], TIMEOUT / 2);
    await browser.page.waitForFunction(() => (window as unknown as { storeReady?: boolean }).storeReady === true);
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
  }, TIMEOUT);

  it(
    "an asynchronous run waits real time and runs other tasks meanwhile",
    async () => {
      const source = `
      var ticks = 0
      async func tick() { for i in 0..3 { ticks += 1; await sleep(5) } }
      let t0 = clock()
      let t = tick()
      await sleep(100)
      print(ticks, clock() - t0 >= 99)`;
      const [output, elapsed] = await browser.page.evaluate(async (src) => {
        const started = performance.now();
        const out = await (window as unknown as { runProgram(s: string): Promise<string> }).runProgram(src);
        return [out, performance.now() - started] as const;
      }, source);
      expect(output).toBe("3 true\n");
      expect(elapsed).toBeGreaterThanOrEqual(90);
      expect(browser.errors).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "a synchronous eval on the main thread cannot block: 1008",
    async () => {
      // as text: the test runner would rewrite a dynamic import written in a function
      const result = await browser.page.evaluate(`(async () => {
      const lib = await import("/dist/browser/noodle.js");
      const session = await lib.Noodle.create({ stdout: () => {} });
      const r = session.eval("await sleep(10)\\n1");
      return [r.ok, r.error?.code, r.error?.message];
    })()`);
      expect(result).toEqual([false, 1008, "the program sleeps, and a synchronous run cannot wait on this thread; run it with runAsync"]);
    },
    TIMEOUT,
  );
});
