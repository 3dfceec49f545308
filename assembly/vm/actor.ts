// Actors. An actor's constructor (compiled from its declaration) runs its state initialisers and
// returns a map of its handlers, closures that share that state. Each message is a fiber waiting
// in the actor's mailbox; the actor handles one at a time, in the order they were sent, and a
// handler that awaits keeps the actor busy until it ends. A handler that throws fails its
// caller's future and the actor restarts: its constructor runs again, so the state is fresh.
// Past the supervision limit (restarts within a time window), or when its constructor throws, the
// actor stops for good (7003, naming the constructor's error).
// An actor the host placed on another worker is a remote one here: its messages go to the host.
import {
  HEADER, T_CLOSURE, T_MAP, T_ACTOR, T_BOUND, CLO_PROTO, typeOf,
  ACT_CTOR, ACT_METHODS, ACT_HEAD, ACT_TAIL, ACT_BUSY, ACT_STOPPED, ACT_RESTARTS, ACT_NAME, ACT_REMOTE, ACT_CAUSE, ACT_UPGRADE, ACT_KEEP, ACT_FORMER, ACT_SWITCH_AT, ACT_SIZE, BM_ACTOR, BM_NAME, BM_SIZE,
} from "../heap/layout";
import { allocBlock } from "../heap/alloc";
import { writeBarrier } from "../heap/gc";
import { isObj, objOf, numOf, num, obj, NIL } from "../heap/value";
import { newList, listLen, listGet, listPush, listFrom } from "../objects/list";
import { mapFind, entryValue } from "../objects/map";
import { newFuture, FK_FIBER } from "../objects/future";
import { FUT_TASK } from "../heap/layout";
import { newFiber, freeFiber, setFiberState, setArgs, FB_NEXT, FB_FUTURE, FB_ACTOR, FB_KIND, FB_FN, FS_NEW, FS_MAILBOX, FK_INIT, FK_MESSAGE, FK_UPGRADE } from "./fiber";
import { raise, raise1, raise2 } from "./fault";
import { strConcat } from "../objects/string";
import { S_FAILED_TOO_OFTEN, S_INIT_FAILED, S_INIT_FAILED_WITH } from "./names";
import { toStr } from "./builtins";
import { hostClock } from "./host";
import { protoAt, P_NAME } from "./state";
import { settle, pushReady, pushReadyFirst, faultError } from "./scheduler";
import { typeValue } from "./ops";
import { remoteActorId, remoteSend } from "./parallel";
import { listLength, pushPointer } from "../heap/pointer-list";
import { actorStarted, actorRestarted, actorStopped } from "./counters";
import { E_ACTOR_STOPPED, E_MEMORY_LIMIT, E_NOT_CALLABLE } from "./contract";

/** Supervision: an actor restarts at most this many times within this many milliseconds. */
export let maxRestarts: u32 = 3;
export let restartWindow: f64 = 5000;

export function setSupervision(restarts: u32, windowMs: f64): void {
  maxRestarts = restarts;
  restartWindow = windowMs;
}

/**
 * spawn Name(): a new actor; its constructor runs as its first work (here, or where the host
 * placed it). `here`: the host asks for it, so it is not offered back.
 */
export function newActor(ctor: u64, here: bool = false): u64 {
  if (!isObj(ctor) || typeOf(objOf(ctor)) != T_CLOSURE) {
    raise1(E_NOT_CALLABLE, typeValue(ctor));
    return NIL;
  }
  const remote = here ? 0 : remoteActorId(objOf(ctor));
  const p = allocBlock(ACT_SIZE - HEADER, T_ACTOR);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  store<u32>(p, objOf(ctor), ACT_CTOR);
  store<u32>(p, 0, ACT_METHODS);
  store<u32>(p, 0, ACT_HEAD);
  store<u32>(p, 0, ACT_TAIL);
  store<u32>(p, 0, ACT_BUSY);
  store<u32>(p, 0, ACT_STOPPED);
  store<u32>(p, 0, ACT_RESTARTS);
  store<u32>(p, load<u32>(protoAt(load<u32>(objOf(ctor), CLO_PROTO)), P_NAME), ACT_NAME);
  store<u32>(p, remote, ACT_REMOTE);
  store<u32>(p, 0, ACT_CAUSE);
  store<u32>(p, 0, ACT_UPGRADE);
  store<u32>(p, 0, ACT_KEEP);
  store<u32>(p, 0, ACT_FORMER);
  if (remote != 0) return obj(p);
  actorStarted();
  if (!construct(p)) return NIL;
  return obj(p);
}

/** An actor living elsewhere: the host's id for it, and its name; NIL with a fault. */
export function remoteActorValue(id: u32, name: u32): u64 {
  const p = allocBlock(ACT_SIZE - HEADER, T_ACTOR);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  memory.fill(p + ACT_CTOR, 0, ACT_SIZE - ACT_CTOR);
  store<u32>(p, name, ACT_NAME);
  store<u32>(p, id, ACT_REMOTE);
  return obj(p);
}

