// `npm run playground`: Vite's dev server on 127.0.0.1 with the headers that make the page
// cross-origin isolated, serving the page, its worker and sql.js's .wasm where the library looks.
import { join } from "node:path";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

describe("the playground's dev server", () => {
  let server: ViteDevServer;
  let origin: string;

  beforeAll(async () => {
    server = await createServer({ configFile: join(ROOT, "web/vite.config.ts"), server: { port: 0 }, logLevel: "silent" });
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === "string") throw new Error("the dev server has no address");
    expect(address.address).toBe("127.0.0.1");
    origin = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await server?.close();
  });

  it("serves the page cross-origin isolated", async () => {
    const res = await fetch(`${origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(res.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    const html = await res.text();
    for (const id of ["editor", "run", "stop", "output", "problems", "plots", "share", "share-url", "examples", "stores"])
      expect(html).toContain(`data-testid="${id}"`);
  });

  it("serves the worker's module and sql.js's .wasm beside any module that asks for it", async () => {
    const worker = await fetch(`${origin}/src/noodle-worker.ts`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    const wasm = await fetch(`${origin}/@fs${ROOT}src/store/sql-wasm-browser.wasm`);
    expect(wasm.headers.get("content-type")).toBe("application/wasm");
    expect(new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4)).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d]));
  });
});
