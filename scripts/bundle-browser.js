// Builds dist/browser/noodle.js: the library as one ES module for pages and workers, with sql.js
// and idb inside, and sql.js's .wasm beside it (where sql.js looks for it by default); and
// dist/browser/pool-worker.js, the script of a pool's Web Workers, which the library finds beside itself;
// and a browser cluster node's two scripts (docs/cluster.md, "Browser nodes").
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
// A page that joins a cluster as a node loads cluster-node.js (the NATS client is bundled there,
// not in noodle.js); its Web Workers run cluster-node-worker.js, found beside it.
for (const [name, entry] of [
  ["cluster-node.js", "src/cluster/browser-node.ts"],
  ["cluster-node-worker.js", "src/cluster/cluster-node-worker.ts"],
]) {
  await build({ entryPoints: [root + entry], bundle: true, format: "esm", platform: "browser", target: "es2022", outfile: out + name, logLevel: "warning" });
}
copyFileSync(root + "node_modules/sql.js/dist/sql-wasm-browser.wasm", out + "sql-wasm-browser.wasm");
