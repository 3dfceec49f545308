// The runtime's own series for one VM: instructions run, heap, collections and their pauses, tasks
// and actors by state, mailboxes, and what the compiled tier did. Every value is read from the
// core when the registry is rendered (the core keeps the counts; see assembly/vm/counters.ts), so
// a run pays nothing for them between scrapes.
import type { VM } from "../runtime/vm.js";
import type { MetricsRegistry } from "./registry.js";

/** Fiber kinds and states as the core numbers them (assembly/vm/fiber.ts). */
const KINDS = 4;
const STATES = 5;
const K_MAIN = 0;
const K_TASK = 1;
const K_INIT = 2;
const K_MESSAGE = 3;
const S_NEW = 0;
const S_READY = 1;
const S_RUNNING = 2;
const S_BLOCKED = 3;
const S_MAILBOX = 4;

/** Series of `vm` in `registry`, read from its core at each rendering; returns what stops reading them. */
export function observeVm(registry: MetricsRegistry, vm: VM): () => void {
  const core = vm.core;
  const instructions = registry.counter("noodle_instructions_total", "Instructions run (loop bodies and calls, as the step budget counts them)");
  const heap = registry.gauge("noodle_heap_bytes", "Heap bytes: in use by live values, and committed by the VM's memory", ["kind"]);
  const collections = registry.counter("noodle_gc_collections_total", "Full garbage collections");
  const bounds = pauseBounds(vm);
  const pauses = registry.histogram(
    "noodle_gc_pause_seconds",
    "Pauses of full garbage collections",
    bounds.map((ms) => ms / 1000),
  );
  const tasks = registry.gauge("noodle_tasks", "Tasks (the main program included) by state", ["state"]);
  const actors = registry.gauge("noodle_actors", "Actors of this VM by state: handling a message, idle, or stopped by their supervisor", ["state"]);
  const restarts = registry.counter("noodle_actor_restarts_total", "Actor restarts after a handler failed");
  const started = registry.counter("noodle_actors_started_total", "Actors started in this VM");
  const mailbox = registry.gauge("noodle_mailbox_messages", "Messages waiting in actors' mailboxes");
  const deepest = registry.gauge("noodle_mailbox_depth_max", "Messages waiting in the fullest mailbox");
  const jitCompiled = registry.counter("noodle_jit_compiled_total", "Functions tiered up to compiled code");
  const jitRefused = registry.counter("noodle_jit_refused_total", "Functions the compiler gave up on");
  const jitDeopts = registry.counter("noodle_jit_deopts_total", "Times compiled code handed its frame back to the interpreter");
  const jitAbandoned = registry.counter("noodle_jit_abandoned_total", "Functions left to the interpreter after deoptimising too often");
  const jitSeconds = registry.counter("noodle_jit_compile_seconds_total", "Time spent compiling functions");

  return registry.addCollector(() => {
    instructions.setTotal(core.stepsExecuted());
    heap.set(core.heapInUse(), ["in_use"]);
    heap.set(core.heapCommitted(), ["committed"]);
    collections.setTotal(core.collectionCount());
    const table = new Float64Array(core.memory.buffer, core.gcPauseTable(), 2 * bounds.length + 2);
    pauses.load(table.subarray(bounds.length, 2 * bounds.length + 1), table[2 * bounds.length + 1] / 1000);

    const fibers = fiberStates(vm);
    const of = (kind: number, state: number) => fibers[kind * STATES + state];
    const task = (state: number) => of(K_MAIN, state) + of(K_TASK, state);
    tasks.set(task(S_NEW) + task(S_READY), ["queued"]);
    tasks.set(task(S_RUNNING), ["running"]);
    tasks.set(task(S_BLOCKED), ["blocked"]);
    let busy = 0;
    for (const kind of [K_INIT, K_MESSAGE]) for (const state of [S_NEW, S_READY, S_RUNNING, S_BLOCKED]) busy += of(kind, state);
    const stopped = core.actorCount(2);
    actors.set(busy, ["busy"]);
    actors.set(Math.max(0, core.actorCount(0) - stopped - busy), ["idle"]);
    actors.set(stopped, ["stopped"]);
    started.setTotal(core.actorCount(0));
    restarts.setTotal(core.actorCount(1));
    mailbox.set(of(K_MESSAGE, S_MAILBOX));
    deepest.set(fibers[KINDS * STATES]);

    const jit = vm.jitStats();
    jitCompiled.setTotal(jit.compiled);
    jitRefused.setTotal(jit.refused);
    jitDeopts.setTotal(jit.deopts);
    jitAbandoned.setTotal(jit.abandoned);
    jitSeconds.setTotal(jit.compileMs.reduce((a, b) => a + b, 0) / 1000);
  });
}

/** The upper bounds (ms) of the core's pause buckets. */
function pauseBounds(vm: VM): number[] {
  const n = vm.core.gcPauseBuckets();
  return [...new Float64Array(vm.core.memory.buffer, vm.core.gcPauseTable(), n)];
}

const scratch = new WeakMap<VM, number>();

/** The core's counts of fibers by kind and state, and the deepest mailbox last. */
function fiberStates(vm: VM): Uint32Array {
  let at = scratch.get(vm);
  if (at === undefined) {
    at = vm.core.allocTable((KINDS * STATES + 1) * 4);
    scratch.set(vm, at);
  }
  vm.core.fiberStates(at);
  return new Uint32Array(vm.core.memory.buffer, at, KINDS * STATES + 1);
}
