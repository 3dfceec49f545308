// Actor lanes: records written as small ring records, large port records and structured
// messages come out in the order written, however the port's messages and the ring's records
// interleave, with a full ring and without shared memory; the reader is woken by a message
// only when it may be asleep.

import { MessageChannel, Worker } from "node:worker_threads";
import { buildSync } from "esbuild";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ByteRing } from "../../src/concurrency/byte-ring.js";
import { type LaneMessage, LaneReader, LaneWriter } from "../../src/concurrency/lane.js";
import { ROOT } from "../helpers.js";

/** What was written to a lane, and what comes out of it. */
type Item = { bytes: Uint8Array } | { message: unknown };

/** Bytes for record `n`: the first four hold `n`, so a swap or a shift shows. */
function recordBytes(n: number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let j = 0; j < length; j++) b[j] = (n * 29 + j * 11 + (j >> 7)) & 255;
  if (length >= 4) new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

const small = (n: number, length = 1 + (n % 12)): Item => ({ bytes: recordBytes(n, length) });
const large = (n: number, length: number): Item => ({ bytes: recordBytes(n, length) });
const message = (n: number): Item => ({ message: { n, text: `message ${n}`, list: [n, { deep: -n }] } });

/** Writes `item`: bytes through `fill` (partly by the view, to show both address one record). */
function write(writer: LaneWriter, item: Item): void {
  if ("message" in item) return writer.message(item.message);
  const data = item.bytes;
  writer.bytes(data.length, (bytes, view, at) => {
    bytes.set(data, at);
    if (data.length >= 4) view.setUint32(at, new DataView(data.buffer, data.byteOffset).getUint32(0, true), true);
  });
}

/** The reader's callbacks: what it read (copies), in order, and how much at each onDrained. */
function collector() {
  const got: Item[] = [];
  const drained: number[] = [];
  const onBytes = (bytes: Uint8Array, view: DataView, at: number, length: number) => {
    const copy = bytes.slice(at, at + length);
    if (length >= 4) expect(view.getUint32(at, true)).toBe(new DataView(copy.buffer).getUint32(0, true));
    got.push({ bytes: copy });
  };
  const onMessage = (m: unknown) => got.push({ message: m });
  const onDrained = () => drained.push(got.length);
  return { got, drained, onBytes, onMessage, onDrained };
}

/**
 * A lane through a port the test drives: posted messages wait in `queue` (cloned, with their
 * transfers, as a real port would) until delivered. Its writer wakes the reader at once each time
 * it may be asleep (no least gap between wake-ups) unless `wakeGapMs` is given.
 */
function manualLane(buffer: SharedArrayBuffer | undefined, spinMs = 0, wakeGapMs = 0) {
  const queue: LaneMessage[] = [];
  let doorbells = 0;
  const c = collector();
  const writer = new LaneWriter(
    buffer,
    (m, transfer) => {
      if (m.t === "lane-ring") doorbells++;
      queue.push(structuredClone(m, { transfer }));
    },
    wakeGapMs,
  );
  const reader = new LaneReader(buffer, c.onBytes, c.onMessage, c.onDrained, spinMs);
  const deliver = (m: LaneMessage) => expect(reader.receive(m)).toBe(true);
  return {
    ...c,
    writer,
    reader,
    queue,
    doorbells: () => doorbells,
    /** Delivers the first `n` queued messages (all by default), in order. */
    deliverAll(n = Infinity) {
      writer.send();
      for (; n > 0 && queue.length; n--) deliver(queue.shift()!);
    },
    /** Delivers the queued messages that `pick` chooses, in order, leaving the others queued. */
    deliverOnly(pick: (m: LaneMessage) => boolean) {
      writer.send();
      const picked = queue.filter(pick);
      queue.splice(0, queue.length, ...queue.filter((m) => !pick(m)));
      for (const m of picked) deliver(m);
    },
  };
}

