// The shared byte ring: records come out in order with their bytes across many wrap-arounds,
// a full ring refuses and takes records again once read, and the producer is told to wake the
// consumer exactly when it went to sleep; also between two real threads.

import { Worker } from "node:worker_threads";
import { buildSync } from "esbuild";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteRing } from "../../src/concurrency/byte-ring.js";
import { ROOT } from "../helpers.js";

/** A producer's and a consumer's view of one new ring, as two threads would hold them. */
function ringPair(capacity: number): { producer: ByteRing; consumer: ByteRing } {
  const buffer = ByteRing.allocate(capacity);
  return { producer: new ByteRing(buffer), consumer: new ByteRing(buffer) };
}

/** The bytes of record `n`, `length` long: they differ from record to record. */
function recordBytes(n: number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let j = 0; j < length; j++) b[j] = (n * 131 + j * 7 + (j >> 8)) & 255;
  return b;
}

/** Writes a record; false when the ring refuses it. */
function write(ring: ByteRing, bytes: Uint8Array): boolean {
  const at = ring.reserve(bytes.length);
  if (at < 0) return false;
  ring.bytes.set(bytes, at);
  ring.publish();
  return true;
}

/** Reads and frees the next record (a copy), or undefined. */
function read(ring: ByteRing): Uint8Array | undefined {
  const at = ring.next();
  if (at < 0) return undefined;
  const copy = ring.bytes.slice(at, at + ring.length);
  ring.release();
  return copy;
}

const padded = (length: number) => 8 + ((length + 7) & ~7);

