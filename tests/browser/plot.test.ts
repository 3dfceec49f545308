// Figures in a real browser: a program run by the bundled library shows its figures through
// onPlot with the browser renderer (src/plot/render-browser.ts, bundled here for the page as a
// page would, loaded with import()); the charts have their marks, show values on hover and zoom
// on the wheel; a matrix shows as a table or a heatmap; without a display plot.show is 3018.
// A screenshot of the page is left in the system's temporary folder (noodle-plot-artifacts).
//
// Needs Debian's Chromium at /usr/bin/chromium; without it the tests are skipped.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeFigure } from "../../src/plot/figure.js";
import { figureSvg } from "../../src/plot/render-svg.js";
import { type ChromiumPage, hasChromium, openChromiumPage } from "./chromium-page.js";
import { PROJECT_ROOT } from "./static-server.js";

const TIMEOUT = 60_000;
export const ARTIFACTS = join(tmpdir(), "noodle-plot-artifacts");

const PROGRAM = `
import "std/plot" as plot
plot.show(plot.line([1, 2, 3, 4, 5], [1, 4, 9, 16, 25], {"title": "Squares", "xlabel": "n", "ylabel": "n squared"}))
plot.show(plot.heatmap([1, 2, 3; 4, 5, 6], {"title": "Two rows"}))
print("shown")
`;

describe.skipIf(!hasChromium)("figures in a page", () => {
  let browser: ChromiumPage;

  beforeAll(async () => {
    await build({
      entryPoints: [join(PROJECT_ROOT, "src/plot/render-browser.ts")],
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      outdir: join(PROJECT_ROOT, "dist/test-plot"),
      logLevel: "warning",
    });
    browser = await openChromiumPage("tests/browser/plot-page.html", ["dist/browser/noodle.js"], TIMEOUT / 2);
    await browser.page.setViewportSize({ width: 800, height: 1200 });
    await browser.page.waitForFunction(() => (window as unknown as { plotReady?: boolean }).plotReady === true);
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
  }, TIMEOUT);

  it(
    "draws a program's figures with their marks, titles and axis labels",
    async () => {
      const { page } = browser;
      const r = await page.evaluate((src) => (window as unknown as { showProgram(s: string): Promise<unknown> }).showProgram(src), PROGRAM);
      expect(r).toEqual({ ok: true, out: "shown\n", error: undefined });
      const line = page.locator(".figure").nth(0);
      const heat = page.locator(".figure").nth(1);
      expect(await line.locator("svg .mark-line.role-mark path").count()).toBe(1);
      // a point on each vertex carries the tooltip
      expect(await line.locator("svg .mark-symbol.role-mark path").count()).toBe(5);
      const lineText = await line.locator("svg").textContent();
      for (const t of ["Squares", "n squared"]) expect(lineText).toContain(t);
      expect(await heat.locator("svg .mark-rect.role-mark path").count()).toBe(6);
      expect(await heat.locator("svg").textContent()).toContain("Two rows");
      await page.screenshot({ path: join(ARTIFACTS, "figures.png"), fullPage: true });
      expect(browser.errors).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "draws the chart of the SVG file, to the pixel",
    async () => {
      const { page } = browser;
      const inPage = await page
        .locator(".figure")
        .nth(0)
        .locator("svg")
        .evaluate((svg) => svg.outerHTML);
      const inFile = await figureSvg(makeFigure("line", [1, 2, 3, 4, 5], [1, 4, 9, 16, 25], { title: "Squares", xlabel: "n", ylabel: "n squared" }));
      // the size, and every text and mark where it is drawn
      const layout = (svg: string) => [
        /<svg[^>]*?width="(\d+)" height="(\d+)"/.exec(svg)?.slice(1),
        [...svg.matchAll(/(?:transform|d)="([^"]*)"/g)].map((m) => m[1]),
      ];
      expect(layout(inPage)).toEqual(layout(inFile));
    },
    TIMEOUT,
  );

  it(
    "shows a point's values on hover",
    async () => {
      const { page } = browser;
      const point = page.locator(".figure").nth(0).locator("svg .mark-symbol.role-mark path").nth(2);
      const box = (await point.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const tip = page.locator(".noodle-plot-tooltip");
      await tip.waitFor({ state: "visible" });
      expect(await tip.textContent()).toBe("n: 3\nn squared: 9");
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "hover.png") });
    },
    TIMEOUT,
  );

  it(
    "zooms on the wheel",
    async () => {
      const { page } = browser;
      const ticks = () => page.locator(".figure").nth(0).locator("svg .role-axis-label text").allTextContents();
      const before = await ticks();
      const box = (await page.locator(".figure").nth(0).locator("svg").boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -400);
      await expect.poll(ticks).not.toEqual(before);
    },
    TIMEOUT,
  );

  it(
    "shows a matrix as a table or a heatmap",
    async () => {
      const { page } = browser;
      const show = (as: string) =>
        page.evaluate(([rows, a]) => (window as unknown as { showMatrix(r: unknown, a: string): Promise<void> }).showMatrix(rows, a), [
          [
            [1, -0, 2.5],
            [3, 4, 1e21],
          ],
          as,
        ] as const);
      await show("table");
      expect(await page.locator("#matrix table.noodle-matrix td").allTextContents()).toEqual(["1", "0", "2.5", "3", "4", "1e+21"]);
      await show("heatmap");
      expect(await page.locator("#matrix table").count()).toBe(0);
      expect(await page.locator("#matrix svg .mark-rect.role-mark path").count()).toBe(6);
      expect(browser.errors).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "plot.show without a display is 3018",
    async () => {
      const r = await browser.page.evaluate(
        (src) => (window as unknown as { runWithoutDisplay(s: string): Promise<unknown> }).runWithoutDisplay(src),
        'import "std/plot" as plot\nplot.show(plot.scatter([1], [2]))',
      );
      expect(r).toEqual([3018, "plot.show cannot show the figure: this platform has no plot display (give the run an onPlot option)"]);
    },
    TIMEOUT,
  );
});
