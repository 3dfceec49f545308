// Takes docs/playground.png: the playground built into a scratch folder, opened in headless
// Chromium, with the matrices example run. `node scripts/screenshot-playground.js [OUT.png]`
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build } from "vite";
import { CHROMIUM, CHROMIUM_ARGS, startStaticServer } from "../bench/browser/server.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = process.argv[2] ?? join(root, "docs/playground.png");
const site = mkdtempSync(join(tmpdir(), "noodle-shot-site-"));
const profile = mkdtempSync(join(tmpdir(), "noodle-shot-profile-"));
await build({ configFile: join(root, "web/vite.config.ts"), build: { outDir: site, emptyOutDir: true }, logLevel: "error" });
const server = await startStaticServer(site);
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
  viewport: { width: 1200, height: 640 },
  deviceScaleFactor: 1,
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.origin}/`, { waitUntil: "load" });
  await page.locator("[data-testid=editor] .cm-content").waitFor();
  await page.locator("[data-testid=examples]").selectOption("matrices");
  await page.locator("[data-testid=run]:not([disabled])").click();
  await page.waitForFunction(() => /^Done/.test(document.getElementById("status")?.textContent ?? ""));
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await context.close();
  await server.close();
  rmSync(site, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}
