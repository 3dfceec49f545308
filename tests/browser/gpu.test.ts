// GPU offload in headless Chromium with WebGPU on (a SwiftShader software adapter), programs run
// in a Web Worker (gpu-runner.js): f32 products, elementwise operations and reductions computed
// on the GPU agree with the WebAssembly kernels, and every fallback says why: no adapter, a
// thread that cannot wait, f64, an operation the GPU does not take, a software adapter (which
// auto does not use), and the device lost mid-run (with the results still right).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectClose } from "../gpu/agreement.js";
import { type ChromiumPage, hasChromium, openChromiumPage, skipNote } from "./chromium-page.js";
import { CHROMIUM_ARGS, CHROMIUM_WEBGPU_ARGS } from "./static-server.js";

interface GpuInfo {
  mode: string;
  available: boolean;
  adapter?: string;
  backend?: string;
  reason?: string;
  offloaded: number;
  fallbacks: Record<string, number>;
  measurements: { work: string; size: number; wasmMs: number; gpuMs: number; gpu: boolean }[];
}

interface GpuRun {
  out: string;
  ok: boolean;
  error?: string;
  info?: GpuInfo;
}

declare global {
  interface Window {
    gpuReady?: boolean;
    gpuRun(source: string, gpu: string, loseAfterFirst?: boolean): Promise<GpuRun & { destroyed: boolean }>;
    gpuRunHere(source: string, gpu: string): Promise<GpuRun>;
  }
}

const STEP_TIMEOUT = 120_000;
const NEEDS = ["dist/browser/noodle.js", "dist/browser/gpu-worker.js"];

// every element of the results printed: all must agree, not only a sum
const PRODUCTS = `let A = f32(rand(96, 80, 1))
let B = f32(rand(80, 64, 2) + 0.25)
let C = A * B
for i in 0..rows(C) { print(join(map(range(0, cols(C)), j => str(C[i, j])), " ")) }
let D = C' * C
print(sum(D), D[3, 5], D[63, 0])
`;

const ELEMENTWISE = `let A = f32(rand(40, 50, 3) + 0.5)
let B = f32(rand(40, 50, 4) + 0.5)
for M in [abs(A - B), sqrt(A), exp(A), log(A), floor(A * 3), ceil(A * 3), A + B, A - B, A .* B, A ./ B, A .^ 3, A .^ 2, A .^ B] {
  print(join(map(range(0, 40), i => str(M[i, i + 7])), " "), sum(M))
}
`;

const REDUCTIONS = `let A = f32(rand(300, 200, 5) + 0.1)
print(sum(A), mean(A), amin(A), amax(A))
`;

