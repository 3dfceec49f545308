// Loads the built library (dist/) in headless Chromium inside a module Web Worker and runs
// Noodle programs there. Loading it at all is the main check: a module anywhere in dist/'s
// import graph that needs a Node-only built-in (node:fs, ...) fails to resolve in a browser.
//
// Needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium); without it the
// tests are skipped.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChromiumPage, hasChromium, openChromiumPage, skipNote } from "./chromium-page.js";

const TEST_TIMEOUT = 60_000;
/** Upper bound for any single wait on the browser, so a hung worker fails instead of stalling. */
const STEP_TIMEOUT = 25_000;

interface WorkerResult {
  ok: boolean;
  output: string;
  errorCode: number | null;
  errorText: string | null;
  diagnostics: { code: number; message: string; line: number; col: number }[];
}

declare global {
  interface Window {
    noodleReady: Promise<{ crossOriginIsolated: boolean }>;
    runInWorker(source: string, options?: Record<string, number>, timeoutMs?: number): Promise<WorkerResult>;
  }
}

function withTimeout<T>(what: string, promise: Promise<T>, ms = STEP_TIMEOUT): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe("Noodle in a browser Web Worker", () => {
  let browser: ChromiumPage | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!hasChromium) return;
    browser = await openChromiumPage("tests/browser/worker-page.html", ["dist/index.js"], STEP_TIMEOUT);
    page = browser.page;
  }, TEST_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
  }, TEST_TIMEOUT);

  /** Runs source in the worker; the page enforces its own deadline, this one is a backstop. */
  function runInWorker(source: string, options: Record<string, number> = {}): Promise<WorkerResult> {
    return withTimeout(
      "runInWorker",
      page.evaluate(([src, opts, ms]) => window.runInWorker(src, opts, ms), [source, options, STEP_TIMEOUT - 5_000] as const),
    );
  }

  function expectNoBrowserErrors(): void {
    expect(browser?.errors).toEqual([]);
  }

  it.skipIf(!hasChromium)(
    `loads dist/index.js in a cross-origin isolated module worker${skipNote}`,
    async () => {
      const ready = await withTimeout(
        "library load in the worker",
        page.evaluate(() => window.noodleReady),
      );
      // COOP/COEP from the static server; later tests rely on SharedArrayBuffer being there.
      expect(ready).toEqual({ crossOriginIsolated: true });
      expectNoBrowserErrors();
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `runs a program with a function, a loop, interpolation, a list and a map${skipNote}`,
    async () => {
      const source = [
        "func square(x) { return x * x }",
        "var total = 0",
        "for i in 1..=4 { total += square(i) }",
        "let xs = [1, 2, 3]",
        "push(xs, 4)",
        'let ages = {"ada": 36, "alan": 41}',
        'print("total = ${total}")',
        'print("xs has ${len(xs)} items, last ${xs[3]}")',
        'print("ada is ${ages["ada"]}")',
      ].join("\n");
      const result = await runInWorker(source);
      expect(result).toMatchObject({ ok: true, errorCode: null, errorText: null, diagnostics: [] });
      expect(result.output).toBe("total = 30\nxs has 4 items, last 4\nada is 36\n");
      expectNoBrowserErrors();
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `reports division by zero as runtime error 3001${skipNote}`,
    async () => {
      const result = await runInWorker('print("before")\nlet a = 1\nlet b = 0\nprint(a / b)');
      expect(result.ok).toBe(false);
      expect(result.output).toBe("before\n");
      expect(result.errorCode).toBe(3001);
      expect(result.errorText).toMatch(/^error\[3001\]: division by zero/);
      expectNoBrowserErrors();
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `returns compile errors as diagnostics (2002 undeclared name)${skipNote}`,
    async () => {
      const result = await runInWorker('print("never")\nprint(nope)');
      expect(result.ok).toBe(false);
      expect(result.output).toBe("");
      expect(result.diagnostics).toEqual([{ code: 2002, message: "undeclared name 'nope'", line: 2, col: 7 }]);
      expect(result.errorCode).toBe(2002);
      expectNoBrowserErrors();
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `stops an endless loop at the step limit with 4002${skipNote}`,
    async () => {
      const result = await runInWorker("while true {}", { maxSteps: 100_000 });
      expect(result.ok).toBe(false);
      expect(result.errorCode).toBe(4002);
      expect(result.errorText).toMatch(/^error\[4002\]: /);
      expectNoBrowserErrors();
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `has no file system for std/fs (6003), no environment without permission (6001) and no arguments by default${skipNote}`,
    async () => {
      const result = await runInWorker(`import "std/fs" as fs
import "std/sys" as sys
try { fs.read("a.txt") } catch e { print(e.code) }
try { sys.env("HOME") } catch e { print(e.code) }
print(sys.args, sys.now() > 0)
sys.exit(3)
print("not printed")`);
      expect(result.output).toBe("6003\n6001\n[] true\n");
      expect(result.ok).toBe(true);
      expectNoBrowserErrors();
    },
    TEST_TIMEOUT,
  );
});
