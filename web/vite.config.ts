// The playground's build: `npm run playground` serves web/ on 127.0.0.1 with the headers that make
// the page cross-origin isolated (shared memory for the pool of workers); `npm run build:web`
// writes a static site to web/dist/ whose URLs are relative, so it works from any folder.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { offlineCopy } from "./offline-plugin.js";

const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

const sqlWasm = fileURLToPath(new URL("../node_modules/sql.js/dist/sql-wasm-browser.wasm", import.meta.url));

/**
 * sql.js's .wasm where the library looks for it (beside the module that loads it): emitted beside
 * the built chunks, and served by the dev server at any path that names it.
 */
function sqliteWasm(): Plugin {
  return {
    name: "noodle-sqlite-wasm",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (!req.url?.split("?")[0].endsWith("/sql-wasm-browser.wasm")) return next();
        res.setHeader("Content-Type", "application/wasm");
        res.end(readFileSync(sqlWasm));
      });
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "assets/sql-wasm-browser.wasm", source: readFileSync(sqlWasm) });
    },
  };
}

export default defineConfig(({ command }) => ({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // a built site registers its service worker (offline-plugin.ts); the dev server has none
  define: { __OFFLINE_COPY__: JSON.stringify(command === "build") },
  base: "./",
  plugins: [sqliteWasm(), offlineCopy()],
  server: { host: "127.0.0.1", headers: ISOLATION_HEADERS, fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] } },
  preview: { host: "127.0.0.1", headers: ISOLATION_HEADERS },
  worker: { format: "es", plugins: () => [sqliteWasm()] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1024,
  },
}));
