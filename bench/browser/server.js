// A static file server for pages in headless Chromium (the browser benchmark
// runner and the browser tests): it serves the project root (so a page can
// import /dist/index.js and /bench/...) on 127.0.0.1 at an ephemeral port, a
// folder by its index.html, optionally compressed as a real host would,
// never a path outside the root. Plain JavaScript, so Node runs it without a
// build step.

import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";

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

/**
 * The same with WebGPU: Chromium then offers a software adapter (SwiftShader), correct but slow,
 * which needs the GPU process (no --disable-gpu).
 */
export const CHROMIUM_WEBGPU_ARGS = [...CHROMIUM_ARGS.filter((a) => a !== "--disable-gpu"), "--enable-unsafe-webgpu"];

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
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

/** Compressed bodies by file, modification time and size: a host compresses a file once, not per request. */
const gzipped = new Map();

/** Types a real host compresses (a .png is compressed already). */
const COMPRESSIBLE = new Set([".html", ".css", ".js", ".mjs", ".json", ".map", ".wasm", ".svg", ".nc", ".txt"]);

/**
 * @typedef {object} ServeOptions
 * @property {boolean} [gzip] Compress responses with gzip when the browser accepts it, as a real host does.
 * @property {(path: string, bytes: number) => void} [onSent] Told the bytes of each response body as it is sent.
 */

/** @param {string} root @param {ServeOptions} options */
async function handle(root, options, req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    send(res, 405, "method not allowed\n", { Allow: "GET, HEAD" });
    return;
  }
  let file = resolveUnderRoot(root, req.url ?? "/");
  if (file === undefined) {
    send(res, 403, "forbidden\n");
    return;
  }
  let info = await stat(file).catch(() => undefined);
  // a folder is served by its index.html, as static hosts do
  if (info?.isDirectory()) {
    file = join(file, "index.html");
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) {
    send(res, 404, "not found\n");
    return;
  }
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
  if (options.gzip && COMPRESSIBLE.has(extname(file).toLowerCase()) && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) {
    const key = `${file}:${info.mtimeMs}:${info.size}`;
    let body = gzipped.get(key);
    if (!body) gzipped.set(key, (body = gzipSync(await readFile(file))));
    res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": type, "Content-Encoding": "gzip", "Content-Length": String(body.length), Vary: "Accept-Encoding" });
    options.onSent?.(req.url ?? "/", req.method === "HEAD" ? 0 : body.length);
    res.end(req.method === "HEAD" ? undefined : body);
    return;
  }
  res.writeHead(200, {
    ...COMMON_HEADERS,
    "Content-Type": type,
    "Content-Length": String(info.size),
  });
  options.onSent?.(req.url ?? "/", req.method === "HEAD" ? 0 : info.size);
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
 * @param {string} root
 * @param {ServeOptions} [options]
 * @returns {Promise<{ origin: string, close(): Promise<void> }>} origin is e.g. http://127.0.0.1:40123
 */
export async function startStaticServer(root, options = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    handle(base, options, req, res).catch(() => {
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
