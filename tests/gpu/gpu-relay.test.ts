// Node's GPU relay (src/node/gpu-relay.ts) over a stand-in for the GPU process: the VM's thread
// is always answered, whatever the process does. An operation is relayed and its result written
// into the shared buffer; a process that ends mid-operation fails it at once and the device is
// lost; one that ends, or finds nothing in time, before it has an adapter means none, with what
// Dawn said. Auto's measurements, which no thread waits for, leave their times in their slots.
import { describe, expect, it, vi } from "vitest";
import {
  CONTROL_BYTES,
  DONE,
  FAILED,
  type FromGpu,
  type FromGpuProcess,
  MEASURE_BYTES,
  MEASURE_SLOTS,
  PENDING,
  type ToGpu,
  type ToGpuProcess,
} from "../../src/gpu/protocol.js";
import { dawnSaid, type GpuProcess, GpuRelay } from "../../src/node/gpu-relay.js";

/** A GPU process the test drives: what it was sent, and its messages and end on demand. */
function standIn() {
  const sent: ToGpuProcess[] = [];
  let message: (m: FromGpuProcess) => void = () => {};
  let end: (how: string, said: string[]) => void = () => {};
  const process: GpuProcess & { released: boolean; killed: boolean } = {
    released: false,
    killed: false,
    send: (m) => sent.push(m),
    onMessage: (h) => {
      message = h;
    },
    onEnd: (h) => {
      end = h;
    },
    release() {
      this.released = true;
    },
    kill() {
      this.killed = true;
    },
  };
  return { process, sent, say: (m: FromGpuProcess) => message(m), end: (how: string, said: string[] = []) => end(how, said) };
}

/** A product of two 2 x 2 matrices, its inputs uploaded from a fresh shared buffer. */
function productOp(): { op: Extract<ToGpu, { t: "op" }>; control: Int32Array; result: Float32Array } {
  const shared = new SharedArrayBuffer(CONTROL_BYTES + 12 * 4);
  new Float32Array(shared, CONTROL_BYTES, 8).set([1, 2, 3, 4, 1, 0, 0, 1]);
  const op: Extract<ToGpu, { t: "op" }> = {
    t: "op",
    work: "product",
    op: 0,
    x: 0,
    dims: [2, 2, 2],
    inputs: [
      { id: 1, offset: 0, length: 4 },
      { id: 2, offset: 4, length: 4 },
    ],
    result: { id: 3, offset: 8, length: 4 },
    drop: [],
    shared,
  };
  return { op, control: new Int32Array(shared, 0, 1), result: new Float32Array(shared, CONTROL_BYTES + 8 * 4, 4) };
}

