// Damaged logs never crash the host: thousands of truncated, bit-flipped, overwritten and random
// logs either open (and then every key reads back a value or 8004) or fail with 8004. Nothing
// else may be thrown, nothing may hang. NOODLE_FUZZ_RUNS sets the number of damaged copies
// (`npm run fuzz` runs 100 000).
import { beforeAll, describe, expect, it } from "vitest";
import { HostError } from "../../src/runtime/host-calls.js";
import { MemoryLog, prepareStorage, type StorageEnvironment, Store } from "../../src/store/index.js";

const RUNS = Number(process.env.NOODLE_FUZZ_RUNS) || 3000;

let env: StorageEnvironment;
let valid: Uint8Array;

beforeAll(async () => {
  env = await prepareStorage();
  const log = new MemoryLog();
  const s = Store.open(log, env.sqlite, env.kernels);
  s.put("A", { kind: "matrix", shape: [3, 3], dtype: "f64", data: Float64Array.from({ length: 9 }, (_, i) => i) }, new Map([["tag", "x"]]));
  s.begin();
  s.put("list", [1, "two", new Map([["k", [true, null]]])]);
  s.put("s", "text");
  s.commit();
  s.delete("s");
  s.put("T", { kind: "tensor", shape: [2, 1, 2], dtype: "f32", data: Float32Array.from([1, 2, 3, 4]) });
  valid = log.read(0, log.size);
});

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Opens a log holding `bytes` and reads every key; "ok", "8004", or what else happened. */
function outcome(bytes: Uint8Array): string {
  const log = new MemoryLog();
  if (bytes.length) log.write([bytes]);
  try {
    const s = Store.open(log, env.sqlite, env.kernels);
    let corrupt = 0;
    for (const k of s.keys()) {
      try {
        s.get(k);
        s.meta(k);
      } catch (e) {
        if (!(e instanceof HostError) || e.code !== 8004) throw e;
        corrupt++;
      }
    }
    s.close();
    return corrupt ? "ok, some values 8004" : "ok";
  } catch (e) {
    if (e instanceof HostError && e.code === 8004) return "8004";
    return `unexpected: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
}

describe("damaged logs", () => {
  it(
    `open or give 8004, for ${RUNS} damaged copies of a valid log`,
    () => {
      const next = random(Number(process.env.NOODLE_FUZZ_SEED) || 7);
      const seen = new Map<string, number>();
      for (let i = 0; i < RUNS; i++) {
        const bytes = valid.slice();
        let damaged: Uint8Array;
        switch (i % 4) {
          case 0: // truncated anywhere
            damaged = bytes.subarray(0, Math.floor(next() * bytes.length));
            break;
          case 1: // a few bytes flipped
            for (let k = 0; k < 1 + next() * 4; k++) bytes[Math.floor(next() * bytes.length)] ^= 1 << Math.floor(next() * 8);
            damaged = bytes;
            break;
          case 2: // a run overwritten with random bytes
            {
              const at = Math.floor(next() * bytes.length);
              for (let k = at; k < Math.min(bytes.length, at + 1 + next() * 64); k++) bytes[k] = Math.floor(next() * 256);
            }
            damaged = bytes;
            break;
          default: // random bytes after a valid file header
            damaged = new Uint8Array(16 + Math.floor(next() * 400));
            damaged.set(valid.subarray(0, 16));
            for (let k = 16; k < damaged.length; k++) damaged[k] = Math.floor(next() * 256);
        }
        const o = outcome(damaged);
        seen.set(o.startsWith("unexpected") ? o : o, (seen.get(o) ?? 0) + 1);
      }
      const unexpected = [...seen.keys()].filter((k) => k.startsWith("unexpected"));
      expect(unexpected).toEqual([]);
      // the damage was varied enough to reach every outcome
      expect(seen.get("ok")).toBeGreaterThan(0);
      expect(seen.get("8004")).toBeGreaterThan(0);
      expect(seen.get("ok, some values 8004")).toBeGreaterThan(0);
    },
    30_000 + RUNS * 10,
  );

  it("an undamaged copy opens with every value", () => {
    expect(outcome(valid)).toBe("ok");
  });
});
