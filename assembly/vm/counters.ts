// What the host reads when it is asked for metrics (src/metrics/vm-metrics.ts): the pauses of full
// collections in a fixed histogram, actors started, restarted and stopped (the last two also told
// to the host, which logs them), and fibers counted by kind and state. Each count is a store at a
// rare event (a collection, a spawn, a restart), and the fibers are counted only when asked, so
// the dispatch loop pays nothing for them.
import { hostActorEvent, hostClock } from "./host";
import { firstFiber, FB_ACTOR, FB_KIND, FB_LNEXT, FB_NEXT, FB_STATE, FS_MAILBOX } from "./fiber";
import { ACT_HEAD, ACT_NAME } from "../heap/layout";

/** Upper bounds of the pause buckets in milliseconds; one more bucket counts the rest. */
const PAUSE_BOUNDS: StaticArray<f64> = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000];
const BUCKETS: u32 = 12;

/** The pause table: BUCKETS bounds, BUCKETS + 1 counts (the last past every bound), the sum of pauses (ms). */
const pauseTable = <u32>memory.data(8 * (2 * BUCKETS + 2));
let pauseStart: f64 = 0;

export let actorsStarted: f64 = 0;
export let actorRestarts: f64 = 0;
export let actorsStopped: f64 = 0;

export function initCounters(): void {
  for (let i: u32 = 0; i < BUCKETS; i++) store<f64>(pauseTable + (i << 3), unchecked(PAUSE_BOUNDS[i]));
  memory.fill(pauseTable + (BUCKETS << 3), 0, 8 * (BUCKETS + 2));
}

export function pauseBegins(): void {
  pauseStart = hostClock();
}

/** Counts the collection that began at pauseBegins in the bucket of its length. */
export function pauseEnds(): void {
  const ms = hostClock() - pauseStart;
  let i: u32 = 0;
  while (i < BUCKETS && ms > load<f64>(pauseTable + (i << 3))) i++;
  const count = pauseTable + ((BUCKETS + i) << 3);
  store<f64>(count, load<f64>(count) + 1);
  const sum = pauseTable + ((2 * BUCKETS + 1) << 3);
  store<f64>(sum, load<f64>(sum) + ms);
}

export function pauseBuckets(): u32 {
  return BUCKETS;
}

export function pauseTableAddress(): u32 {
  return pauseTable;
}

export function actorStarted(): void {
  actorsStarted += 1;
}

export function actorRestarted(actor: u32): void {
  actorRestarts += 1;
  hostActorEvent(0, actor, load<u32>(actor, ACT_NAME));
}

export function actorStopped(actor: u32): void {
  actorsStopped += 1;
  hostActorEvent(1, actor, load<u32>(actor, ACT_NAME));
}

/**
 * Kinds (main, task, init, message) by states (new, ready, running, blocked, mailbox): 20 u32 at
 * `out`, then the deepest mailbox (each counted from its first message, so every message is
 * walked once).
 */
export function countFibers(out: u32): void {
  memory.fill(out, 0, 4 * 21);
  let deepest: u32 = 0;
  for (let f = firstFiber; f != 0; f = load<u32>(f, FB_LNEXT)) {
    const state = load<u32>(f, FB_STATE);
    const at = out + ((load<u32>(f, FB_KIND) * 5 + state) << 2);
    store<u32>(at, load<u32>(at) + 1);
    const actor = load<u32>(f, FB_ACTOR);
    if (state == FS_MAILBOX && actor != 0 && load<u32>(actor, ACT_HEAD) == f) {
      let depth: u32 = 0;
      for (let m = f; m != 0; m = load<u32>(m, FB_NEXT)) depth++;
      deepest = max(deepest, depth);
    }
  }
  store<u32>(out + 80, deepest);
}