/** Runs the actor's constructor next (before any waiting message). */
function construct(p: u32): bool {
  const f = newFiber(FK_INIT, obj(load<u32>(p, ACT_CTOR)), 0, p);
  if (f == 0) {
    raise(E_MEMORY_LIMIT);
    return false;
  }
  store<u32>(p, f, ACT_BUSY);
  setFiberState(f, FS_NEW);
  pushReady(f);
  return true;
}

/** `actor.name` as a value: calling it sends a message. */
export function boundMethod(actor: u32, name: u32): u64 {
  const p = allocBlock(BM_SIZE - HEADER, T_BOUND);
  if (p == 0) {
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  store<u32>(p, actor, BM_ACTOR);
  store<u32>(p, name, BM_NAME);
  return obj(p);
}

/** Sends message `name(args..)` to the actor of bound method `bound`; returns the reply's future. */
export function send(bound: u32, args: u32, n: u32): u64 {
  const actor = load<u32>(bound, BM_ACTOR);
  const remote = load<u32>(actor, ACT_REMOTE);
  if (remote != 0) return remoteSend(remote, load<u32>(bound, BM_NAME), args, n);
  const fut = newFuture(FK_FIBER);
  if (fut == 0) return NIL;
  if (load<u32>(actor, ACT_STOPPED) != 0) {
    settle(fut, false, stoppedError(actor));
    return obj(fut);
  }
  const f = newFiber(FK_MESSAGE, obj(load<u32>(bound, BM_NAME)), fut, actor);
  if (f == 0 || !setArgs(f, args, n)) {
    if (f != 0) freeFiber(f);
    raise(E_MEMORY_LIMIT);
    return NIL;
  }
  store<u32>(fut, f, FUT_TASK);
  setFiberState(f, FS_MAILBOX);
  store<u32>(f, 0, FB_NEXT);
  const tail = load<u32>(actor, ACT_TAIL);
  if (tail != 0) store<u32>(tail, f, FB_NEXT);
  else store<u32>(actor, f, ACT_HEAD);
  store<u32>(actor, f, ACT_TAIL);
  startNext(actor);
  return obj(fut);
}

/** The handler named `name` in the actor's current incarnation, or nil. */
export function handlerOf(actor: u32, name: u64): u64 {
  const methods = load<u32>(actor, ACT_METHODS);
  if (methods == 0) return NIL;
  const e = mapFind(methods, name);
  return e < 0 ? NIL : entryValue(methods, <u32>e);
}

export function actorName(actor: u32): u32 {
  return load<u32>(actor, ACT_NAME);
}

/** Messages handlers finished (not counting those refused before their handler started), and how many of them failed. */
export let messagesEnded: f64 = 0;
export let messagesFailed: f64 = 0;
/** Switches to a new version that failed at the message boundary (the actor kept its code). */
export let switchesFailed: f64 = 0;
/** The pause of each switch since the host last read them, in nanoseconds (a pointer list of numbers). */
export const switchPauses = <u32>memory.data(12);

/** An idle actor takes its next message, first switching to the version waiting for it. */
export function startNext(actor: u32): void {
  if (load<u32>(actor, ACT_BUSY) != 0 || load<u32>(actor, ACT_STOPPED) != 0) return;
  const f = load<u32>(actor, ACT_HEAD);
  if (f == 0) return;
  if (load<u32>(actor, ACT_UPGRADE) != 0 && load<u32>(actor, ACT_METHODS) != 0) {
    beginSwitch(actor);
    return;
  }
  const next = load<u32>(f, FB_NEXT);
  store<u32>(actor, next, ACT_HEAD);
  if (next == 0) store<u32>(actor, 0, ACT_TAIL);
  store<u32>(actor, f, ACT_BUSY);
  setFiberState(f, FS_NEW);
  pushReady(f);
}

/**
 * Runs the next version's constructor on the current incarnation (and, on a rollback, the one
 * to go back to): it builds the new incarnation with the fields carried over and `migrate` run.
 * It runs before any other ready fiber, so the message waiting is delayed only by the switch.
 */
function beginSwitch(actor: u32): void {
  const ctor = load<u32>(actor, ACT_UPGRADE);
  const args = <u32>memory.data(16);
  store<u64>(args, obj(load<u32>(actor, ACT_METHODS)));
  const keep = load<u32>(actor, ACT_KEEP);
  store<u64>(args + 8, keep != 0 ? obj(keep) : NIL);
  store<u32>(actor, 0, ACT_UPGRADE);
  store<u32>(actor, 0, ACT_KEEP);
  const f = newFiber(FK_UPGRADE, obj(ctor), 0, actor);
  if (f == 0 || !setArgs(f, args, 2)) {
    if (f != 0) freeFiber(f);
    switchesFailed++;
    startNext(actor);
    return;
  }
  store<u32>(actor, f, ACT_BUSY);
  setFiberState(f, FS_NEW);
  pushReadyFirst(f);
}

/** An actor's switch starts running: its pause is measured from here. */
export function switchStarts(f: u32): void {
  store<f64>(load<u32>(f, FB_ACTOR), hostClock(), ACT_SWITCH_AT);
}

export function removeFromMailbox(actor: u32, f: u32): void {
  let prev: u32 = 0;
  for (let g = load<u32>(actor, ACT_HEAD); g != 0; g = load<u32>(g, FB_NEXT)) {
    if (g != f) {
      prev = g;
      continue;
    }
    const next = load<u32>(g, FB_NEXT);
    if (prev != 0) store<u32>(prev, next, FB_NEXT);
    else store<u32>(actor, next, ACT_HEAD);
    if (load<u32>(actor, ACT_TAIL) == g) store<u32>(actor, prev, ACT_TAIL);
    return;
  }
}

/**
 * A constructor or handler fiber ended. `early`: it failed before its handler started (no such
 * handler, wrong argument count), which is the sender's mistake and restarts nothing.
 */
export function actorFiberEnded(f: u32, ok: bool, v: u64, early: bool): void {
  const actor = load<u32>(f, FB_ACTOR);
  const kind = load<u32>(f, FB_KIND);
  const fut = load<u32>(f, FB_FUTURE);
  const ctor = load<u64>(f, FB_FN);
  store<u32>(actor, 0, ACT_BUSY);
  freeFiber(f);
  if (kind == FK_UPGRADE) {
    // the new incarnation replaces the current one; if it could not be built, the actor keeps its code
    if (ok && isObj(v) && typeOf(objOf(v)) == T_MAP) {
      const former = load<u32>(actor, ACT_METHODS);
      writeBarrier(actor, obj(former));
      store<u32>(actor, former, ACT_FORMER);
      writeBarrier(actor, v);
      store<u32>(actor, objOf(v), ACT_METHODS);
      writeBarrier(actor, ctor);
      store<u32>(actor, objOf(ctor), ACT_CTOR);
    } else switchesFailed++;
    // kept until the host reads them, at most a million
    const nanos = (hostClock() - load<f64>(actor, ACT_SWITCH_AT)) * 1e6;
    if (listLength(switchPauses) < 1 << 20) pushPointer(switchPauses, <u32>min<f64>(max<f64>(nanos, 0), 4e9));
  } else if (kind == FK_INIT) {
    if (ok && isObj(v) && typeOf(objOf(v)) == T_MAP) {
      writeBarrier(actor, v);
      store<u32>(actor, objOf(v), ACT_METHODS);
    } else {
      // the constructor's error is why the actor stopped: its callers are told
      if (!ok && isObj(v)) {
        writeBarrier(actor, v);
        store<u32>(actor, objOf(v), ACT_CAUSE);
      }
      stop(actor);
    }
  } else {
    settle(fut, ok, v);
    if (!early) {
      messagesEnded++;
      if (!ok) messagesFailed++;
    }
    if (!ok && !early) restart(actor);
  }
  startNext(actor);
}

/** After a failed handler: a fresh incarnation, unless the supervision limit is reached. */
function restart(actor: u32): void {
  const now = hostClock();
  const old = load<u32>(actor, ACT_RESTARTS);
  const recent = newList(4);
  if (recent == 0) {
    stop(actor);
    return;
  }
  if (old != 0) {
    for (let i: u32 = 0; i < listLen(old); i++) {
      const t = listGet(old, i);
      if (numOf(t) > now - restartWindow) listPush(recent, t);
    }
  }
  writeBarrier(actor, obj(recent));
  store<u32>(actor, recent, ACT_RESTARTS);
  if (listLen(recent) >= maxRestarts) {
    stop(actor);
    return;
  }
  listPush(recent, num(now));
  actorRestarted(actor);
  if (!construct(actor)) stop(actor);
}

/** The supervisor gives up: waiting messages and all later ones fail with 7003. */
function stop(actor: u32): void {
  if (load<u32>(actor, ACT_STOPPED) == 0) actorStopped(actor);
  store<u32>(actor, 1, ACT_STOPPED);
  let f = load<u32>(actor, ACT_HEAD);
  if (f == 0) return;
  const err = stoppedError(actor);
  store<u32>(actor, 0, ACT_HEAD);
  store<u32>(actor, 0, ACT_TAIL);
  while (f != 0) {
    const next = load<u32>(f, FB_NEXT);
    const fut = load<u32>(f, FB_FUTURE);
    freeFiber(f);
    settle(fut, false, err);
    f = next;
  }
}

function stoppedError(actor: u32): u64 {
  const cause = load<u32>(actor, ACT_CAUSE);
  let reason = S_FAILED_TOO_OFTEN;
  if (cause != 0) {
    // "its initialiser failed with error[3001]: ...", or without the error when memory is short
    reason = S_INIT_FAILED;
    const text = toStr(obj(cause));
    const joined = isObj(text) && objOf(text) != 0 ? strConcat(S_INIT_FAILED_WITH, objOf(text)) : 0;
    if (joined != 0) reason = joined;
  }
  raise2(E_ACTOR_STOPPED, obj(load<u32>(actor, ACT_NAME)), obj(reason));
  return faultError();
}
