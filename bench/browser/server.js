// A static file server for pages in headless Chromium (the browser benchmark
// runner and the browser tests): it serves the project root (so a page can
// import /dist/index.js and /bench/...) on 127.0.0.1 at an ephemeral port,
// never a path outside the root. Plain JavaScript, so Node runs it without a
// build step.

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, resolve, sep } from "node:path";

/** Debian's Chromium, and the flags it runs headless with here (no GPU, no background traffic). */
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  // WebAssembly.instantiateStreaming insists on exactly this type.
  ".wasm": "application/wasm",
  ".nc": "text/plain; charset=utf-8",
  ".lua": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

// COOP + COEP make the page cross-origin isolated, which gives it
// SharedArrayBuffer and, for timing, performance.now() at its finest
// resolution. no-store keeps a rebuilt dist/ from being shadowed by a cached
// copy.
const COMMON_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

/**
 * The file under root that a request path names, or undefined when the path
 * is malformed or would leave root. The decoded path is judged against the
 * file system, so "..", "%2e%2e" and encoded separators cannot escape.
 */
function resolveUnderRoot(root, requestPath) {
  let pathname;
  try {
    pathname = decodeURIComponent(requestPath.replace(/[?#].*$/s, ""));
  } catch {
    return undefined;
  }
  if (pathname.includes("\0")) return undefined;
  const file = resolve(root, "." + pathname);
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

function send(res, status, text, extra = {}) {
  res.writeHead(status, { ...COMMON_HEADERS, "Content-Type": "text/plain; charset=utf-8", ...extra });
  res.end(text);
}

async function handle(root, req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    send(res, 405, "method not allowed\n", { Allow: "GET, HEAD" });
    return;
  }
  const file = resolveUnderRoot(root, req.url ?? "/");
  if (file === undefined) {
    send(res, 403, "forbidden\n");
    return;
  }
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    send(res, 404, "not found\n");
    return;
  }
  res.writeHead(200, {
    ...COMMON_HEADERS,
    "Content-Type": CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": String(info.size),
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

/**
 * Starts serving root and resolves once it is listening.
 * @returns {Promise<{ origin: string, close(): Promise<void> }>} origin is e.g. http://127.0.0.1:40123
 */
export async function startStaticServer(root) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    handle(base, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, "internal error\n");
      else res.destroy();
    });
  });
  await /** @type {Promise<void>} */ (
    new Promise((done, fail) => {
      server.once("error", fail);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", fail);
        done();
      });
    })
  );
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((done, fail) => {
        server.close((err) => (err ? fail(err) : done()));
        // Keep-alive sockets from the browser would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
