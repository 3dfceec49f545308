// Upgrading a running program, the core's part: finding the live actors, trying the next
// version's constructor on a copy of an actor's state (a task, so nothing changes), and marking
// an actor to switch at its next message boundary (actor.ts builds the new incarnation there).
import { HEADER, T_ACTOR, T_CLOSURE, ACT_METHODS, ACT_REMOTE, ACT_STOPPED, ACT_UPGRADE, ACT_KEEP, ACT_FORMER, typeOf, sizeOf } from "../heap/layout";
import { heapStart, heapTop, allocPinned } from "../heap/alloc";
import { writeBarrier } from "../heap/gc";
import { obj, NIL, TRUE } from "../heap/value";
import { collectGarbage } from "./interp";
import { spawnTask } from "./scheduler";
import { startNext, messagesEnded, messagesFailed, switchesFailed, switchPauses } from "./actor";
import { listLength, pointerAt, setListLength } from "../heap/pointer-list";

/**
 * The actors living in this VM (not stopped, not placed elsewhere), after a full collection so
 * every one found is reachable: a table the host frees, its count first, then the actors.
 */
export function liveActors(): u32 {
  collectGarbage();
  let n: u32 = 0;
  for (let p = heapStart; p < heapTop; p += sizeOf(p)) if (isLive(p)) n++;
  const table = allocPinned((n + 1) << 2);
  if (table == 0) return 0;
  const at = table + HEADER;
  store<u32>(at, n);
  let i: u32 = 1;
  for (let p = heapStart; p < heapTop && i <= n; p += sizeOf(p)) if (isLive(p)) store<u32>(at + (i++ << 2), p);
  return at;
}

function isLive(p: u32): bool {
  return typeOf(p) == T_ACTOR && load<u32>(p, ACT_REMOTE) == 0 && load<u32>(p, ACT_STOPPED) == 0;
}

/**
 * Runs constructor `ctor` (a closure) of the next version as a task on a deep copy of actor p's
 * state, as its switch would, but keeping nothing: the task's future (0 with a fault), or 1
 * when the actor has no incarnation yet (its constructor has not run: there is nothing to carry).
 */
export function trySwitch(p: u32, ctor: u32): u32 {
  const methods = load<u32>(p, ACT_METHODS);
  if (methods == 0) return 1;
  const args = <u32>memory.data(24);
  store<u64>(args, obj(methods));
  store<u64>(args + 8, NIL);
  store<u64>(args + 16, TRUE);
  return spawnTask(obj(ctor), args, 3);
}

/**
 * Actor p switches to constructor `ctor` (a closure) at its next message boundary: when its
 * current message ends, or when the next one comes to an idle actor. A rollback (`back`) of an actor that has not switched yet only cancels its switch; with
 * `keep`, the actor takes again the state of the incarnation it left at its last switch.
 */
export function markSwitch(p: u32, ctor: u32, back: bool, keep: bool): void {
  if (typeOf(p) != T_ACTOR || typeOf(ctor) != T_CLOSURE) return;
  if (back && load<u32>(p, ACT_UPGRADE) != 0) {
    store<u32>(p, 0, ACT_UPGRADE);
    return;
  }
  writeBarrier(p, obj(ctor));
  store<u32>(p, ctor, ACT_UPGRADE);
  const former = keep ? load<u32>(p, ACT_FORMER) : 0;
  if (former != 0) writeBarrier(p, obj(former));
  store<u32>(p, former, ACT_KEEP);
  startNext(p);
}

/** What the health of an upgrade is judged by: messages handled, those that failed, switches that failed. */
export function actorCounters(out: u32): void {
  store<f64>(out, messagesEnded);
  store<f64>(out + 8, messagesFailed);
  store<f64>(out + 16, switchesFailed);
}

/**
 * The pauses of the switches since the last call, from the start of an actor's switch to its new
 * incarnation (nanoseconds, at most 4 s): a table the host frees, its count first; 0 when memory is out.
 */
export function takeSwitchPauses(): u32 {
  const n = listLength(switchPauses);
  const table = allocPinned((n + 1) << 2);
  if (table == 0) return 0;
  const at = table + HEADER;
  store<u32>(at, n);
  for (let i: u32 = 0; i < n; i++) store<u32>(at + ((i + 1) << 2), pointerAt(switchPauses, i));
  setListLength(switchPauses, 0);
  return at;
}
