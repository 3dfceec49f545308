// The playground in headless Chromium: the built site, driven through its test hooks
// (data-testid). Screenshots of the main states go to ARTIFACTS (see playground.ts).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../browser/static-server.js";
import { type Browser, buildSite, hasChromium, openBrowser, programText, runProgram, type Site, screenshot, setProgram, skipNote } from "./playground.js";

const TEST_TIMEOUT = 90_000;

const output = (page: Page) => page.locator("[data-testid=output]");

describe("the playground in a browser", () => {
  let site: Site;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!hasChromium) return;
    site = await buildSite();
    browser = await openBrowser(`${site.origin}/`);
    page = browser.page;
  }, TEST_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  }, TEST_TIMEOUT);

  it.skipIf(!hasChromium)(
    `runs a program and shows what it prints${skipNote}`,
    async () => {
      await setProgram(page, 'print(1 + 1)\nfor i in 1..=3 { print("line", i) }');
      expect(await runProgram(page)).toBe("2\nline 1\nline 2\nline 3\n");
      await expect.poll(() => page.locator("#status").innerText()).toMatch(/^Done in \d+ ms$/);
      await screenshot(page, "1-output");
      expect(browser.errors).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `draws the figures of plot.show as charts beneath the output, values on hover${skipNote}`,
    async () => {
      await setProgram(
        page,
        'import "std/plot" as plot\nprint("before")\nplot.show(plot.scatter([1, 2, 3, 4, 5], [1, 4, 9, 16, 25], {"title": "squares"}))\nplot.show(plot.heatmap([1, 2; 3, 4]))\nprint("after")',
      );
      expect(await runProgram(page)).toBe("before\nafter\n");
      const plots = page.locator("[data-testid=plots]");
      await expect.poll(() => plots.locator(".figure svg").count()).toBe(2);
      expect(await plots.isVisible()).toBe(true);
      expect(await plots.locator(".figure").first().innerText()).toContain("squares");
      // five points, each a mark with its values on hover
      await expect.poll(() => plots.locator(".figure").first().locator("path[aria-roledescription=symbol], .mark-symbol path").count()).toBe(5);
      await screenshot(page, "1b-plots");
      // the next run starts with no figures
      await setProgram(page, "print(1)");
      expect(await runProgram(page)).toBe("1\n");
      expect(await plots.locator(".figure").count()).toBe(0);
      expect(browser.errors).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `compiles a program's hot functions in its run worker, and says so${skipNote}`,
    async () => {
      // interpreted, this runs for seconds: long enough for the worker to fetch binaryen and compile
      await setProgram(
        page,
        "func sumSquares(n) {\n  var s = 0\n  for i in 0..n { s += i * i }\n  return s\n}\nvar runs = 0\nfor k in 0..200 { if sumSquares(1000000) > 0 { runs += 1 } }\nprint(runs)",
      );
      expect(await runProgram(page)).toBe("200\n");
      expect(await page.locator("#status").innerText()).toMatch(/^Done in \d+ ms, [1-9]\d* functions? compiled$/);
      expect(browser.errors).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `reports the code a program exits with${skipNote}`,
    async () => {
      await setProgram(page, 'import "std/sys" as sys\nprint("bye")\nsys.exit(3)\nprint("never")');
      expect(await runProgram(page)).toBe("bye\n");
      expect(await page.locator("#status").innerText()).toMatch(/^Done: exited with 3 after \d+ ms$/);
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `shows a runtime error's code, message and trace, and a frame moves the editor to its line${skipNote}`,
    async () => {
      await setProgram(page, 'print("before")\nlet zero = 0\nfunc divide(x) {\n  return x / zero\n}\nprint(divide(1))');
      const text = await runProgram(page);
      expect(text).toContain("before\n");
      expect(text).toContain("error[3001]: division by zero");
      expect(text).toContain("at divide (main.nc:4:12)");
      await screenshot(page, "2-runtime-error");
      await page.locator(".run-error button.frame", { hasText: "divide" }).click();
      const line = await page.evaluate(() => document.querySelector(".cm-activeLineGutter")?.textContent);
      expect(line).toBe("4");
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `shows problems of a broken program while typing, with squiggles at their spans${skipNote}`,
    async () => {
      await setProgram(page, "let x = 1\nprint(y)\nlet = 2");
      await page.locator("[role=tab][data-tab=problems]").click();
      const problems = page.locator("[data-testid=problems]");
      await expect.poll(() => problems.innerText()).toContain("error[2002]");
      const text = await problems.innerText();
      expect(text).toContain("undeclared name 'y'");
      expect(text).toContain("error[2001]");
      expect(text).toMatch(/2:7/);
      await expect.poll(() => page.locator(".cm-lintRange-error").count()).toBeGreaterThan(0);
      await screenshot(page, "3-problems");
      // fixed, the list empties
      await setProgram(page, "let x = 1\nprint(x)");
      await expect.poll(() => problems.innerText()).toBe("No problems.");
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `completes builtins, std modules and the names in scope, and shows a builtin's doc${skipNote}`,
    async () => {
      // the checker has seen the new text once the broken one's problem is gone
      await setProgram(page, "print(nowhere)");
      await expect.poll(() => page.locator("[data-testid=problems]").innerText()).toContain("error[2002]");
      await setProgram(page, "let total_count = 3\nfunc scaled(argument_one) {\n  return argument_one\n}\n");
      await expect.poll(() => page.locator("[data-testid=problems]").innerText()).toBe("No problems.");
      await page.keyboard.type("tot");
      await page.keyboard.press("Control+Space");
      const list = page.locator(".cm-tooltip-autocomplete");
      await expect.poll(() => list.innerText()).toContain("total_count");
      expect(await list.innerText()).not.toContain("argument_one");
      await page.keyboard.press("Escape");
      await page.keyboard.type('\nimport "std/');
      await page.keyboard.press("Control+Space");
      await expect.poll(() => list.innerText()).toContain("std/category");
      await page.keyboard.press("Escape");
      await page.keyboard.type("\npri");
      await page.keyboard.press("Control+Space");
      await expect.poll(() => list.innerText()).toContain("print");
      await screenshot(page, "4-completion");
      await page.keyboard.press("Escape");
      await setProgram(page, "print(det([1, 2; 3, 4]))");
      await page.locator(".cm-content").getByText("det").hover();
      await expect.poll(() => page.locator(".cm-noodle-hover").innerText()).toContain("det(A)");
      expect(await page.locator(".cm-noodle-hover").innerText()).toContain("the determinant");
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `answers problems, completion and hover from the language service${skipNote}`,
    async () => {
      await setProgram(page, "struct Point { x, y }\nfunc area(w, h) { return w * h }\nlet p = Point { x: 1, y: 2 }\nprint(area(p.x, missing))\n");
      const problems = page.locator("[data-testid=problems]");
      await expect.poll(() => problems.innerText()).toContain("error[2002]");
      expect(await problems.innerText()).toContain("undeclared name 'missing'");
      // a struct's fields after a dot: only the service knows them
      await page.keyboard.type("p.");
      await page.keyboard.press("Control+Space");
      const list = page.locator(".cm-tooltip-autocomplete");
      await expect.poll(() => list.innerText()).toContain("x");
      expect(await list.innerText()).toContain("y");
      expect(await list.innerText()).not.toContain("print");
      await page.keyboard.press("Escape");
      // a user's function, with its parameters
      await page.locator(".cm-line", { hasText: "print(area" }).getByText("area", { exact: true }).hover();
      await expect.poll(() => page.locator(".cm-noodle-hover").innerText()).toContain("func area(w, h)");
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `streams long output and keeps its last million characters${skipNote}`,
    async () => {
      // 30 000 lines of 100 characters: 3 million in all
      await setProgram(page, 'var row = ""\nfor k in 0..99 { row = row + "x" }\nfor i in 0..30000 { print(row) }\nprint("last line")');
      const text = await runProgram(page);
      expect(text.startsWith("… earlier output was dropped\n")).toBe(true);
      expect(text.endsWith("last line\n")).toBe(true);
      expect(text.length).toBeLessThanOrEqual(1_000_100);
      expect(text.length).toBeGreaterThan(500_000);
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `stops an endless loop at once, and the next run works${skipNote}`,
    async () => {
      await setProgram(page, 'print("spinning")\nvar i = 0\nwhile true { i += 1 }');
      await page.locator("[data-testid=run]:not([disabled])").click();
      await expect.poll(() => output(page).innerText()).toContain("spinning");
      await expect.poll(() => page.locator("[data-testid=stop]").isEnabled()).toBe(true);
      await page.locator("[data-testid=stop]").click();
      await expect.poll(() => output(page).innerText()).toContain("Stopped.");
      expect(await page.locator("[data-testid=stop]").isEnabled()).toBe(false);
      await setProgram(page, 'print("next run")');
      expect(await runProgram(page)).toBe("next run\n");
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `runs tasks and actors on a pool of Web Workers${skipNote}`,
    async () => {
      await setProgram(
        page,
        [
          "func square(x) { return x * x }",
          "let fs = map(range(0, 10), i => spawn square(i))",
          "print(await all(fs))",
          "actor Counter {",
          "  var n = 0",
          "  func add(k) { n += k; return n }",
          "}",
          "let c = spawn Counter()",
          "for i in 1..=4 { c.add(i) }",
          "print(await c.add(0))",
        ].join("\n"),
      );
      expect(await runProgram(page)).toBe("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n10\n");
      expect(await page.locator("#status").innerText()).toMatch(/\d+ workers$/);
      expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `runs every example to its end without an error${skipNote}`,
    async () => {
      const names = readdirSync(join(PROJECT_ROOT, "web/examples")).map((f) => f.replace(/\.nc$/, ""));
      expect(names.length).toBeGreaterThanOrEqual(8);
      for (const name of names) {
        await page.locator("[data-testid=examples]").selectOption(name);
        expect(await programText(page)).toContain(readFileSync(join(PROJECT_ROOT, "web/examples", `${name}.nc`), "utf8").split("\n")[0]);
        const text = await runProgram(page);
        expect(await page.locator("#status").innerText(), `${name}: ${text}`).toMatch(/^Done/);
        expect(text.length, name).toBeGreaterThan(0);
        if (name === "matrices") await screenshot(page, "5-example-matrices");
      }
      expect(browser.errors).toEqual([]);
    },
    TEST_TIMEOUT * 2,
  );

  it.skipIf(!hasChromium)(
    `lists a program's store in the Stores panel, with its values and MQL queries${skipNote}`,
    async () => {
      await page.locator("[data-testid=examples]").selectOption("store");
      await runProgram(page);
      await page.locator("[role=tab][data-tab=stores]").click();
      const stores = page.locator("[data-testid=stores]");
      await expect.poll(() => stores.innerText()).toContain("examples.db");
      await stores.locator("button.store", { hasText: "examples.db" }).click();
      await expect.poll(() => stores.innerText()).toContain("rotation");
      // a matrix shows as a table of its elements
      expect(await stores.locator("table.matrix").count()).toBeGreaterThan(0);
      await stores.locator("input.mql").fill("SELECT key, det(value) AS d FROM objects WHERE type = 'matrix' ORDER BY d DESC LIMIT 1");
      await stores.locator("button", { hasText: "Query" }).click();
      await expect.poll(() => stores.locator(".query-result").innerText()).toMatch(/scaling\s+6/);
      await screenshot(page, "6-stores");
      await stores.locator("input.mql").fill("DELETE FROM objects");
      await stores.locator("button", { hasText: "Query" }).click();
      await expect.poll(() => stores.locator(".query-result").innerText()).toContain("error[8006]");
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `gives a share link that opens the program in a fresh browser profile${skipNote}`,
    async () => {
      const program = 'let greeting = "shared ✓"\nprint(greeting)';
      await setProgram(page, program);
      await page.locator("[data-testid=share]").click();
      const url = await page.locator("[data-testid=share-url]").inputValue();
      expect(url).toMatch(/#code=[A-Za-z0-9_-]+$/);
      await screenshot(page, "7-share");
      const other = await openBrowser(url);
      try {
        await expect.poll(() => programText(other.page)).toBe(program);
        expect(await runProgram(other.page)).toBe("shared ✓\n");
        expect(other.errors).toEqual([]);
      } finally {
        await other.close();
      }
      // a damaged link says so with 9008, and the page still works
      const broken = await openBrowser(`${site.origin}/#code=@@@`);
      try {
        await expect.poll(() => broken.page.locator("#notice").innerText()).toContain("error[9008]");
        expect(await runProgram(broken.page)).toContain("Hello, Noodle!");
      } finally {
        await broken.close();
      }
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `downloads a program too long for a link as a file, which Open loads; Open refuses what is not text${skipNote}`,
    async () => {
      // text that does not compress: a pseudo-random string literal of 24 000 characters
      let seed = 7;
      const noise = Array.from({ length: 24_000 }, () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[seed % 62];
      }).join("");
      const program = `let noise = "${noise}"\nprint(len(noise))`;
      await setProgram(page, program);
      const download = page.waitForEvent("download");
      await page.locator("[data-testid=share]").click();
      const file = await download;
      expect(file.suggestedFilename()).toBe("program.nc");
      const saved = join(mkdtempSync(join(tmpdir(), "noodle-web-download-")), "program.nc");
      await file.saveAs(saved);
      expect(readFileSync(saved, "utf8")).toBe(program);
      await expect.poll(() => page.locator("#notice").innerText()).toContain("too long for a link");
      await setProgram(page, "print(0)");
      await page.locator("#open-file").setInputFiles(saved);
      // the editor draws only part of a line this long: the run shows the whole text arrived
      await expect.poll(() => programText(page)).toMatch(/^let noise = "4GAs/);
      expect(await runProgram(page)).toBe("24000\n");
      rmSync(dirname(saved), { recursive: true, force: true });
      await page.locator("#open-file").setInputFiles({ name: "image.nc", mimeType: "text/plain", buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) });
      await expect.poll(() => page.locator("#notice").innerText()).toContain("error[9009]: cannot open 'image.nc': it is not UTF-8 text");
      expect(await runProgram(page)).toBe("24000\n");
    },
    TEST_TIMEOUT,
  );
});

describe("the playground keeps work", () => {
  let site: Site;
  let profile: string;

  beforeAll(async () => {
    if (!hasChromium) return;
    site = await buildSite();
    profile = mkdtempSync(join(tmpdir(), "noodle-web-keep-"));
  }, TEST_TIMEOUT);

  afterAll(async () => {
    await site?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  }, TEST_TIMEOUT);

  it.skipIf(!hasChromium)(
    `restores the program after a reload and after the browser restarts${skipNote}`,
    async () => {
      const program = "// kept\nprint(40 + 2)";
      let b = await openBrowser(`${site.origin}/`, profile);
      try {
        await setProgram(b.page, program);
        await expect.poll(() => b.page.evaluate(() => new Promise((r) => setTimeout(r, 600)).then(() => true))).toBe(true);
        await b.page.reload({ waitUntil: "load" });
        await expect.poll(() => programText(b.page)).toBe(program);
      } finally {
        await b.close();
      }
      b = await openBrowser(`${site.origin}/`, profile);
      try {
        await expect.poll(() => programText(b.page)).toBe(program);
        expect(await runProgram(b.page)).toBe("42\n");
      } finally {
        await b.close();
      }
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!hasChromium)(
    `tells a tab when another tab saved since, instead of overwriting it${skipNote}`,
    async () => {
      const b = await openBrowser(`${site.origin}/`, profile);
      try {
        const first = b.page;
        const second = await b.context.newPage();
        await second.goto(`${site.origin}/`, { waitUntil: "load" });
        await expect.poll(() => programText(second)).toContain("print(40 + 2)");
        await setProgram(second, 'print("from the second tab")');
        await expect.poll(() => first.locator("#notice").innerText()).toContain("changed in another tab");
        await screenshot(first, "8-two-tabs");
        // the first tab's edits do not overwrite the second's save until the user says so
        await setProgram(first, 'print("from the first tab")');
        await first.waitForTimeout(800);
        await second.reload({ waitUntil: "load" });
        await expect.poll(async () => (await programText(second)).trimEnd()).toBe('print("from the second tab")');
        await first.locator("#notice button", { hasText: "Keep mine" }).click();
        await first.waitForTimeout(300);
        await second.reload({ waitUntil: "load" });
        await expect.poll(async () => (await programText(second)).trimEnd()).toBe('print("from the first tab")');
      } finally {
        await b.close();
      }
    },
    TEST_TIMEOUT,
  );
});
