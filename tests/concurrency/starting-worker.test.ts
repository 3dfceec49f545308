// A worker that is still starting (a lost one's replacement, a new node's) holds none of a
// program's work, so the end of a run does not wait for it: a program whose pool has a worker
// that never gets ready still ends, with its un-awaited tasks done.
import { describe, expect, it } from "vitest";
import type { WorkerEndpoint } from "../../src/concurrency/endpoint.js";
import { defaultEndpoints } from "../../src/concurrency/platform.js";
import { Pool } from "../../src/concurrency/pool.js";
import { compile, VM } from "../../src/index.js";
import "../../src/node/pool.js";

/** A worker that never answers, as one whose thread or node does not come up. */
function neverReady(): WorkerEndpoint {
  return { postMessage() {}, onmessage: undefined, onexit: undefined, terminate() {} };
}

describe("a pool with a worker still starting", () => {
  it("ends a program's run without waiting for that worker", async () => {
    const threads = defaultEndpoints()!;
    let starting = false;
    const pool = await Pool.create({ workers: 2, endpoints: () => (starting ? neverReady() : threads()) });
    starting = true;
    void pool.grow(1);
    const { module } = compile(
      `func w(n) { print("task", n); return n }
spawn w(1)
print("main", await spawn w(2) + await spawn w(3))
`,
      { file: "starting.nc" },
    );
    let out = "";
    const vm = await VM.create({ stdout: (t) => (out += t) });
    pool.attach(vm, { tasks: true });
    try {
      const result = await vm.runAsync(module!);
      expect(result.ok).toBe(true);
      expect(out.split("\n").sort()).toEqual(["", "main 5", "task 1", "task 2", "task 3"]);
      expect(pool.size).toBe(3);
      expect(pool.usableSlots().length).toBe(2);
    } finally {
      await pool.close();
    }
  }, 20_000);
});
