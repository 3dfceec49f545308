// Tests that need a real nats-server. Without one they are skipped with the reason printed, unless
// NOODLE_REQUIRE_NATS=1 (as in CI), where its absence fails them: they must never pass unrun.
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";
import type { NodeRecord } from "../../src/cluster/node-record.js";
import { NoodleRuntimeError } from "../../src/runtime/runtime-error.js";

const PATH = `${process.env.PATH ?? ""}:/usr/sbin:/usr/local/sbin`;

export const hasNatsServer = spawnSync("nats-server", ["--version"], { env: { ...process.env, PATH } }).status === 0;

const reason = "nats-server is not installed: install it with 'apt-get install nats-server'";

if (!hasNatsServer && process.env.NOODLE_REQUIRE_NATS !== "1") console.warn(`[skipped: ${reason}]`);

/** Whether a suite needing nats-server runs; when it cannot but must, a failing test says why. */
export function natsSuiteRuns(): boolean {
  if (hasNatsServer) return true;
  if (process.env.NOODLE_REQUIRE_NATS === "1")
    it("has a nats-server (NOODLE_REQUIRE_NATS=1)", () => {
      throw new Error(reason);
    });
  return false;
}

/** A node's record as an announcer publishes it. */
export function nodeRecord(name: string, fields: Partial<NodeRecord> = {}): NodeRecord {
  return { name, workers: 2, load: 0, tasks: 0, actors: 0, startedAt: Date.now(), labels: [], ...fields };
}

/** Waits until `check` holds, polling; fails after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The coded error `p` fails with (the test fails if it resolves, or fails otherwise). */
export async function failure(p: Promise<unknown>): Promise<NoodleRuntimeError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(NoodleRuntimeError);
  return e as NoodleRuntimeError;
}
