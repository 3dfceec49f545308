// Serves a metrics registry as Prometheus text at http://127.0.0.1:PORT/metrics (`--metrics
// PORT`). Port 0 takes a free port; the address taken is what `start` answers. A port that is in
// use, or not ours to take, is 9010 with the reason, never a stack trace.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from "../metrics/registry.js";
import { HostError } from "../runtime/host-calls.js";

export interface MetricsServer {
  /** `127.0.0.1:PORT`, the port being the one taken. */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The metrics of `registry` served on `host`:`port` from now on. */
export function serveMetrics(registry: MetricsRegistry, port: number, host = "127.0.0.1"): Promise<MetricsServer> {
  const server = createServer((req, res) => answerScrape(registry, req, res));
  // a scraper's open connection must not keep the process alive once the program ended
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => reject(HostError.of("MetricsServer", `${host}:${port}`, reason(e))));
    server.listen(port, host, () => {
      const taken = (server.address() as AddressInfo).port;
      resolve({ address: `${host}:${taken}`, port: taken, close: () => closeServer(server) });
    });
  });
}

/** Answers one request: the registry's text at /metrics (GET or HEAD), else 404 or 405. */
export async function answerScrape(registry: MetricsRegistry, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (path !== "/metrics") {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found: metrics are at /metrics\n");
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("method not allowed\n");
    return;
  }
  let body: Uint8Array;
  try {
    await registry.refresh();
    body = registry.renderBytes();
  } catch (e) {
    res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(`metrics cannot be read: ${(e as Error).message}\n`);
    return;
  }
  // once the answer is sent (or its connection gone), the next rendering may write over its bytes
  res.once("close", () => registry.release(body));
  // uncompressed whatever Accept-Encoding asks (docs/metrics.md, "Cost"); a known length, not chunks
  res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE, "content-length": body.length }).end(req.method === "HEAD" ? undefined : body);
}

function reason(e: NodeJS.ErrnoException): string {
  if (e.code === "EADDRINUSE") return "the port is in use";
  if (e.code === "EACCES") return "the port needs privileges this process does not have";
  return e.message;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
