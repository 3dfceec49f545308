// Durability under SIGKILL: a child process commits transactions to a file store and is killed at
// random moments, many times over on the same file. After every kill the store must reopen with
// exactly a prefix of the transactions: every one the child saw committed, at most one more (killed
// between its commit and its report), and none half-applied.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FileLog } from "../../src/node/file-log.js";
import { prepareStorage, type StorageEnvironment, Store } from "../../src/store/index.js";
import { ROOT } from "../helpers.js";

const KILLS = 25;
let env: StorageEnvironment;
beforeAll(async () => {
  env = await prepareStorage();
});

/** A seeded generator, so a failing run can be repeated. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** Starts the writer, kills it after `afterLines` reports plus `delayMs`; resolves with the reports. */
function writeUntilKilled(path: string, afterLines: number, delayMs: number): Promise<{ start: number; acknowledged: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "tests/store/fixtures/crash-writer.mjs"), path], { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    let armed = false;
    const guard = setTimeout(() => child.kill("SIGKILL"), 20_000); // never wait forever
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const lines = text.split("\n").length - 2;
      if (!armed && lines >= afterLines) {
        armed = true;
        setTimeout(() => child.kill("SIGKILL"), delayMs);
      }
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => {
      clearTimeout(guard);
      const lines = text.split("\n").filter((l) => l !== "");
      if (!lines[0]?.startsWith("ready")) return reject(new Error(`writer did not start (${signal}): ${text}`));
      resolve({ start: Number(lines[0].slice(6)), acknowledged: lines.slice(1).map(Number) });
    });
  });
}

describe("a store killed with SIGKILL", () => {
  it(`reopens to exactly a prefix of its committed transactions, ${KILLS} kills in a row`, async () => {
    const path = join(mkdtempSync(join(tmpdir(), "noodle-crash-")), "crash.db");
    const next = random(20261126);
    let committed = 0;
    for (let round = 0; round < KILLS; round++) {
      const { start, acknowledged } = await writeUntilKilled(path, Math.floor(next() * 20), Math.floor(next() * 40));
      expect(start).toBe(committed); // the child saw what the last reopen saw
      const last = acknowledged.length ? acknowledged[acknowledged.length - 1] : start - 1;
      const s = Store.open(FileLog.open(path), env.sqlite, env.kernels);
      const count = s.has("count") ? (s.get("count") as number) : 0;
      // nothing acknowledged is lost; at most the one transaction in flight is extra
      expect(count).toBeGreaterThanOrEqual(last + 1);
      expect(count).toBeLessThanOrEqual(last + 2);
      // exactly transactions 0..count-1, each whole
      const keys = s.keys("k");
      expect(keys.length).toBe(count);
      for (const i of [0, count >> 1, count - 1].filter((i) => i >= 0)) {
        const m = s.get(`k${i}`) as { data: Float64Array };
        expect(m.data.every((x) => x === i)).toBe(true);
      }
      expect(s.has(`k${count}`)).toBe(false);
      s.close();
      committed = count;
    }
    expect(committed).toBeGreaterThan(KILLS);
  }, 120_000);
});
