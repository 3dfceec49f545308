// A minimal static file server for browser tests: it serves a directory (by default the
// project root, so pages can import /dist/index.js) on 127.0.0.1 at an ephemeral port.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root: two levels above this file (tests/browser/). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  // WebAssembly.instantiateStreaming insists on exactly this type.
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".nc": "text/plain; charset=utf-8",
};

/**
 * Sent with every response. COOP + COEP make the page (and its workers) cross-origin
 * isolated, which is what unlocks SharedArrayBuffer; no-store keeps a rebuilt dist/ from
 * being shadowed by a cached copy.
 */
const COMMON_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

export interface StaticServer {
  /** Origin of the server, e.g. http://127.0.0.1:40123 (no trailing slash). */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * The file under root that a request path names, or undefined when the path is malformed or
 * would leave root. The path is decoded but deliberately not normalized as a URL first, so
 * "..", "%2e%2e" and encoded separators are all judged against the file system.
 */
export function resolveUnderRoot(root: string, requestPath: string): string | undefined {
  let pathname: string;
  try {
    pathname = decodeURIComponent(requestPath.replace(/[?#].*$/s, ""));
  } catch {
    return undefined;
  }
  if (pathname.includes("\0")) return undefined;
  const file = resolve(root, "." + pathname);
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

function send(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...COMMON_HEADERS, "Content-Type": "text/plain; charset=utf-8", ...extra });
  res.end(text);
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
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

/** Starts serving root (default: the project root) and resolves once it is listening. */
export async function startStaticServer(root: string = PROJECT_ROOT): Promise<StaticServer> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    handle(base, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, "internal error\n");
      else res.destroy();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", fail);
      done();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done, fail) => {
        server.close((err) => (err ? fail(err) : done()));
        // Keep-alive sockets from the browser would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
