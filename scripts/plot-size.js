// Prints what the browser renderer of figures (src/plot/render-browser.ts) costs a page that
// loads it: its chunks minified, and gzipped, as esbuild bundles it for the browser with
// splitting, in bytes. The page loads it with import() on its first figure, so a page that never
// plots pays nothing. Usage: node scripts/plot-size.js
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "noodle-plot-size-"));
try {
  const { metafile } = await build({
    entryPoints: [root + "src/plot/render-browser.ts"],
    bundle: true,
    splitting: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outdir: out,
    metafile: true,
    logLevel: "warning",
  });
  let minified = 0;
  let gzipped = 0;
  const byPackage = {};
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!file.endsWith(".js")) continue;
    // esbuild names outputs from the working directory
    const bytes = readFileSync(resolve(file));
    minified += bytes.length;
    gzipped += gzipSync(bytes, { level: 9 }).length;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? "noodle";
      byPackage[pkg] = (byPackage[pkg] ?? 0) + bytesInOutput;
    }
  }
  console.log(JSON.stringify({ minified, gzipped, minifiedByPackage: byPackage }));
} finally {
  rmSync(out, { recursive: true, force: true });
}
