// A VM's thread and its GPU worker on a platform that gives its own (Node's, here a stand-in):
// the worker starts on the first work that could use it, keeps the program's process alive only
// while a run waits for the adapter, and a platform without WebGPU is known at once.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { GpuThread } from "../../src/gpu/device.js";
import type { FromGpu } from "../../src/gpu/protocol.js";

type Device = typeof import("../../src/gpu/device.js");

/** device.ts afresh (its state is once per thread), over a stand-in platform. */
async function withPlatform(missing?: string) {
  vi.resetModules();
  const device: Device = await import("../../src/gpu/device.js");
  const holds: boolean[] = [];
  let started = 0;
  let say: (m: FromGpu) => void = () => {};
  device.setGpuPlatform({
    missing: () => missing,
    start: (): GpuThread => {
      started++;
      return {
        post: () => {},
        onMessage: (h) => {
          say = h;
        },
        onError: () => {},
        end: () => {},
        hold: (held) => holds.push(held),
      };
    },
  });
  return { device, holds, started: () => started, say: (m: FromGpu) => say(m) };
}

describe("the GPU worker of a platform's own", () => {
  beforeEach(() => vi.resetModules());

  it("starts on first use without holding the process, and holds it only while a run waits for the adapter", async () => {
    const p = await withPlatform();
    expect(p.started()).toBe(0);
    expect(p.device.gpuNow()).toEqual({ kind: "pending" });
    expect(p.started()).toBe(1);
    // nobody waits yet: a program that ends now ends
    expect(p.holds).toEqual([]);
    const settled = p.device.acquireGpu();
    expect(p.holds).toEqual([true]);
    p.say({ t: "ready", adapter: "stand-in", software: false });
    const state = await settled;
    expect(state.kind).toBe("ready");
    expect(p.holds).toEqual([true, false]);
    // the same worker from now on
    await p.device.acquireGpu();
    expect(p.started()).toBe(1);
    expect(p.holds).toEqual([true, false]);
  });

  it("lets the process go when the worker finds no adapter", async () => {
    const p = await withPlatform();
    const settled = p.device.acquireGpu();
    p.say({ t: "none", reason: "no adapter: none here" });
    expect(await settled).toEqual({ kind: "none", fallback: "no adapter", reason: "no adapter: none here" });
    expect(p.holds).toEqual([true, false]);
  });

  it("knows at once, starting nothing, when the platform has no WebGPU", async () => {
    const p = await withPlatform("no adapter: the webgpu package (WebGPU for Node) is not installed");
    expect(p.device.gpuNow()).toEqual({ kind: "none", fallback: "no adapter", reason: "no adapter: the webgpu package (WebGPU for Node) is not installed" });
    expect((await p.device.acquireGpu()).kind).toBe("none");
    expect(p.started()).toBe(0);
  });
});
