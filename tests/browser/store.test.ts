// Stores in a real browser: the bundled library (dist/browser/noodle.js) keeps a store in
// IndexedDB in headless Chromium; after a page reload the store reopens with its values, metadata
// and MQL, and a rolled back transaction left nothing behind.
//
// Needs Debian's Chromium at /usr/bin/chromium; without it the tests are skipped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChromiumPage, hasChromium, openChromiumPage } from "./chromium-page.js";

const TIMEOUT = 60_000;

describe.skipIf(!hasChromium)("a store in IndexedDB", () => {
  let browser: ChromiumPage;

  beforeAll(async () => {
    browser = await openChromiumPage("tests/browser/store-page.html", ["dist/browser/noodle.js"], TIMEOUT / 2);
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
  }, TIMEOUT);

  async function visit(which: "firstVisit" | "secondVisit" | "runProgram", source?: string): Promise<unknown> {
    const { page } = browser;
    await page.waitForFunction(() => (window as unknown as { storeReady?: boolean }).storeReady === true);
    return page.evaluate(([name, src]) => (window as unknown as Record<string, (s?: string) => Promise<unknown>>)[name](src), [which, source] as const);
  }

  it(
    "keeps values, metadata and queries across a page reload",
    async () => {
      expect(await visit("firstVisit")).toEqual({ keys: ["B", "A"], dets: [10, -2] });
      await browser.page.reload({ waitUntil: "load" });
      expect(await visit("secondVisit")).toEqual({ keys: ["A", "B", "n"], A: ["matrix", "f64", [1, 2, 3, 4]], n: 42, meta: [["tag", "demo"]], tagged: ["A"] });
      expect(browser.errors).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "serves std/db to Noodle programs, kept across a reload",
    async () => {
      const first = await visit(
        "runProgram",
        `import "std/db" as db
let s = db.open("notebook")
s.transaction(() => { s.put("A", [2, 1; 1, 3], {"run": 1}); s.put("count", 1) })
print(s.query("SELECT key, det(value) AS d FROM objects WHERE type = 'matrix'"))
s.close()`,
      );
      expect(first).toBe('[{"key": "A", "d": 5}]\n');
      await browser.page.reload({ waitUntil: "load" });
      const again = await visit(
        "runProgram",
        `import "std/db" as db
let s = db.open("notebook")
s.put("count", s.get("count") + 1)
print(s.keys(), s.get("A"), s.get("count"))
s.close()`,
      );
      expect(again).toBe('["A", "count"] [2, 1; 1, 3] 2\n');
      expect(browser.errors).toEqual([]);
    },
    TIMEOUT,
  );
});