describe("ByteRing", () => {
  it("takes only capacities that are powers of two (at least 64)", () => {
    for (const bad of [0, 1, 32, 63, 65, 100, 1000, 1536, 3 << 10, -64]) expect(() => ByteRing.allocate(bad), String(bad)).toThrow(RangeError);
    for (const good of [64, 256, 1024, 1 << 20]) {
      const buffer = ByteRing.allocate(good);
      const ring = new ByteRing(buffer);
      expect(ring.bytes.length).toBe(good);
      expect(ring.largest).toBe(good / 4);
    }
  });

  it("refuses a record larger than `largest`, even when empty", () => {
    const { producer, consumer } = ringPair(256);
    expect(producer.largest).toBe(64);
    expect(producer.reserve(65)).toBe(-1);
    expect(producer.reserve(1000)).toBe(-1);
    expect(consumer.ready).toBe(false);
    expect(write(producer, recordBytes(1, 64))).toBe(true);
    expect(read(consumer)).toEqual(recordBytes(1, 64));
  });

  it("takes a record of length 0", () => {
    const { producer, consumer } = ringPair(64);
    expect(write(producer, new Uint8Array(0))).toBe(true);
    expect(write(producer, recordBytes(2, 3))).toBe(true);
    expect(consumer.ready).toBe(true);
    expect(read(consumer)).toEqual(new Uint8Array(0));
    expect(read(consumer)).toEqual(recordBytes(2, 3));
    expect(read(consumer)).toBeUndefined();
    expect(consumer.ready).toBe(false);
  });

  it("refuses records when full and takes them again once the consumer releases", () => {
    // 24 bytes pad to 32 with the length: eight records fill 256 bytes exactly
    const { producer, consumer } = ringPair(256);
    for (let n = 0; n < 8; n++) expect(write(producer, recordBytes(n, 24)), `record ${n}`).toBe(true);
    expect(producer.reserve(24)).toBe(-1);
    expect(producer.reserve(0)).toBe(-1);
    // next without release frees nothing
    expect(consumer.next()).toBeGreaterThanOrEqual(0);
    expect(producer.reserve(24)).toBe(-1);
    consumer.release();
    expect(write(producer, recordBytes(8, 24))).toBe(true);
    expect(producer.reserve(0)).toBe(-1);
    for (let n = 1; n <= 8; n++) expect(read(consumer)).toEqual(recordBytes(n, 24));
    expect(read(consumer)).toBeUndefined();
  });

  it("starts a record that would run past the end again at 0, behind a wrap marker", () => {
    // 40 bytes take 48: five records end at 240, and a sixth does not fit in the last 16
    const { producer, consumer } = ringPair(256);
    const offsets: number[] = [];
    for (let n = 0; n < 5; n++) {
      offsets.push(producer.reserve(40));
      producer.bytes.set(recordBytes(n, 40), offsets[n]);
      producer.publish();
    }
    expect(offsets).toEqual([8, 56, 104, 152, 200]);
    // there are 16 free bytes at the end, but the record must go at 0, which is still in use
    expect(producer.reserve(40)).toBe(-1);
    expect(read(consumer)).toEqual(recordBytes(0, 40));
    const at = producer.reserve(40);
    expect(at).toBe(8);
    producer.bytes.set(recordBytes(5, 40), at);
    producer.publish();
    for (let n = 1; n <= 5; n++) expect(read(consumer)).toEqual(recordBytes(n, 40));
    expect(read(consumer)).toBeUndefined();
  });

  it("delivers records of random sizes in order with their bytes, across many wrap-arounds", () => {
    const step = fc.record({ writes: fc.nat({ max: 24 }), reads: fc.nat({ max: 24 }) });
    const sizes = (largest: number) =>
      fc.array(fc.oneof(fc.nat({ max: largest }), fc.constantFrom(0, 1, 7, 8, 9, largest - 1, largest)), { minLength: 1, maxLength: 600 });
    const run = fc
      .constantFrom(64, 128, 256, 1024)
      .chain((capacity) => fc.tuple(fc.constant(capacity), sizes(capacity / 4), fc.array(step, { minLength: 1, maxLength: 80 })));
    fc.assert(
      fc.property(run, ([capacity, lengths, steps]) => {
        const { producer, consumer } = ringPair(capacity);
        const largest = producer.largest;
        let written = 0,
          readCount = 0,
          unreadBytes = 0;
        const write1 = (): boolean => {
          const length = lengths[written];
          const at = producer.reserve(length);
          if (at < 0) {
            // an empty ring takes any record up to `largest`; a ring that refuses is nearly full
            // (what is unread, at most one wrap gap, the skip to 0 and the record itself)
            expect(written).toBeGreaterThan(readCount);
            expect(unreadBytes + 8 + largest + 2 * padded(length)).toBeGreaterThan(capacity);
            return false;
          }
          // the record's bytes are 8-aligned and lie wholly inside the ring
          expect(at % 8).toBe(0);
          expect(at + length).toBeLessThanOrEqual(capacity);
          producer.bytes.set(recordBytes(written, length), at);
          producer.publish();
          written++;
          unreadBytes += padded(length);
          return true;
        };
        const read1 = (): boolean => {
          expect(consumer.ready).toBe(written > readCount);
          const got = read(consumer);
          if (!got) return false;
          expect(got).toEqual(recordBytes(readCount, lengths[readCount]));
          unreadBytes -= padded(lengths[readCount]);
          readCount++;
          return true;
        };
        for (const { writes, reads } of steps) {
          for (let i = 0; i < writes && written < lengths.length && write1(); i++);
          for (let i = 0; i < reads && read1(); i++);
        }
        // the rest: every record still fits once the ring is drained
        while (written < lengths.length) {
          while (write1() && written < lengths.length);
          while (read1());
        }
        while (read1());
        expect(readCount).toBe(lengths.length);
        expect(consumer.ready).toBe(false);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it("goes around a small ring thousands of times", () => {
    const { producer, consumer } = ringPair(256);
    let total = 0,
      readCount = 0;
    const lengthOf = (n: number) => (n * 37) % (producer.largest + 1);
    for (let n = 0; n < 20_000; n++) {
      while (!write(producer, recordBytes(n, lengthOf(n)))) {
        expect(Buffer.compare(read(consumer)!, recordBytes(readCount, lengthOf(readCount))), `record ${readCount}`).toBe(0);
        readCount++;
      }
      total += padded(lengthOf(n));
    }
    for (let got = read(consumer); got; got = read(consumer), readCount++) expect(Buffer.compare(got, recordBytes(readCount, lengthOf(readCount)))).toBe(0);
    expect(readCount).toBe(20_000);
    expect(total / 256).toBeGreaterThan(1000);
  });

  it("keeps working when its positions pass 2^32", () => {
    const { producer, consumer } = ringPair(1 << 20);
    const largest = producer.largest;
    // records that take exactly a quarter of the ring move its positions to 2 MiB short of
    // 2^32 quickly; each carries its number at both ends
    const length = largest - 8;
    for (let n = 0; n < (2 ** 32 - (1 << 21)) / largest; n++) {
      const at = producer.reserve(length);
      expect(at, `record ${n}`).toBeGreaterThanOrEqual(0);
      producer.words.setUint32(at, n, true);
      producer.words.setUint32(at + length - 4, ~n, true);
      producer.publish();
      const got = consumer.next();
      expect(got).toBe(at);
      expect(consumer.length).toBe(length);
      expect(consumer.words.getInt32(got, true)).toBe(n);
      expect(consumer.words.getInt32(got + length - 4, true)).toBe(~n);
      consumer.release();
    }
    // then a ring kept partly full carries records of every size across the boundary
    const lengths = Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? i : (i * 7919) % (largest + 1)));
    let w = 0,
      r = 0;
    while (r < lengths.length) {
      while (w < lengths.length && write(producer, recordBytes(w, lengths[w]))) w++;
      for (let k = 0; k < 2 && r < w; k++, r++) expect(Buffer.compare(read(consumer)!, recordBytes(r, lengths[r])), `record ${r}`).toBe(0);
    }
    expect(lengths.reduce((sum, n) => sum + padded(n), 0)).toBeGreaterThan(4 << 20);
    expect(consumer.ready).toBe(false);
  });

  describe("wake-ups", () => {
    it("a ring nobody has read yet wants its consumer woken", () => {
      const { producer } = ringPair(256);
      producer.reserve(4);
      expect(producer.publish()).toBe(true);
      producer.reserve(4);
      expect(producer.publish()).toBe(false);
    });

    it("publish asks for a wake-up only for the first record after the consumer sleeps", () => {
      const { producer, consumer } = ringPair(256);
      expect(consumer.sleep()).toBe(true);
      const publish = () => {
        expect(producer.reserve(8)).toBeGreaterThanOrEqual(0);
        return producer.publish();
      };
      expect([publish(), publish(), publish()]).toEqual([true, false, false]);
      // reading does not change that: the consumer is awake until it sleeps again
      while (read(consumer));
      expect(publish()).toBe(false);
      while (read(consumer));
      expect(consumer.sleep()).toBe(true);
      expect([publish(), publish()]).toEqual([true, false]);
      while (read(consumer));
      expect(consumer.sleep()).toBe(true);
      // sleeping twice is still one sleep
      expect(consumer.sleep()).toBe(true);
      expect([publish(), publish()]).toEqual([true, false]);
    });

    it("sleep refuses while a record waits, and the consumer stays awake", () => {
      const { producer, consumer } = ringPair(256);
      expect(write(producer, recordBytes(0, 10))).toBe(true);
      expect(consumer.ready).toBe(true);
      expect(consumer.sleep()).toBe(false);
      // the consumer reads on, so nobody needs to wake it for the next record
      producer.reserve(10);
      expect(producer.publish()).toBe(false);
      expect(read(consumer)).toEqual(recordBytes(0, 10));
      // a record read (next) but not released still waits
      expect(consumer.next()).toBeGreaterThanOrEqual(0);
      expect(consumer.sleep()).toBe(false);
      consumer.release();
      expect(consumer.sleep()).toBe(true);
      producer.reserve(10);
      expect(producer.publish()).toBe(true);
    });
  });
});

// ---------------------------------------------------------------- across threads

/** Record sizes and contents, shared as source by the producing worker and the test. */
const RECORDS_JS = `
function sizeOf(i, largest) {
  let x = Math.imul(i + 1, 0x9e3779b1) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  if (x % 17 === 0) return largest;
  if (x % 13 === 0) return x % 9;
  return x % (largest + 1);
}
function byteOf(i, j) {
  return (i * 31 + j * 13 + (j >> 5)) & 255;
}`;
const { sizeOf, byteOf } = new Function(`${RECORDS_JS}\nreturn { sizeOf, byteOf };`)() as {
  sizeOf: (i: number, largest: number) => number;
  byteOf: (i: number, j: number) => number;
};

/** A worker script: ByteRing (bundled from the source) and then `body`. */
function ringWorkerScript(body: string): string {
  const ring = buildSync({
    entryPoints: [ROOT + "src/concurrency/byte-ring.ts"],
    bundle: true,
    format: "iife",
    globalName: "ringModule",
    write: false,
    target: "node20",
  });
  return `${ring.outputFiles[0].text}\n${RECORDS_JS}\n${body}`;
}

// The worker produces `count` records, telling the main thread (a message) when publish asks
// for a wake-up; it pauses now and then so that the consumer catches up and sleeps.
const PRODUCER = `
const { parentPort, workerData } = require("node:worker_threads");
(function produce() {
  const ring = new ringModule.ByteRing(workerData.buffer);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const { count, deadline } = workerData;
  let wakes = 0;
  for (let i = 0; i < count; ) {
    const length = sizeOf(i, ring.largest);
    const at = ring.reserve(length);
    if (at < 0) {
      if (Date.now() > deadline) return parentPort.postMessage({ t: "stuck", at: i });
      Atomics.wait(pause, 0, 0, 0.05);
      continue;
    }
    for (let j = 0; j < length; j++) ring.bytes[at + j] = byteOf(i, j);
    if (ring.publish()) {
      wakes++;
      parentPort.postMessage({ t: "wake" });
    }
    i++;
    if (i % 997 === 0) Atomics.wait(pause, 0, 0, 1);
  }
  parentPort.postMessage({ t: "done", wakes });
})();`;

describe("ByteRing between two threads", () => {
  for (const capacity of [256, 4096]) {
    it(`carries 100 000 records through a ring of ${capacity} bytes, waking the consumer when it sleeps`, async () => {
      const count = 100_000;
      const buffer = ByteRing.allocate(capacity);
      const ring = new ByteRing(buffer);
      const worker = new Worker(ringWorkerScript(PRODUCER), { eval: true, workerData: { buffer, count, deadline: Date.now() + 20_000 } });
      let wakesSeen = 0,
        failure: string | undefined,
        producerWakes = -1;
      let notify: (() => void) | undefined;
      worker.on("message", (m: { t: string; wakes?: number; at?: number }) => {
        if (m.t === "wake") wakesSeen++;
        else if (m.t === "done") producerWakes = m.wakes!;
        else failure = `the producer was stuck at record ${m.at}`;
        notify?.();
      });
      worker.on("error", (e) => {
        failure = String(e);
        notify?.();
      });
      const nextEvent = (ms: number) =>
        new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), ms);
          notify = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
      try {
        let expected = 0,
          sleeps = 0,
          wakesUsed = 0;
        while (expected < count) {
          for (let at = ring.next(); at >= 0; at = ring.next()) {
            const length = ring.length;
            if (length !== sizeOf(expected, ring.largest)) throw new Error(`record ${expected}: length ${length}, expected ${sizeOf(expected, ring.largest)}`);
            for (let j = 0; j < length; j++) {
              if (ring.bytes[at + j] !== byteOf(expected, j)) throw new Error(`record ${expected}: byte ${j} differs`);
            }
            ring.release();
            expected++;
          }
          if (expected === count) break;
          sleeps++;
          if (!ring.sleep()) continue;
          // asleep: only a wake-up message (or a failure) gets the consumer going again
          while (wakesSeen === wakesUsed && !failure) {
            if (!(await nextEvent(10_000))) throw new Error(`no wake-up came after record ${expected}`);
          }
          if (failure) throw new Error(failure);
          wakesUsed = wakesSeen;
        }
        while (producerWakes < 0 && !failure) if (!(await nextEvent(10_000))) throw new Error("the producer did not finish");
        if (failure) throw new Error(failure);
        expect(expected).toBe(count);
        expect(ring.ready).toBe(false);
        // a wake-up is asked for at most once per sleep (and once for the first record)
        expect(producerWakes).toBeGreaterThan(0);
        expect(producerWakes).toBeLessThanOrEqual(sleeps + 1);
        expect(wakesSeen).toBe(producerWakes);
      } finally {
        await worker.terminate();
      }
    });
  }
});
