// The pool's side of the lanes treats a worker that sends a malformed record as broken: it ends
// that worker (the pool replaces it as after a crash) instead of letting the error reach the host.
import { describe, expect, it } from "vitest";
import { encodeValue, WIRE } from "../../src/codec/value-codec.js";
import type { WorkerEndpoint } from "../../src/concurrency/endpoint.js";
import { HostedWork, type HostedWorkPool } from "../../src/concurrency/hosted-work.js";
import { type LaneBuffers, type LaneMessage, LaneWriter } from "../../src/concurrency/lane.js";
import { readLaneRecord } from "../../src/concurrency/lane-records.js";
import { WorkerSlot } from "../../src/concurrency/worker-slot.js";

function setUp() {
  const posted: unknown[] = [];
  const endpoint: WorkerEndpoint & { ended: number } = {
    ended: 0,
    postMessage: (m) => posted.push(m),
    onmessage: undefined,
    onexit: undefined,
    terminate() {
      this.ended++;
    },
  };
  const slot = new WorkerSlot(endpoint, 0);
  const settled: number[] = [];
  const pool: HostedWorkPool = {
    sharedMemory: true,
    taskRetries: 0,
    busySpawns: "run-here",
    busyAt: 8,
    usableSlots: () => [slot],
    shipTo: () => [],
    newId: () => 1,
    settle: (_s, id) => settled.push(id),
    actorOrigin: () => undefined,
    globalsNow: () => undefined,
    program: () => undefined,
    receive: () => {},
    output: () => {},
    stores: () => undefined,
    storesLost: () => {},
  };
  const hosted = new HostedWork(pool);
  hosted.connect(slot);
  const buffers = posted[0] as LaneBuffers;
  // the worker's end of the lane back to the pool
  const doorbells: LaneMessage[] = [];
  const back = new LaneWriter(buffers.fromWorker, (m) => doorbells.push(m));
  const deliver = () => {
    for (const m of doorbells.splice(0)) hosted.receive(slot, m);
  };
  return { endpoint, slot, hosted, back, deliver, settled };
}

describe("the pool's side of a worker's lanes", () => {
  it("ends a worker whose record has an unknown kind", () => {
    const { endpoint, back, deliver } = setUp();
    back.bytes(3, (bytes, _view, at) => bytes.set([99, 1, 2], at));
    expect(() => deliver()).not.toThrow();
    expect(endpoint.ended).toBe(1);
  });

  it("ends a worker whose answer does not decode", () => {
    const { endpoint, back, deliver, settled } = setUp();
    // kind 2 (a value) with an id and bytes that are not an encoded value
    back.bytes(12, (bytes, view, at) => {
      bytes[at] = 2;
      view.setFloat64(at + 1, 7, true);
      bytes.set([1, 2, 3], at + 9);
    });
    expect(() => deliver()).not.toThrow();
    expect(endpoint.ended).toBe(1);
    expect(settled).toEqual([]);
  });

  it("ends a worker that sends a task, which only goes the other way", () => {
    const { endpoint, back, deliver } = setUp();
    const args = encodeValue([], WIRE);
    back.bytes(17 + args.length, (bytes, view, at) => {
      bytes[at] = 5;
      view.setFloat64(at + 1, 1, true);
      bytes.set(args, at + 17);
    });
    // a well-formed task record, as a worker would read it
    const record = new Uint8Array(17 + args.length);
    record[0] = 5;
    record.set(args, 17);
    expect(readLaneRecord(record, new DataView(record.buffer), 0, record.length).kind).toBe("task");
    deliver();
    expect(endpoint.ended).toBe(1);
  });
});
