// Programs that print differently in a configuration today than in one VM, each a defect to fix:
// program (its path from the project's root, or `generated: FEATURE` for generated programs using
// that feature), configuration (a name from configurations.ts), and how it differs. They run as
// expected failures: when a fix makes one agree, its test turns red until its line goes.
// biome-ignore format: one line per known difference, so that a fix removes exactly its lines
export const KNOWN_DIFFERENCES: readonly (readonly [program: string, configuration: string, reason: string])[] = [
  ["tests/conformance/programs/21_timeout.nc", "1 worker", "an actor on a worker sees the global holding it as nil (its copy of the globals is taken at its spawn): gate.other() there is 3013, printed instead of 7002"],
  ["tests/conformance/programs/21_timeout.nc", "4 workers", "an actor on a worker sees the global holding it as nil (its copy of the globals is taken at its spawn): gate.other() there is 3013, printed instead of 7002"],
  ["tests/differential/programs/actor_awaits_itself.nc", "1 worker", "the actor's copy of the global `a` is nil: 3013 instead of the deadlock 7004"],
  ["tests/differential/programs/actor_awaits_itself.nc", "4 workers", "the actor's copy of the global `a` is nil: 3013 instead of the deadlock 7004"],
  ["tests/differential/programs/memory_limit_in_pmap.nc", "1 worker", "the same 4001, but the trace names the frames of pmap on a worker: `at pmap (<prelude>:11:11)` where one VM has `at map (<prelude>:4:27)` then `at pmap (<prelude>:12:24)`"],
  ["tests/differential/programs/memory_limit_in_pmap.nc", "4 workers", "the same 4001, but the trace names the frames of pmap on a worker: `at pmap (<prelude>:11:11)` where one VM has `at map (<prelude>:4:27)` then `at pmap (<prelude>:12:24)`"],
  ["tests/differential/programs/unawaited_task.nc", "1 worker", "the un-awaited task's `task 1` is never printed: the run ends without it"],
  ["tests/differential/programs/unawaited_task.nc", "4 workers", "the un-awaited task's `task 1` is never printed: the run ends without it"],
  ["generated: actor-awaits-itself", "1 worker", "a handler awaiting a message to its own actor (passed to it) hangs the run where one VM catches the deadlock 7004"],
  ["generated: actor-awaits-itself", "4 workers", "a handler awaiting a message to its own actor (passed to it) hangs the run where one VM catches the deadlock 7004"],
  ["generated: actor-in-global", "1 worker", "a handler calling an actor through a global sees nil there: 3013 nil has no field 'add'"],
  ["generated: actor-in-global", "4 workers", "a handler calling an actor through a global sees nil there: 3013 nil has no field 'add'"],
  ["generated: task-writes-global", "1 worker", "what a task on a worker assigns to a global stays in its copy: the program reads the old value"],
  ["generated: task-writes-global", "4 workers", "what a task on a worker assigns to a global stays in its copy: the program reads the old value"],
  ["generated: unawaited-printing-work", "1 worker", "un-awaited work that prints last is dropped: its output is missing"],
  ["generated: unawaited-printing-work", "4 workers", "un-awaited work that prints last is dropped: its output is missing"],
];

/** Why `program` differs in `configuration`, when it is known to. */
export function knownDifference(program: string, configuration: string): string | undefined {
  return KNOWN_DIFFERENCES.find(([p, c]) => p === program && c === configuration)?.[2];
}
