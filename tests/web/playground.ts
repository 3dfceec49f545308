// The playground in headless Chromium for the tests of tests/web/: the site is built into a
// scratch folder (as `npm run build:web` builds web/dist/) and served by the browser tests' static
// server, with the COOP/COEP headers; each browser has a profile of its own, kept between
// launches when the test asks (a reload, a second visit).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { CHROMIUM } from "../browser/chromium-page.js";
import { CHROMIUM_ARGS, PROJECT_ROOT, type StaticServer, startStaticServer } from "../browser/static-server.js";

export { hasChromium, skipNote } from "../browser/chromium-page.js";

export const STEP_TIMEOUT = 25_000;

/** Where the tests save screenshots of the page's main states, to look at. */
export const ARTIFACTS = process.env.NOODLE_WEB_ARTIFACTS ?? join(tmpdir(), "noodle-web-artifacts");

export interface Site {
  origin: string;
  /** The built site's folder. */
  dir: string;
  close(): Promise<void>;
}

/** Builds the site into a scratch folder and serves it. */
export async function buildSite(): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), "noodle-web-"));
  await build({ configFile: join(PROJECT_ROOT, "web/vite.config.ts"), build: { outDir: dir, emptyOutDir: true }, logLevel: "error" });
  const server: StaticServer = await startStaticServer(dir);
  return {
    origin: server.origin,
    dir,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** What went wrong in the page and its workers, in order. */
  errors: string[];
  close(): Promise<void>;
}

/** A headless Chromium with the profile in `profile` (a fresh one when not given), on `url`; `extraArgs` are more flags. */
export async function openBrowser(url: string, profile?: string, extraArgs: string[] = []): Promise<Browser> {
  const own = profile === undefined;
  const dir = profile ?? mkdtempSync(join(tmpdir(), "noodle-web-profile-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_TIMEOUT,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 1280, height: 760 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console error: ${msg.text()}`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.goto(url, { waitUntil: "load" });
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close().catch(() => {});
      if (own) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Replaces the editor's text, as pasting would (CodeMirror sees the change like any other). */
export async function setProgram(page: Page, text: string): Promise<void> {
  const content = page.locator("[data-testid=editor] .cm-content");
  await content.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(text);
}

/** The editor's text. */
export function programText(page: Page): Promise<string> {
  return page.locator("[data-testid=editor] .cm-line").evaluateAll((lines) => lines.map((l) => l.textContent ?? "").join("\n"));
}

/** Clicks Run once it is ready, and waits for the run to end; returns the output panel's text. */
export async function runProgram(page: Page): Promise<string> {
  await page.locator("[data-testid=run]:not([disabled])").click();
  await page.waitForFunction(
    () => !document.body.classList.contains("running") && /^(Done|Failed|Compile|Stopped)/.test(document.getElementById("status")?.textContent ?? ""),
  );
  return page.locator("[data-testid=output]").innerText();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}