/** Polls until `done` or until `ms` pass (then fails with `what`). */
async function until(done: () => boolean, what: () => string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** A lane through a real port (a MessageChannel): messages arrive asynchronously, in order. */
function channelLane(buffer: SharedArrayBuffer | undefined) {
  const { port1, port2 } = new MessageChannel();
  const c = collector();
  let doorbells = 0;
  const writer = new LaneWriter(buffer, (m, transfer) => {
    if (m.t === "lane-ring") doorbells++;
    port1.postMessage(m, transfer as never);
  });
  const reader = new LaneReader(buffer, c.onBytes, c.onMessage, c.onDrained);
  port2.on("message", (m: LaneMessage) => expect(reader.receive(m)).toBe(true));
  return {
    ...c,
    writer,
    doorbells: () => doorbells,
    async expectAll(items: Item[]) {
      try {
        await until(
          () => c.got.length >= items.length,
          () => `${c.got.length} of ${items.length} records came`,
        );
        // nothing more comes after a turn of the event loop
        await new Promise((r) => setTimeout(r, 5));
        expect(c.got).toEqual(items);
      } finally {
        port1.close();
        port2.close();
      }
    },
  };
}

/** A mixed sequence: mostly small records, with large ones (bigger than `largest`) and messages. */
function mixed(count: number, largest: number): Item[] {
  return Array.from({ length: count }, (_, n) => {
    if (n % 7 === 3) return message(n);
    if (n % 11 === 5) return large(n, largest + (n % 3) * 100);
    return small(n, n % 5 === 0 ? largest - 1 : 1 + (n % 12));
  });
}

describe("LaneReader and LaneWriter through a port", () => {
  it("small and large records and messages arrive in the order written", async () => {
    const buffer = ByteRing.allocate(1024);
    const items = mixed(3000, 256);
    const lane = channelLane(buffer);
    // written in bursts, so the reader sleeps in between and is woken
    for (let i = 0; i < items.length; i++) {
      write(lane.writer, items[i]);
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 0));
    }
    await lane.expectAll(items);
    expect(lane.doorbells()).toBeGreaterThan(0);
  });

  it("the largest record the ring takes and the next size up both arrive whole", async () => {
    // a ring record holds one byte of kind before the record's own
    const buffer = ByteRing.allocate(256);
    const items = [small(0, 63), large(1, 64), small(2, 0), large(3, 65), message(4), small(5, 62)];
    const lane = channelLane(buffer);
    for (const item of items) write(lane.writer, item);
    await lane.expectAll(items);
  });

  it("a full ring delivers everything in order: the writer's backlog waits and retries", async () => {
    // 64 bytes hold a few records; all of these are written before the reader runs
    const buffer = ByteRing.allocate(64);
    const items = mixed(2000, 16);
    const lane = channelLane(buffer);
    for (const item of items) write(lane.writer, item);
    await lane.expectAll(items);
  });

  it("without shared memory every record is a port message, in order", async () => {
    const items = mixed(2000, 256);
    const lane = channelLane(undefined);
    for (const item of items) write(lane.writer, item);
    await lane.expectAll(items);
    expect(lane.doorbells()).toBe(0);
    expect(lane.drained.at(-1)).toBe(items.length);
  });

  it("messages keep the buffers transferred with them", () => {
    for (const buffer of [ByteRing.allocate(256), undefined]) {
      const lane = manualLane(buffer);
      const payload = new Float64Array([1.5, -2, 3]);
      lane.writer.bytes(3, (bytes, _view, at) => bytes.set([1, 2, 3], at));
      lane.writer.message({ payload }, [payload.buffer]);
      lane.writer.bytes(2, (bytes, _view, at) => bytes.set([4, 5], at));
      // transferred: the writer's copy is gone
      expect(payload.length).toBe(0);
      lane.deliverAll();
      expect(lane.got).toEqual([
        { bytes: new Uint8Array([1, 2, 3]) },
        { message: { payload: new Float64Array([1.5, -2, 3]) } },
        { bytes: new Uint8Array([4, 5]) },
      ]);
    }
  });
});

