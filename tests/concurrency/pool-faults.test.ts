// Workers that die: the pool replaces them; their idempotent tasks run again once, the others
// fail with 7001 (worker lost).
import { afterEach, describe, expect, it } from "vitest";
import type { Pool } from "../../src/index.js";
import { moduleOf, startPool } from "./pool-helpers.js";

const module = moduleOf(`
func work(i) { var s = 0; for k in 0..2000 { s += k % 7 } return i * 2 + s }
func spin(n) { var s = 0; for i in 0..n { s += i } return s }
`);
const WORK_EXTRA = Array.from({ length: 2000 }, (_, k) => k % 7).reduce((a, b) => a + b, 0);

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

describe("a pool losing workers", () => {
  let pool: Pool | undefined;
  afterEach(() => pool?.close());

  it("completes a 1000-task job with every result when a worker is killed in the middle", async () => {
    // small batches, so that the worker dies with tasks it has not answered yet
    pool = await startPool(2, { batch: 10 });
    let done = 0;
    let killed = false;
    const job = Array.from({ length: 1000 }, (_, i) =>
      pool!.call(module, "work", [i], { idempotent: true }).then((v) => {
        if (++done === 300 && !killed) {
          killed = true;
          pool!.killWorker(0);
        }
        return v;
      }),
    );
    const results = await Promise.all(job);
    expect(killed).toBe(true);
    expect(pool.retries).toBeGreaterThan(0);
    expect(results).toEqual(Array.from({ length: 1000 }, (_, i) => i * 2 + WORK_EXTRA));
    // the replacement works
    expect(await pool.call(module, "work", [1])).toBe(2 + WORK_EXTRA);
    expect(pool.size).toBe(2);
  });

  it("fails a task that is not idempotent with 7001 when its worker dies, and goes on with a new worker", async () => {
    pool = await startPool(1);
    const running = pool.call(module, "spin", [1e10]).catch((x) => x);
    await new Promise((r) => setTimeout(r, 100));
    pool.killWorker(0);
    const e = await running;
    expect(e.code).toBe(7001);
    expect(e.message).toMatch(/^worker lost: /);
    expect(await pool.call(module, "work", [5])).toBe(10 + WORK_EXTRA);
  });

  it("retries an idempotent task only once", async () => {
    pool = await startPool(1);
    const running = pool.call(module, "spin", [1e10], { idempotent: true }).catch((x) => x);
    // kill the first worker, then its replacement, each once the task is there
    for (let i = 0; i < 2; i++) {
      await until(() => pool!.load[0] === 1);
      pool.killWorker(0);
      await until(() => pool!.load[0] === 0);
    }
    expect(pool.retries).toBe(1);
    expect((await running).code).toBe(7001);
  });

  it("fails what is left with 7001 when the pool closes", async () => {
    pool = await startPool(1);
    const running = pool.call(module, "spin", [1e10], { idempotent: true }).catch((x) => x);
    await new Promise((r) => setTimeout(r, 50));
    await pool.close();
    expect((await running).code).toBe(7001);
    expect((await pool.call(module, "work", [1]).catch((x) => x)).code).toBe(7001);
  });
});
