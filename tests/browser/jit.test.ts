// The compiled tier in a browser: a page that maps "binaryen" gets compiled code from the library
// bundle, and it prints what the interpreter prints.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChromiumPage, hasChromium, openChromiumPage, skipNote } from "./chromium-page.js";

declare global {
  interface Window {
    tiersReady?: boolean;
    runTiers(source: string): Promise<Record<"interpreted" | "compiled", { out: string; ok: boolean; stats: { compiled: number } }>>;
  }
}

const STEP_TIMEOUT = 60_000;

describe.skipIf(!hasChromium)(`the compiled tier in Chromium${skipNote}`, () => {
  let browser: ChromiumPage;
  beforeAll(async () => {
    browser = await openChromiumPage("tests/browser/jit-page.html", ["dist/browser/noodle.js"], STEP_TIMEOUT);
    await browser.page.waitForFunction(() => window.tiersReady === true);
  }, STEP_TIMEOUT);
  afterAll(() => browser?.close());

  it(
    "compiles a page's functions with binaryen and prints what the interpreter prints",
    async () => {
      const source =
        "func fib(n) {\n  if n < 2 { return n }\n  return fib(n - 1) + fib(n - 2)\n}\nfunc sum(n) {\n  var s = 0\n  for i in 0..n { s += i * 0.5 }\n  return s\n}\nprint(fib(20), sum(100000))";
      const { interpreted, compiled } = await browser.page.evaluate((s) => window.runTiers(s), source);
      expect(interpreted).toMatchObject({ out: "6765 2499975000\n", ok: true, stats: { compiled: 0 } });
      expect(compiled.out).toBe(interpreted.out);
      expect(compiled.stats.compiled).toBe(2);
      expect(browser.errors).toEqual([]);
    },
    STEP_TIMEOUT,
  );
});