describe("LaneReader's order when the port and the ring interleave", () => {
  /** Small a, message M, large L, small b, message N, small c: three port records between ring records. */
  function writeSample(lane: ReturnType<typeof manualLane>): Item[] {
    const items = [small(0), message(1), large(2, 300), small(3), message(4), small(5)];
    for (const item of items) write(lane.writer, item);
    return items;
  }

  it("holds port records that come before their place in the ring", () => {
    const lane = manualLane(ByteRing.allocate(1024));
    const items = writeSample(lane);
    lane.deliverOnly((m) => m.t === "lane");
    // the ring has not been read: nothing may come out ahead of the first small record
    expect(lane.got).toEqual([]);
    lane.deliverAll();
    expect(lane.got).toEqual(items);
    expect(lane.drained).toEqual([6]);
  });

  it("stops at a port record that has not come yet, and goes on when it does", () => {
    const lane = manualLane(ByteRing.allocate(1024));
    const items = writeSample(lane);
    lane.deliverOnly((m) => m.t === "lane-ring");
    expect(lane.got).toEqual(items.slice(0, 1));
    expect(lane.queue.map((m) => m.t === "lane" && m.seq)).toEqual([0, 1, 2]);
    lane.deliverAll(1);
    expect(lane.got).toEqual(items.slice(0, 2));
    lane.deliverAll(1);
    expect(lane.got).toEqual(items.slice(0, 4));
    // a wake-up while it waits changes nothing
    expect(lane.reader.receive({ t: "lane-ring" })).toBe(true);
    expect(lane.got).toEqual(items.slice(0, 4));
    lane.deliverAll(1);
    expect(lane.got).toEqual(items);
    // onDrained ran each time it stopped, after what came before was read
    expect(lane.drained).toEqual([1, 2, 4, 4, 6]);
  });

  it("the port's own order (a wake-up after each record's port message) works too", () => {
    const lane = manualLane(ByteRing.allocate(1024));
    const items = [message(0), small(1), large(2, 500), message(3)];
    for (const item of items) write(lane.writer, item);
    expect(lane.queue.map((m) => m.t)).toEqual(["lane", "lane-ring", "lane", "lane"]);
    lane.deliverAll();
    expect(lane.got).toEqual(items);
  });

  it("takes only the lane's messages", () => {
    const lane = manualLane(ByteRing.allocate(1024));
    expect(lane.reader.receive({ t: "ready" })).toBe(false);
    expect(lane.reader.receive({ t: "results" })).toBe(false);
    const plain = manualLane(undefined);
    expect(plain.reader.receive({ t: "ready" })).toBe(false);
    expect(lane.got).toEqual([]);
  });

  describe("with a timer the test controls", () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it("a full ring: later records wait behind the first that did not fit, until the timer retries", () => {
      const lane = manualLane(ByteRing.allocate(64));
      const items = Array.from({ length: 40 }, (_, n) => small(n, 4 + (n % 8)));
      for (const item of items) write(lane.writer, item);
      // the ring took only the first few; the rest wait in the writer, not as port messages
      expect(lane.queue.map((m) => m.t)).toEqual(["lane-ring"]);
      lane.deliverAll();
      const first = lane.got.length;
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThan(items.length);
      expect(lane.got).toEqual(items.slice(0, first));
      let ticks = 0;
      while (lane.got.length < items.length && ticks < 1000) {
        vi.advanceTimersByTime(1);
        lane.deliverAll();
        ticks++;
      }
      expect(lane.got).toEqual(items);
      expect(ticks).toBeGreaterThan(0);
      // nothing is left to retry
      expect(vi.getTimerCount()).toBe(0);
    });

    it("a closed writer drops the records waiting in it and stops retrying", () => {
      const lane = manualLane(ByteRing.allocate(64));
      for (let n = 0; n < 40; n++) write(lane.writer, small(n, 8));
      expect(vi.getTimerCount()).toBe(1);
      lane.writer.close();
      vi.advanceTimersByTime(1);
      expect(vi.getTimerCount()).toBe(0);
      write(lane.writer, small(40, 8));
      expect(vi.getTimerCount()).toBe(0);
      lane.deliverAll();
      expect(lane.got.length).toBeLessThan(40);
    });

    it("any interleaving of writes, deliveries, extra wake-ups and retries keeps the order", () => {
      type Op = { op: "write"; kind: number; size: number } | { op: "deliver"; n: number } | { op: "wake" } | { op: "tick" };
      const op: fc.Arbitrary<Op> = fc.oneof(
        { weight: 6, arbitrary: fc.record({ op: fc.constant("write" as const), kind: fc.nat({ max: 9 }), size: fc.nat({ max: 1 << 16 }) }) },
        { weight: 2, arbitrary: fc.record({ op: fc.constant("deliver" as const), n: fc.integer({ min: 1, max: 8 }) }) },
        { weight: 1, arbitrary: fc.constant({ op: "wake" as const }) },
        { weight: 1, arbitrary: fc.constant({ op: "tick" as const }) },
      );
      fc.assert(
        fc.property(fc.constantFrom(64, 128, 1024, 0), fc.array(op, { minLength: 1, maxLength: 150 }), (capacity, ops) => {
          const buffer = capacity ? ByteRing.allocate(capacity) : undefined;
          const largest = capacity ? capacity / 4 : 256;
          const lane = manualLane(buffer);
          const items: Item[] = [];
          for (const o of ops) {
            if (o.op === "write") {
              const n = items.length;
              // kinds 0-5: small enough for the ring; 6-7: larger; 8-9: messages
              const item = o.kind < 6 ? small(n, o.size % largest) : o.kind < 8 ? large(n, largest + (o.size % (3 * largest))) : message(n);
              items.push(item);
              write(lane.writer, item);
            } else if (o.op === "deliver") lane.deliverAll(o.n);
            else if (o.op === "wake" && buffer) lane.reader.receive({ t: "lane-ring" });
            else if (o.op === "tick") vi.advanceTimersByTime(1);
            // never ahead of the writing, never out of order
            expect(lane.got).toEqual(items.slice(0, lane.got.length));
          }
          for (let i = 0; i < 10_000 && lane.got.length < items.length; i++) {
            lane.deliverAll();
            vi.advanceTimersByTime(1);
          }
          lane.deliverAll();
          expect(lane.got).toEqual(items);
          expect(lane.queue).toEqual([]);
          if (!buffer) expect(lane.doorbells()).toBe(0);
          vi.clearAllTimers();
        }),
        { numRuns: 300, seed: 11 },
      );
    });
  });
});

