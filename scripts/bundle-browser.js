// Builds dist/browser/noodle.js: the library as one ES module for pages and workers, with sql.js
// and idb inside, and sql.js's .wasm beside it (where sql.js looks for it by default); and
// dist/browser/pool-worker.js, the script of a pool's Web Workers, which the library finds beside itself;
// and a browser cluster node's two scripts (docs/cluster.md, "Browser nodes"); and gpu-worker.js.
import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = root + "dist/browser/";
mkdirSync(out, { recursive: true });
// The compiled tier imports binaryen on demand: a page that maps "binaryen" (an import map) gets
// compiled code, any other page interprets.
/** @type {import("esbuild").BuildOptions} */
const browser = { bundle: true, format: "esm", platform: "browser", target: "es2022", external: ["binaryen"], logLevel: "warning" };
await build({ ...browser, entryPoints: [root + "src/index.ts"], outfile: out + "noodle.js" });
await build({ ...browser, entryPoints: [root + "src/concurrency/pool-worker.ts"], outfile: out + "pool-worker.js" });
// A page that joins a cluster as a node loads cluster-node.js (the NATS client is bundled there,
// not in noodle.js); its Web Workers run cluster-node-worker.js, found beside it.
for (const [name, entry] of [
  ["cluster-node.js", "src/cluster/browser-node.ts"],
  ["cluster-node-worker.js", "src/cluster/cluster-node-worker.ts"],
]) {
  await build({ ...browser, entryPoints: [root + entry], outfile: out + name });
}
// The GPU worker, with TensorFlow.js and its webgpu backend inside: started beside the library on
// the first work that could use a GPU (docs/gpu.md), so a page that never uses one never loads tfjs.
await build({ ...browser, entryPoints: [root + "src/gpu/gpu-worker.ts"], outfile: out + "gpu-worker.js" });
copyFileSync(root + "node_modules/sql.js/dist/sql-wasm-browser.wasm", out + "sql-wasm-browser.wasm");