describe.skipIf(!hasChromium)(`GPU offload in Chromium with WebGPU${skipNote}`, () => {
  let browser: ChromiumPage;
  beforeAll(async () => {
    browser = await openChromiumPage("tests/browser/gpu-page.html", NEEDS, STEP_TIMEOUT, CHROMIUM_WEBGPU_ARGS);
    await browser.page.waitForFunction(() => window.gpuReady === true);
  }, STEP_TIMEOUT);
  afterAll(() => browser?.close());

  const run = (source: string, gpu: string) => browser.page.evaluate(([s, g]) => window.gpuRun(s, g), [source, gpu]);

  it(
    "computes f32 products on the GPU as the WebAssembly kernel does, within 1e-5 relative",
    async () => {
      const wasm = await run(PRODUCTS, "off");
      const gpu = await run(PRODUCTS, "force");
      expect(wasm.ok && gpu.ok).toBe(true);
      expectClose(gpu.out, wasm.out);
      // two products and the sum
      expect(gpu.info).toMatchObject({ available: true, backend: "webgpu", mode: "force", offloaded: 3 });
      expect(gpu.info?.adapter).toMatch(/\S/);
      expect(wasm.info).toMatchObject({ available: false, offloaded: 0 });
    },
    STEP_TIMEOUT,
  );

  it(
    "computes batched products (einsum) on the GPU, one product of the batch at a time",
    async () => {
      const source = `let X = f32(reshape(rand(1, 3 * 20 * 30, 1), [3, 20, 30]))
let Y = f32(reshape(rand(1, 3 * 30 * 10, 2), [3, 30, 10]))
let Z = einsum("bij,bjk->bik", X, Y)
for b in 0..3 { print(join(map(range(0, 10), k => str(Z[b, 7, k])), " ")) }
print(sum(Z))
`;
      const wasm = await run(source, "off");
      const gpu = await run(source, "force");
      expect(gpu.ok).toBe(true);
      expectClose(gpu.out, wasm.out);
      // the three products of the batch, and the sum
      expect(gpu.info?.offloaded).toBe(4);
    },
    STEP_TIMEOUT,
  );

  it(
    "keeps results on the GPU for the next operation, and uploads an array again once the program changed it",
    async () => {
      const source = `let A = f32(rand(48, 48, 1))
let B = f32(rand(48, 48, 2))
let C = A * B
let D = C * B
C[0, 0] = 5
let E = C * B
print(sum(D), sum(E), E[0, 0], E[47, 47])
`;
      const wasm = await run(source, "off");
      const gpu = await run(source, "force");
      expectClose(gpu.out, wasm.out);
      // D = C * B found both on the GPU; E = C * B only B (C changed); each sum its matrix
      expect(gpu.info).toMatchObject({ offloaded: 5, reused: 5 });
    },
    STEP_TIMEOUT,
  );

  it(
    "computes elementwise operations and reductions on the GPU within 1e-5 relative",
    async () => {
      for (const program of [ELEMENTWISE, REDUCTIONS]) {
        const wasm = await run(program, "off");
        const gpu = await run(program, "force");
        expect(gpu.ok).toBe(true);
        expectClose(gpu.out, wasm.out);
        expect(gpu.info?.offloaded).toBeGreaterThan(0);
      }
      const reductions = await run(REDUCTIONS, "force");
      expect(reductions.info?.offloaded).toBe(4);
    },
    STEP_TIMEOUT,
  );

  it(
    "keeps f64 work and the operations it does not take on WebAssembly, saying why",
    async () => {
      const source = `import "std/gpu" as gpu
let A = rand(64, 64, 1)
let B = f32(rand(64, 64, 2))
let C = A * A
let S = sin(B) + B
print(round(sum(C)), gpu.available(), gpu.info()["fallbacks"])
`;
      const r = await run(source, "force");
      expect(r.ok).toBe(true);
      expect(r.out).toMatch(/ true \{"f64": 1, "unsupported operation": 1\}\n$/);
      // the zip of sin(B) and B went to the GPU
      expect(r.info?.offloaded).toBe(1);
    },
    STEP_TIMEOUT,
  );

  it(
    "under auto, keeps work on WebAssembly on this software adapter without measuring it, saying why",
    async () => {
      // SwiftShader computes on the CPU, far slower than the WebAssembly kernels: auto does not
      // spend its time measuring it (force, above, still uses it)
      const source = `import "std/gpu" as gpu
print(gpu.available())
let A = f32(rand(256, 256, 1))
var s = 0
for i in 0..4 { s += sum(A * A) + sum(sqrt(A)) }
print(s)
`;
      const wasm = await run(source, "off");
      const auto = await run(source, "auto");
      expect(auto.ok).toBe(true);
      expect(auto.out.split("\n")[0]).toBe("false");
      expectClose(auto.out.split("\n")[1], wasm.out.split("\n")[1]);
      // four products, four square roots and eight sums, none measured, none offloaded
      expect(auto.info).toMatchObject({ available: false, offloaded: 0, measurements: [], fallbacks: { "software adapter": 16 } });
      expect(auto.info!.adapter).toMatch(/swiftshader/);
      expect(auto.info!.reason).toMatch(/^software adapter: .*swiftshader.* computes on the CPU, .* \(--gpu force still uses it\)$/);
    },
    STEP_TIMEOUT,
  );

  it(
    "keeps work on WebAssembly on a page's main thread, which cannot wait for the GPU",
    async () => {
      const source = `let A = f32(rand(160, 160, 1))
print(sum(A * A))
`;
      const wasm = await run(source, "off");
      const here = await browser.page.evaluate((s) => window.gpuRunHere(s, "auto"), source);
      expect(here.ok).toBe(true);
      expect(here.out).toBe(wasm.out);
      expect(here.info).toMatchObject({ available: false, offloaded: 0, fallbacks: { "cannot wait": 1 } });
      expect(here.info!.reason).toMatch(/^cannot wait: a page's main thread/);
      const forced = await browser.page.evaluate((s) => window.gpuRunHere(s, "force").catch((e) => ({ error: `${e.code}: ${e.message}` })), source);
      expect(forced).toEqual({ error: expect.stringMatching(/^9012: .*cannot wait/) });
    },
    STEP_TIMEOUT,
  );

  it(
    "falls back with correct results when the device is lost mid-run",
    async () => {
      const source = `let A = f32(rand(64, 64, 1))
var out = []
for i in 0..6 {
  push(out, sum(A * A) + i)
  await sleep(30)
}
print(out)
`;
      const wasm = await run(source, "off");
      const lost = await browser.page.evaluate((s) => window.gpuRun(s, "force", true), source);
      expect(lost.destroyed).toBe(true);
      expect(lost.ok).toBe(true);
      expectClose(lost.out, wasm.out);
      expect(lost.info).toMatchObject({ available: false });
      expect(lost.info!.reason).toMatch(/^device lost/);
      expect(lost.info!.fallbacks["device lost"]).toBeGreaterThan(0);
      expect(lost.info!.offloaded).toBeGreaterThan(0);
      expect(lost.info!.offloaded).toBeLessThan(6);
    },
    STEP_TIMEOUT,
  );
});

describe.skipIf(!hasChromium)(`GPU offload in Chromium without WebGPU${skipNote}`, () => {
  let browser: ChromiumPage;
  beforeAll(async () => {
    browser = await openChromiumPage("tests/browser/gpu-page.html", NEEDS, STEP_TIMEOUT, CHROMIUM_ARGS);
    await browser.page.waitForFunction(() => window.gpuReady === true);
  }, STEP_TIMEOUT);
  afterAll(() => browser?.close());

  it(
    "runs on WebAssembly with the reason 'no adapter', and refuses force with 9012",
    async () => {
      const source = `import "std/gpu" as gpu
let A = f32(rand(160, 160, 1))
print(sum(A * A) > 0, gpu.available(), gpu.info()["reason"])
`;
      const auto = await browser.page.evaluate((s) => window.gpuRun(s, "auto"), source);
      expect(auto.ok).toBe(true);
      expect(auto.out).toMatch(/^true false "?no adapter/);
      const forced = await browser.page.evaluate((s) => window.gpuRun(s, "force"), source);
      expect(forced).toMatchObject({ ok: false });
      expect(forced.error).toMatch(/^9012: .*no adapter/);
    },
    STEP_TIMEOUT,
  );
});