describe("LaneWriter with a full ring", () => {
  it("moves the records waiting in it into the ring at its next write, without a timer", () => {
    const lane = manualLane(ByteRing.allocate(64));
    const items = Array.from({ length: 30 }, (_, n) => small(n, 4));
    for (const item of items.slice(0, 29)) write(lane.writer, item);
    lane.deliverAll();
    const first = lane.got.length;
    expect(first).toBeLessThan(29);
    // the reader freed the ring: the next write moves waiting records in ahead of itself
    write(lane.writer, items[29]);
    lane.deliverAll();
    expect(lane.got.length).toBeGreaterThan(first);
    expect(lane.got).toEqual(items.slice(0, lane.got.length));
    expect(lane.queue.filter((m) => m.t === "lane")).toEqual([]);
  });
});

describe("LaneWriter's least gap between wake-ups", () => {
  it("a reader that keeps falling asleep is woken once per gap, the rest at the end of the writer's task", async () => {
    const lane = manualLane(ByteRing.allocate(1024), 0, 60_000);
    write(lane.writer, small(0));
    expect(lane.queue.map((m) => m.t)).toEqual(["lane-ring"]);
    lane.deliverAll();
    // asleep again, within the gap: these records owe it one wake-up, posted after this task
    for (let n = 1; n < 10; n++) {
      write(lane.writer, small(n));
      expect(lane.queue).toEqual([]);
    }
    await Promise.resolve();
    expect(lane.queue.map((m) => m.t)).toEqual(["lane-ring"]);
    lane.deliverAll();
    expect(lane.got.length).toBe(10);
    expect(lane.doorbells()).toBe(2);
  });

  it("wakes at once when the last wake-up is older than the gap", async () => {
    const lane = manualLane(ByteRing.allocate(1024), 0, 1);
    write(lane.writer, small(0));
    lane.deliverAll();
    await new Promise((r) => setTimeout(r, 5));
    write(lane.writer, small(1));
    expect(lane.queue.map((m) => m.t)).toEqual(["lane-ring"]);
    lane.deliverAll();
    expect(lane.got.length).toBe(2);
  });
});

