// The metrics server sends the registry's bytes as they are: with their length (not in chunks),
// uncompressed even to a scraper that asks for gzip as Prometheus does, the same text the registry
// renders, non-ASCII label values included; scrape after scrape, as the bytes of answers sent are
// written over, and those of an answer only once it is sent; HEAD gives the length and no body.
import { EventEmitter } from "node:events";
import { type IncomingMessage, request, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { MetricsRegistry } from "../../src/metrics/registry.js";
import { answerScrape, type MetricsServer, serveMetrics } from "../../src/node/metrics-server.js";
import { parsePrometheusText, sampleValue } from "./prometheus-text.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request as Prometheus makes it (no decompression by the client: the bytes are what was sent). */
function get(port: number, method = "GET"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/metrics", method, headers: { "accept-encoding": "gzip" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("serveMetrics", () => {
  it("sends the rendered bytes with their length, uncompressed though gzip is accepted", async () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge("temperature_celsius", "Température", ["room"]);
    g.set(21.5, ["séjour"]);
    g.set(-0.125, ["cave 🍷"]);
    server = await serveMetrics(registry, 0);
    const answer = await get(server.port);
    expect(answer.status).toBe(200);
    expect(answer.headers["content-encoding"]).toBeUndefined();
    expect(answer.headers["transfer-encoding"]).toBeUndefined();
    expect(Number(answer.headers["content-length"])).toBe(answer.body.length);
    const text = answer.body.toString("utf8");
    expect(text).toBe(registry.render());
    const families = parsePrometheusText(text);
    expect(sampleValue(families, "temperature_celsius", { room: "séjour" })).toBe(21.5);
    expect(sampleValue(families, "temperature_celsius", { room: "cave 🍷" })).toBe(-0.125);
  });

  it("answers scrape after scrape rightly while it renders into the bytes of answers sent", async () => {
    const registry = new MetricsRegistry();
    const moving = registry.gauge("moving", "Changes length at each scrape");
    registry.gauge("still", "Never changes", ["k"]).set(3.5, ["x"]);
    server = await serveMetrics(registry, 0);
    for (let round = 0; round < 8; round++) {
      moving.set(10 ** round + 0.25);
      const body = (await get(server.port)).body.toString("utf8");
      expect(sampleValue(parsePrometheusText(body), "moving")).toBe(10 ** round + 0.25);
      expect(sampleValue(parsePrometheusText(body), "still", { k: "x" })).toBe(3.5);
    }
  });

  it("hands an answer's bytes back for the next rendering only once the answer is sent", async () => {
    const registry = new MetricsRegistry();
    registry.gauge("g", "G").set(1.5);
    const released: Uint8Array[] = [];
    const release = registry.release.bind(registry);
    registry.release = (bytes) => {
      released.push(bytes);
      release(bytes);
    };
    // a response whose sending the test ends: `close` is what Node emits once it is sent or dropped
    const sent: Uint8Array[] = [];
    const res = Object.assign(new EventEmitter(), {
      writeHead: () => res,
      end: (body?: Uint8Array) => {
        if (body) sent.push(body);
        return res;
      },
    });
    await answerScrape(registry, { url: "/metrics", method: "GET" } as IncomingMessage, res as unknown as ServerResponse);
    expect(sent.length).toBe(1);
    expect(released).toEqual([]);
    res.emit("close");
    expect(released).toEqual(sent);
  });

  it("answers HEAD with the length and no body", async () => {
    const registry = new MetricsRegistry();
    registry.counter("hits_total", "Hits").inc(12);
    server = await serveMetrics(registry, 0);
    const head = await get(server.port, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers["content-length"])).toBe(new TextEncoder().encode(registry.render()).length);
  });
});
