// Builds dist/browser/noodle.js: the library as one ES module for pages and workers, with sql.js
// and idb inside, and sql.js's .wasm beside it (where sql.js looks for it by default); and
// dist/browser/pool-worker.js, the script of a pool's Web Workers, which the library finds beside itself.
import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = root + "dist/browser/";
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [root + "src/index.ts"],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  outfile: out + "noodle.js",
  logLevel: "warning",
});
await build({
  entryPoints: [root + "src/concurrency/pool-worker.ts"],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  outfile: out + "pool-worker.js",
  logLevel: "warning",
});
copyFileSync(root + "node_modules/sql.js/dist/sql-wasm-browser.wasm", out + "sql-wasm-browser.wasm");