describe("LaneReader's onDrained", () => {
  it("runs once the records that came were read", () => {
    const lane = manualLane(ByteRing.allocate(1024));
    for (let n = 0; n < 5; n++) write(lane.writer, small(n));
    expect(lane.drained).toEqual([]);
    lane.deliverAll();
    expect(lane.drained).toEqual([5]);
    write(lane.writer, small(5));
    write(lane.writer, large(6, 1000));
    write(lane.writer, small(7));
    lane.deliverAll();
    // it also ran where the reader stopped to wait for the large record
    expect(lane.drained).toEqual([5, 6, 8]);
  });

  it("runs after each record without shared memory", () => {
    const lane = manualLane(undefined);
    for (const item of [small(0), message(1), large(2, 5000)]) write(lane.writer, item);
    lane.deliverAll();
    expect(lane.drained).toEqual([1, 2, 3]);
  });
});

describe("LaneReader's last look before it sleeps", () => {
  it("reads a record written while it was reading, though nobody wakes it for that one", () => {
    // the reader's own onDrained writes the next record: it is published while the reader
    // still counts as awake, as another thread's record would be just before the reader sleeps
    const buffer = ByteRing.allocate(256);
    const c = collector();
    const items = Array.from({ length: 20 }, (_, n) => small(n));
    let doorbells = 0;
    const queue: LaneMessage[] = [];
    const writer = new LaneWriter(buffer, (m) => {
      if (m.t === "lane-ring") doorbells++;
      queue.push(m);
    });
    const reader = new LaneReader(buffer, c.onBytes, c.onMessage, () => {
      c.onDrained();
      if (c.got.length < items.length) write(writer, items[c.got.length]);
    });
    write(writer, items[0]);
    while (queue.length) reader.receive(queue.shift()!);
    expect(c.got).toEqual(items);
    expect(doorbells).toBe(1);
  });
});

describe("LaneReader when a callback throws", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A lane whose reader throws once, when it is given record `bad` (counted from 0). */
  function throwingLane(bad: number, where: "bytes" | "message" | "drained" = "bytes") {
    const buffer = ByteRing.allocate(1024);
    const queue: LaneMessage[] = [];
    const c = collector();
    let thrown = false;
    const once = () => {
      if (c.got.length - 1 !== bad || thrown) return;
      thrown = true;
      throw new Error("callback failed");
    };
    const writer = new LaneWriter(buffer, (m, transfer) => queue.push(structuredClone(m, { transfer })), 0);
    const reader = new LaneReader(
      buffer,
      (...args) => {
        c.onBytes(...args);
        if (where === "bytes") once();
      },
      (m) => {
        c.onMessage(m);
        if (where === "message") once();
      },
      () => {
        c.onDrained();
        if (where === "drained") once();
      },
    );
    /** Delivers the first `n` queued messages (all by default); true when the reader threw. */
    const deliver = (n = Infinity): boolean => {
      let threw = false;
      for (; n > 0 && queue.length; n--) {
        try {
          reader.receive(queue.shift()!);
        } catch (e) {
          expect(String(e)).toContain("callback failed");
          threw = true;
        }
      }
      return threw;
    };
    return { writer, queue, got: c.got, deliver };
  }

  it("the records after the one whose callback threw are read all the same", () => {
    const lane = throwingLane(2);
    const items = Array.from({ length: 6 }, (_, n) => small(n));
    for (const item of items) write(lane.writer, item);
    expect(lane.deliver()).toBe(true);
    expect(lane.got).toEqual(items.slice(0, 3));
    vi.advanceTimersByTime(1);
    expect(lane.got).toEqual(items);
    // and it sleeps again: the next record wakes it
    write(lane.writer, small(6));
    expect(lane.queue.map((m) => m.t)).toEqual(["lane-ring"]);
    lane.deliver();
    expect(lane.got).toEqual([...items, small(6)]);
  });

  it("the same when a port record's callback throws", () => {
    const lane = throwingLane(1, "message");
    const items = [small(0), message(1), small(2), large(3, 900), message(4)];
    for (const item of items) write(lane.writer, item);
    expect(lane.deliver()).toBe(true);
    vi.advanceTimersByTime(1);
    lane.deliver();
    expect(lane.got).toEqual(items);
  });

  it("a reader that threw at its last record is woken by the next", () => {
    const lane = throwingLane(3);
    const items = Array.from({ length: 4 }, (_, n) => small(n));
    for (const item of items) write(lane.writer, item);
    expect(lane.deliver()).toBe(true);
    expect(lane.got).toEqual(items);
    expect(vi.getTimerCount()).toBe(0);
    write(lane.writer, small(4));
    expect(lane.queue.map((m) => m.t)).toEqual(["lane-ring"]);
    lane.deliver();
    expect(lane.got).toEqual([...items, small(4)]);
  });

  it("onDrained throwing where the reader waits for a port record: that record resumes it", () => {
    const lane = throwingLane(0, "drained");
    const items = [small(0), message(1), small(2)];
    for (const item of items) write(lane.writer, item);
    expect(lane.queue.map((m) => m.t)).toEqual(["lane-ring", "lane"]);
    // the wake-up: it reads record 0 and stops at message 1, whose port record has not come
    expect(lane.deliver(1)).toBe(true);
    expect(lane.got).toEqual(items.slice(0, 1));
    // nothing to retry: the port record's arrival is what resumes it
    expect(vi.getTimerCount()).toBe(0);
    expect(lane.deliver()).toBe(false);
    expect(lane.got).toEqual(items);
  });
});

