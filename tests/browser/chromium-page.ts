// One page of headless Chromium on the static server, for the browser tests: Debian's Chromium
// with the project's flags and a fresh profile, and a record of the page's errors (uncaught
// exceptions, console errors, failed requests, HTTP errors). Without /usr/bin/chromium the tests
// that use it are skipped.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, PROJECT_ROOT, type StaticServer, startStaticServer } from "./static-server.js";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
export const skipNote = hasChromium ? "" : ` [skipped: ${CHROMIUM} not found; install it with 'apt-get install chromium']`;

export interface ChromiumPage {
  page: Page;
  /** What went wrong in the page and its workers, in order. */
  errors: string[];
  close(): Promise<void>;
}

/** Opens `path` (under the project root) in a new headless Chromium; `needs` are built files it loads. */
export async function openChromiumPage(path: string, needs: string[], stepTimeout = 25_000, args = CHROMIUM_ARGS): Promise<ChromiumPage> {
  for (const file of needs) {
    if (!existsSync(join(PROJECT_ROOT, file))) throw new Error(`${file} is missing: build the library first (npm run build)`);
  }
  const server: StaticServer = await startStaticServer();
  const userDataDir = mkdtempSync(join(tmpdir(), "noodle-chromium-"));
  let context: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    await context?.close().catch(() => {});
    await server.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    // Playwright manages --user-data-dir itself (the first argument), so it is not in args.
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, timeout: stepTimeout, args });
    context.setDefaultTimeout(stepTimeout);
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(`page error: ${err.message}`));
    // a worker's console messages arrive here too
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(`console error: ${msg.text()}`);
    });
    page.on("requestfailed", (req) => errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
    page.on("response", (res) => {
      if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
    });
    await page.goto(`${server.origin}/${path}`, { waitUntil: "load" });
    return { page, errors, close };
  } catch (e) {
    await close();
    throw e;
  }
}