describe("the GPU relay to Node's GPU process", () => {
  it("relays an operation with its uploads and writes the result back for the waiting thread", () => {
    const posted: FromGpu[] = [];
    const gpu = standIn();
    const relay = new GpuRelay((m) => posted.push(m), gpu.process, 1000);
    gpu.say({ t: "ready", adapter: "google swiftshader", software: true });
    expect(posted).toEqual([{ t: "ready", adapter: "google swiftshader", software: true }]);
    const { op, control, result } = productOp();
    relay.receive(op);
    expect(gpu.sent).toEqual([
      {
        t: "op",
        call: {
          work: "product",
          op: 0,
          x: 0,
          dims: [2, 2, 2],
          inputs: [
            { id: 1, elements: new Float32Array([1, 2, 3, 4]) },
            { id: 2, elements: new Float32Array([1, 0, 0, 1]) },
          ],
          resultId: 3,
          drop: [],
        },
      },
    ]);
    expect(Atomics.load(control, 0)).toBe(PENDING);
    gpu.say({ t: "done", values: new Float32Array([1, 2, 3, 4]) });
    expect(Atomics.load(control, 0)).toBe(DONE);
    expect([...result]).toEqual([1, 2, 3, 4]);
    relay.receive({ t: "destroy" });
    expect(gpu.sent.at(-1)).toEqual({ t: "destroy" });
  });

  it("fails the operation at once and loses the device when the process ends mid-operation", () => {
    const posted: FromGpu[] = [];
    const gpu = standIn();
    const relay = new GpuRelay((m) => posted.push(m), gpu.process, 1000);
    gpu.say({ t: "ready", adapter: "a", software: false });
    const { op, control } = productOp();
    relay.receive(op);
    gpu.end("signal SIGKILL");
    expect(Atomics.load(control, 0)).toBe(FAILED);
    expect(posted.at(-1)).toEqual({ t: "lost", reason: "device lost: the GPU process ended (signal SIGKILL)" });
    // later operations fail without waiting for anything
    const next = productOp();
    relay.receive(next.op);
    expect(Atomics.load(next.control, 0)).toBe(FAILED);
    expect(gpu.sent.length).toBe(1);
  });

  it("relays auto's measurements without a waiting thread, leaving each time in its slot, and fails those in flight when the process ends", () => {
    const gpu = standIn();
    const relay = new GpuRelay(() => {}, gpu.process, 1000);
    gpu.say({ t: "ready", adapter: "a", software: false });
    const slots = new SharedArrayBuffer(MEASURE_BYTES);
    const states = new Int32Array(slots, 0, MEASURE_SLOTS);
    const times = new Float64Array(slots, MEASURE_SLOTS * 4, MEASURE_SLOTS);
    const measure = { work: "product" as const, op: 0, x: 0, dims: [2, 2, 2] as [number, number, number], inputs: [new Float32Array(4)], wasmMs: 1, sentAt: 0 };
    relay.receive({ t: "measure", measure, slot: 0, slots });
    relay.receive({ t: "measure", measure, slot: 1 });
    relay.receive({ t: "measure", measure, slot: 2 });
    expect(gpu.sent).toEqual([0, 1, 2].map((slot) => ({ t: "measure", measure, slot })));
    gpu.say({ t: "measured", slot: 1, ms: 2.5 });
    gpu.say({ t: "measured", slot: 0 });
    expect([...states.slice(0, 3)]).toEqual([FAILED, DONE, PENDING]);
    expect(times[1]).toBe(2.5);
    gpu.end("signal SIGKILL");
    expect(states[2]).toBe(FAILED);
  });

  it("says there is no adapter, with Dawn's words, once a process that found none has ended", () => {
    const posted: FromGpu[] = [];
    const gpu = standIn();
    new GpuRelay((m) => posted.push(m), gpu.process, 1000);
    gpu.say({ t: "none", reason: "no adapter: WebGPU offers none here" });
    expect(gpu.process.released).toBe(true);
    expect(posted).toEqual([]);
    gpu.end("exit code 0", ["Warning: vkCreateInstance: Found no drivers!"]);
    expect(posted).toEqual([{ t: "none", reason: "no adapter: WebGPU offers none here (Dawn: Warning: vkCreateInstance: Found no drivers!)" }]);
  });

  it("ends a process that has not found an adapter in time, and says so", () => {
    vi.useFakeTimers();
    try {
      const posted: FromGpu[] = [];
      const gpu = standIn();
      new GpuRelay((m) => posted.push(m), gpu.process, 5000);
      vi.advanceTimersByTime(4999);
      expect(gpu.process.killed).toBe(false);
      vi.advanceTimersByTime(1);
      expect(gpu.process.killed).toBe(true);
      gpu.end("signal SIGKILL");
      expect(posted).toEqual([{ t: "none", reason: "no adapter: the GPU process found none in 5 s" }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("says how a process that ended before it had an adapter ended, and fails operations sent meanwhile", () => {
    const posted: FromGpu[] = [];
    const gpu = standIn();
    const relay = new GpuRelay((m) => posted.push(m), gpu.process, 1000);
    const { op, control } = productOp();
    relay.receive(op);
    expect(Atomics.load(control, 0)).toBe(FAILED);
    gpu.end("exit code 1");
    expect(posted).toEqual([{ t: "none", reason: "no adapter: the GPU process ended before it found one (exit code 1)" }]);
  });

  it("picks Dawn's own lines out of the process's stderr", () => {
    const stderr = `error: XDG_RUNTIME_DIR is invalid or not set in the environment.
Warning: vkCreateInstance: Found no drivers!
Warning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER
    at CheckVkSuccessImpl (VulkanError.cpp:106)
Warning: vkCreateInstance: Found no drivers!
Error: Loader Message: no GPUs
Warning: a fourth
`;
    expect(dawnSaid(stderr)).toEqual([
      "Warning: vkCreateInstance: Found no drivers!",
      "Warning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER",
      "Error: Loader Message: no GPUs",
    ]);
    expect(dawnSaid("")).toEqual([]);
  });
});