describe("LaneWriter's wake-ups", () => {
  const doorbellsIn = (queue: LaneMessage[]) => queue.filter((m) => m.t === "lane-ring").length;

  it("wakes a sleeping reader once, and not while it is awake", () => {
    const lane = manualLane(ByteRing.allocate(1024));
    // a reader that has not run yet counts as asleep
    for (let n = 0; n < 10; n++) write(lane.writer, small(n));
    expect(doorbellsIn(lane.queue)).toBe(1);
    lane.deliverAll();
    expect(lane.got.length).toBe(10);
    // it read everything and went to sleep: the next record wakes it, the ones after do not
    for (let n = 10; n < 20; n++) write(lane.writer, small(n));
    expect(doorbellsIn(lane.queue)).toBe(1);
    // a wake-up, then a port record the reader must wait for
    write(lane.writer, small(20));
    write(lane.writer, message(21));
    expect(lane.queue.map((m) => m.t)).toEqual(["lane-ring", "lane"]);
    lane.deliverAll(1);
    expect(lane.got.length).toBe(21);
    // the reader waits for message 21 (awake): records written meanwhile post no wake-up
    for (let n = 22; n < 30; n++) write(lane.writer, n % 3 ? small(n) : large(n, 700));
    expect(doorbellsIn(lane.queue)).toBe(0);
    lane.deliverAll();
    expect(lane.got.length).toBe(30);
    expect(lane.doorbells()).toBe(2);
    // asleep again
    write(lane.writer, large(30, 2000));
    write(lane.writer, small(31));
    expect(doorbellsIn(lane.queue)).toBe(1);
    lane.deliverAll();
    expect(lane.got.length).toBe(32);
  });

  it("posts no wake-up without shared memory, and the byte records between two messages in one post", () => {
    const lane = manualLane(undefined);
    const items = mixed(50, 256);
    for (const item of items) write(lane.writer, item);
    lane.writer.send();
    // a post for each message, and one for each run of byte records before or after one
    const runs = items.filter((item, i) => "message" in item || i === 0 || "message" in items[i - 1]).length;
    expect(lane.queue.length).toBe(runs);
    expect(doorbellsIn(lane.queue)).toBe(0);
    lane.deliverAll();
    expect(lane.got).toEqual(items);
  });
});

// ---------------------------------------------------------------- across threads

/** The items of the lane between threads, as source shared by the worker and the test. */
const ITEMS_JS = `
function itemOf(n, largest) {
  if (n % 13 === 4) return { message: { n, text: "m" + n } };
  const length = n % 17 === 9 ? largest + (n % 500) : (n * 7) % largest;
  const bytes = new Uint8Array(length);
  for (let j = 0; j < length; j++) bytes[j] = (n * 29 + j * 11) & 255;
  return { bytes };
}
function sameItem(a, b) {
  if ("message" in b) return "message" in a && JSON.stringify(a.message) === JSON.stringify(b.message);
  if (!("bytes" in a) || a.bytes.length !== b.bytes.length) return false;
  for (let j = 0; j < b.bytes.length; j++) if (a.bytes[j] !== b.bytes[j]) return false;
  return true;
}`;
const { itemOf, sameItem } = new Function(`${ITEMS_JS}\nreturn { itemOf, sameItem };`)() as {
  itemOf: (n: number, largest: number) => Item;
  sameItem: (a: Item, b: Item) => boolean;
};

// A worker that writes `count` items (in bursts, pausing so the reader sleeps), or reads them
// with a spinning reader and reports the first one out of order.
const LANE_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { buffer, count, largest, role } = workerData;
const pause = new Int32Array(new SharedArrayBuffer(4));
const writeItem = (writer, item) =>
  "message" in item ? writer.message(item.message) : writer.bytes(item.bytes.length, (bytes, view, at) => bytes.set(item.bytes, at));
if (role === "writer") {
  const writer = new laneModule.LaneWriter(buffer, (m, transfer) => parentPort.postMessage(m, transfer));
  let n = 0;
  const burst = () => {
    for (let k = 0; k < 200 && n < count; k++, n++) writeItem(writer, itemOf(n, largest));
    if (n < count) setTimeout(burst, n % 1000 === 0 ? 1 : 0);
  };
  burst();
} else {
  let n = 0, wrong = -1;
  const check = (item) => {
    if (wrong < 0 && !sameItem(item, itemOf(n, largest))) wrong = n;
    n++;
  };
  const reader = new laneModule.LaneReader(
    buffer,
    (bytes, view, at, length) => check({ bytes: bytes.subarray(at, at + length) }),
    (message) => check({ message }),
    () => { if (n === count || wrong >= 0) parentPort.postMessage({ t: "read", n, wrong }); },
    0.05,
  );
  parentPort.on("message", (m) => reader.receive(m));
}`;

function laneWorker(role: "writer" | "reader", workerData: object): Worker {
  const lane = buildSync({
    entryPoints: [ROOT + "src/concurrency/lane.ts"],
    bundle: true,
    format: "iife",
    globalName: "laneModule",
    write: false,
    target: "node20",
  });
  return new Worker(`${lane.outputFiles[0].text}\n${ITEMS_JS}\n${LANE_WORKER}`, { eval: true, workerData: { role, ...workerData } });
}

describe("a lane between two threads", () => {
  const count = 20_000;

  it("a worker's records reach the main thread in order", async () => {
    const buffer = ByteRing.allocate(4096);
    const c = collector();
    const reader = new LaneReader(buffer, c.onBytes, c.onMessage, c.onDrained);
    const worker = laneWorker("writer", { buffer, count, largest: 1024 });
    let error: unknown;
    worker.on("message", (m: LaneMessage) => reader.receive(m));
    worker.on("error", (e) => (error = e));
    try {
      await until(
        () => c.got.length >= count || error !== undefined,
        () => `${c.got.length} of ${count} records came`,
        20_000,
      );
      expect(error).toBeUndefined();
      for (let n = 0; n < count; n++) if (!sameItem(c.got[n], itemOf(n, 1024))) expect(c.got[n], `record ${n}`).toEqual(itemOf(n, 1024));
      expect(c.got.length).toBe(count);
    } finally {
      await worker.terminate();
    }
  });

  it("the main thread's records reach a worker's spinning reader in order", async () => {
    const buffer = ByteRing.allocate(4096);
    const worker = laneWorker("reader", { buffer, count, largest: 1024 });
    let report: { n: number; wrong: number } | undefined, error: unknown;
    worker.on("message", (m) => (report = m));
    worker.on("error", (e) => (error = e));
    try {
      const writer = new LaneWriter(buffer, (m, transfer) => worker.postMessage(m, transfer as never));
      for (let n = 0; n < count; n++) {
        const item = itemOf(n, 1024);
        write(writer, item);
        if (n % 200 === 199) await new Promise((r) => setTimeout(r, n % 1000 === 999 ? 1 : 0));
      }
      await until(
        () => report !== undefined || error !== undefined,
        () => "the worker did not finish reading",
        20_000,
      );
      expect(error).toBeUndefined();
      expect(report).toEqual({ t: "read", n: count, wrong: -1 });
    } finally {
      await worker.terminate();
    }
  });
});
