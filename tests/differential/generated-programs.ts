// Random concurrent programs whose output in one VM is fully determined: tasks (spawned, async,
// nested, in `all`, spawning actors of their own), actors (state, handlers that print, throw, sleep or call other actors),
// messages awaited and not, errors caught and uncaught, `timeout`, `sleep` and un-awaited work.
//
// What one VM's scheduler guarantees, and so what another configuration must keep, is the order
// of messages from one sender to one actor and the order of one task's output; which of two tasks
// running at once prints first is not, nor which of two messages from different senders an actor
// handles first, nor which of two sleeps of close lengths ends first. So the program is built of
// steps of the main program, each of which has finished printing when it ends: printing work is
// awaited before the next step, or ordered behind an awaited message from the same sender; work
// that runs at once (`all`, un-awaited tasks) prints nothing, touches each actor from one sender
// only and fails in at most one place; a `timeout` either waits far longer than its work takes or
// far shorter than a sleep of 300 ms. Un-awaited printing work comes only last.
//
// Each program also lists the features it uses, so that a feature known to differ today can be
// left out of the main property and tested on its own (known-differences.ts).
import fc from "fast-check";

/** Features a program may use that are worth telling apart when one differs. */
export const FEATURES = [
  // a task or message that prints and is never awaited, last in the program
  "unawaited-printing-work",
  // a silent task nobody awaits, still running while the program goes on
  "unawaited-task",
  // an actor's handler that awaits a message to its own actor: a deadlock (7004)
  "actor-awaits-itself",
  // a handler that calls another actor through a global holding it
  "actor-in-global",
  // a task that assigns a global, which the program reads after awaiting it
  "task-writes-global",
  // an error nobody catches ends the program (exit 1, message and trace on stderr)
  "uncaught-error",
] as const;
export type Feature = (typeof FEATURES)[number];

// ---------------------------------------------------------------- the plan

type TaskKind = "pure" | "print" | "throw" | "sleep" | "nested" | "nestedPrint" | "pair" | "callActor" | "callActorPrint" | "ownActor";
interface TaskSpec {
  kind: TaskKind;
  /** A constant of the body (a factor, a threshold, a sleep). */
  k: number;
  /** For nested kinds: which earlier task it spawns (modulo its index). */
  callee: number;
  async: boolean;
}

type MessageKind = "add" | "say" | "fail" | "get";
interface Message {
  actor: number;
  handler: MessageKind;
  arg: number;
}

type Element =
  | { type: "task"; task: number; arg: number; actor: number }
  | { type: "message"; message: Message }
  | { type: "relay"; from: number; to: number; arg: number };

type Step =
  | { kind: "print"; value: number }
  | { kind: "awaitTask"; task: number; arg: number; actor: number; caught: boolean }
  | { kind: "all"; elements: Element[] }
  | { kind: "burst"; actor: number; messages: Omit<Message, "actor">[] }
  | { kind: "relay"; from: number; to: number; arg: number; printing: boolean }
  | { kind: "spawnSilent"; task: number; arg: number }
  | { kind: "timeoutFast"; task: number; arg: number; actor: number; huge: boolean }
  | { kind: "timeoutSlow"; actor: number; message: boolean }
  | { kind: "sleep"; ms: number }
  | { kind: "selfAwait"; actor: number }
  | { kind: "globalActor"; from: number; to: number; arg: number }
  | { kind: "globalWrite"; k: number };

type Ending =
  | { kind: "none" }
  | { kind: "uncaughtTask"; task: number; arg: number; actor: number }
  | { kind: "uncaughtMessage"; actor: number; arg: number }
  | { kind: "throwMain"; code: number }
  | { kind: "unawaitedPrintTask"; task: number; arg: number; actor: number }
  | { kind: "unawaitedPrintMessage"; actor: number; arg: number };

export interface Plan {
  tasks: TaskSpec[];
  /** Each actor's initial state. */
  actors: number[];
  steps: Step[];
  ending: Ending;
}

export interface GeneratedProgram {
  source: string;
  features: Feature[];
  [fc.toStringMethod]: () => string;
}

// ---------------------------------------------------------------- what a task does, statically

/** Milliseconds of the sleep that a timeout of SHORT_TIMEOUT_MS always beats. */
const SLOW_MS = 300;
const SHORT_TIMEOUT_MS = 5;

interface Effects {
  prints: boolean;
  throws: boolean;
  usesActor: boolean;
}

/** The index of the task nested task `i` spawns (an earlier one), or undefined for the first. */
function calleeOf(plan: Plan, i: number): number | undefined {
  return i === 0 ? undefined : plan.tasks[i].callee % i;
}

/** The kind task `i` really has: a nested kind without an earlier task to call is pure. */
function kindOf(plan: Plan, i: number): TaskKind {
  const kind = plan.tasks[i].kind;
  return (kind === "nested" || kind === "nestedPrint" || kind === "pair") && calleeOf(plan, i) === undefined ? "pure" : kind;
}

/** What calling task `i` with `x` does: prints, throws, sends to its actor. */
function effects(plan: Plan, i: number, x: number): Effects {
  const { k } = plan.tasks[i];
  switch (kindOf(plan, i)) {
    case "pure":
    case "sleep":
    case "ownActor":
      return { prints: false, throws: false, usesActor: false };
    case "print":
      return { prints: true, throws: false, usesActor: false };
    case "throw":
      return { prints: false, throws: x >= k % 5, usesActor: false };
    case "callActor":
      return { prints: false, throws: false, usesActor: true };
    case "callActorPrint":
      return { prints: true, throws: false, usesActor: true };
    case "nested":
    case "nestedPrint": {
      const inner = effects(plan, calleeOf(plan, i)!, x + 1);
      return { ...inner, prints: inner.prints || kindOf(plan, i) === "nestedPrint" };
    }
    case "pair": {
      const a = effects(plan, calleeOf(plan, i)!, x);
      const b = effects(plan, calleeOf(plan, i)!, x + 1);
      return { prints: a.prints || b.prints, throws: a.throws || b.throws, usesActor: a.usesActor || b.usesActor };
    }
  }
}

/** A pair runs its callee twice at once: only when that is silent, touches no actor and fails at most once. */
function pairIsSafe(plan: Plan, i: number, x: number): boolean {
  const c = calleeOf(plan, i)!;
  const a = effects(plan, c, x);
  const b = effects(plan, c, x + 1);
  return !a.prints && !b.prints && !a.usesActor && !b.usesActor && !(a.throws && b.throws);
}

/** Whether task `i` is safe to run with `x` at all (its pairs included). */
function taskIsSafe(plan: Plan, i: number, x: number): boolean {
  const kind = kindOf(plan, i);
  if (kind === "pair") return pairIsSafe(plan, i, x) && taskIsSafe(plan, calleeOf(plan, i)!, x) && taskIsSafe(plan, calleeOf(plan, i)!, x + 1);
  if (kind === "nested" || kind === "nestedPrint") return taskIsSafe(plan, calleeOf(plan, i)!, x + 1);
  return true;
}

// ---------------------------------------------------------------- rendering

function taskName(i: number): string {
  return `t${i}`;
}

function renderTask(plan: Plan, i: number): string {
  const { k, async } = plan.tasks[i];
  const head = `${async ? "async " : ""}func ${taskName(i)}(x, act)`;
  const callee = calleeOf(plan, i);
  const call = (arg: string) => spawnCall(plan, callee!, arg, "act");
  switch (kindOf(plan, i)) {
    case "pure":
      return `${head} {\n  var s = 0\n  for i in 0..(x * 7 + ${k}) { s += i * ${k + 1} }\n  return s\n}`;
    case "print":
      return `${head} {\n  print("${taskName(i)} starts", x)\n  print("${taskName(i)} ends", x * ${k})\n  return x * ${k}\n}`;
    case "throw":
      return `${head} {\n  if x >= ${k % 5} { throw error(${4100 + i}, "${taskName(i)} refuses \${x}") }\n  return x + ${k}\n}`;
    case "sleep":
      return `${head} {\n  await sleep(${k % 3})\n  return [x, ${k}]\n}`;
    case "nested":
      return `${head} {\n  let v = await ${call("x + 1")}\n  return [v, x]\n}`;
    case "nestedPrint":
      return `${head} {\n  let v = await ${call("x + 1")}\n  print("${taskName(i)} after ${taskName(callee!)}:", v)\n  return x\n}`;
    case "pair":
      return `${head} {\n  return await all([${call("x")}, ${call("x + 1")}])\n}`;
    case "callActor":
      return `${head} {\n  return await act.add(x)\n}`;
    case "ownActor":
      // an actor of the task's own, which no one else reaches
      return `${head} {\n  let mine = spawn A0()\n  mine.add(x)\n  return await mine.add(${k})\n}`;
    case "callActorPrint":
      return `${head} {\n  let v = await act.say(x)\n  print("${taskName(i)} heard", v)\n  return v\n}`;
  }
}

/** A future of task `i` run with `arg` and actor `act`: `spawn f(...)`, or a call of an async func. */
function spawnCall(plan: Plan, i: number, arg: string, act: string): string {
  return `${plan.tasks[i].async ? "" : "spawn "}${taskName(i)}(${arg}, ${act})`;
}

function actorName(i: number): string {
  return `a${i}`;
}

function renderActor(plan: Plan, i: number, globalTarget: boolean): string {
  const name = `A${i}`;
  const lines = [
    `actor ${name} {`,
    `  var n = ${plan.actors[i]}`,
    "  func add(k) { n += k; return n }",
    "  func get() { return n }",
    `  func say(k) { print("${name} says", k, n); n += k; return n }`,
    `  func fail(k) { throw error(${4200 + i}, "${name} refuses \${k}") }`,
    `  func nap(k) { await sleep(${SLOW_MS}); return k }`,
    "  func relay(other, k) { let v = await other.add(k); return v + n }",
    `  func relaySay(other, k) { let v = await other.say(k); print("${name} relayed", v); return v + n }`,
  ];
  if (globalTarget) lines.push(`  func relayGlobal(k) { return await ${actorName((i + 1) % plan.actors.length)}.add(k) }`);
  lines.push("}");
  return lines.join("\n");
}

const caught = (body: string, label = "caught") => `try { ${body} } catch e { print("${label}", e.code, e.message) }`;

function renderMessage(m: Message): string {
  return `${actorName(m.actor)}.${m.handler}(${m.handler === "get" ? "" : m.arg})`;
}

/** Renders a plan, dropping or rewriting what would make the output depend on timing. */
export function render(plan: Plan): GeneratedProgram {
  const features = new Set<Feature>();
  const actors = plan.actors.length;
  const main: string[] = [];
  const stuck = new Set<number>();
  const live = (a: number) => !stuck.has(a % actors);
  let usesGlobalActor = false;
  let usesCounter = false;

  for (const [n, step] of plan.steps.entries()) {
    switch (step.kind) {
      case "print":
        main.push(`print("step ${n}", ${step.value})`);
        break;
      case "awaitTask": {
        const a = step.actor % actors;
        if (!live(a) || !taskIsSafe(plan, step.task, step.arg)) break;
        const body = `print(await ${spawnCall(plan, step.task, String(step.arg), actorName(a))})`;
        main.push(effects(plan, step.task, step.arg).throws || step.caught ? caught(body) : body);
        break;
      }
      case "all": {
        const { items, messaged } = allElements(plan, step.elements, live);
        if (items.length === 0) break;
        main.push(caught(`print(await all([${items.join(", ")}]))`));
        // when one fails, `all` fails at once: what the program sent after it is handled before the next step
        for (const a of messaged) main.push(`try { await ${actorName(a)}.get() } catch e { }`);
        break;
      }
      case "burst": {
        const a = step.actor % actors;
        if (!live(a) || step.messages.length === 0) break;
        for (const m of step.messages) main.push(renderMessage({ ...m, actor: a }));
        main.push(caught(`print(await ${actorName(a)}.get())`));
        break;
      }
      case "relay": {
        const from = step.from % actors;
        const to = step.to % actors;
        if (from === to || !live(from) || !live(to)) break;
        main.push(caught(`print(await ${actorName(from)}.${step.printing ? "relaySay" : "relay"}(${actorName(to)}, ${step.arg}))`));
        break;
      }
      case "spawnSilent": {
        const e = effects(plan, step.task, step.arg);
        if (e.prints || e.usesActor || !taskIsSafe(plan, step.task, step.arg)) break;
        main.push(spawnCall(plan, step.task, String(step.arg), "nil"));
        features.add("unawaited-task");
        break;
      }
      case "timeoutFast": {
        const a = step.actor % actors;
        if (!live(a) || !taskIsSafe(plan, step.task, step.arg)) break;
        main.push(caught(`print(await timeout(${spawnCall(plan, step.task, String(step.arg), actorName(a))}, ${step.huge ? "1e10" : "20000"}))`));
        break;
      }
      case "timeoutSlow": {
        const a = step.actor % actors;
        if (step.message && !live(a)) break;
        const slow = step.message ? `${actorName(a)}.nap(1)` : "spawn slow(1)";
        main.push(caught(`print(await timeout(${slow}, ${SHORT_TIMEOUT_MS}))`, "timed out"));
        break;
      }
      case "sleep":
        main.push(`await sleep(${step.ms})`);
        break;
      case "selfAwait": {
        const a = step.actor % actors;
        if (!live(a)) break;
        main.push(caught(`print(await ${actorName(a)}.relay(${actorName(a)}, 1))`));
        // the actor waits for itself for ever: nothing is sent to it again
        stuck.add(a);
        features.add("actor-awaits-itself");
        break;
      }
      case "globalActor": {
        const from = step.from % actors;
        const to = (from + 1) % actors;
        if (from === to || !live(from) || !live(to)) break;
        main.push(caught(`print(await ${actorName(from)}.relayGlobal(${step.arg}))`));
        usesGlobalActor = true;
        features.add("actor-in-global");
        break;
      }
      case "globalWrite":
        main.push(`print(await spawn bump(${step.k}), counter)`);
        usesCounter = true;
        features.add("task-writes-global");
        break;
    }
  }

  const ending = renderEnding(plan, live);
  if (ending) {
    main.push(ending.line);
    features.add(ending.feature);
  }

  const parts = [
    "// generated: a concurrent program whose output one VM determines",
    ...plan.tasks.map((_, i) => renderTask(plan, i)),
    `func slow(x) { await sleep(${SLOW_MS}); return x }`,
  ];
  if (usesCounter) parts.push("var counter = 0", "func bump(k) { counter += k; return counter }");
  for (let i = 0; i < actors; i++) parts.push(renderActor(plan, i, usesGlobalActor));
  for (let i = 0; i < actors; i++) parts.push(`let ${actorName(i)} = spawn A${i}()`);
  parts.push(...main);
  const source = parts.join("\n") + "\n";
  // fast-check shows a failing program as its source
  return { source, features: FEATURES.filter((f) => features.has(f)), [fc.toStringMethod]: () => `\n${source}` };
}

/**
 * The elements of an `all` that may run at once: silent ones, each actor reached from one sender
 * only, at most one that fails; and when one fails, no task or relay that talks to an actor
 * (it would still be running, unseen, when the next step talks to that actor).
 */
function allElements(plan: Plan, elements: Element[], live: (a: number) => boolean): { items: string[]; messaged: number[] } {
  const actors = plan.actors.length;
  const sender = new Map<number, string>();
  const claim = (actor: number, who: string) => {
    const had = sender.get(actor);
    if (had !== undefined && had !== who) return false;
    sender.set(actor, who);
    return true;
  };
  const out: string[] = [];
  let fails = false;
  let talksToActors = false;
  for (const [n, el] of elements.entries()) {
    if (el.type === "task") {
      const a = el.actor % actors;
      const task = el.task % plan.tasks.length;
      const e = effects(plan, task, el.arg);
      if (e.prints || !live(a) || !taskIsSafe(plan, task, el.arg)) continue;
      if (e.throws && (fails || talksToActors)) continue;
      if (e.usesActor && (fails || !claim(a, `task ${n}`))) continue;
      fails ||= e.throws;
      talksToActors ||= e.usesActor;
      out.push(spawnCall(plan, task, String(el.arg), e.usesActor ? actorName(a) : "nil"));
    } else if (el.type === "message") {
      const m = { ...el.message, actor: el.message.actor % actors };
      if (m.handler === "say" || !live(m.actor)) continue;
      if (m.handler === "fail" && (fails || talksToActors)) continue;
      if (!claim(m.actor, "main")) continue;
      fails ||= m.handler === "fail";
      out.push(renderMessage(m));
    } else {
      const from = el.from % actors;
      const to = el.to % actors;
      if (from === to || fails || !live(from) || !live(to)) continue;
      if (!claim(from, "main") || !claim(to, `relay ${n}`)) continue;
      talksToActors = true;
      out.push(`${actorName(from)}.relay(${actorName(to)}, ${el.arg})`);
    }
  }
  const messaged = fails ? [...sender].filter(([, who]) => who === "main").map(([a]) => a) : [];
  return { items: out, messaged };
}

function renderEnding(plan: Plan, live: (a: number) => boolean): { line: string; feature: Feature } | undefined {
  const end = plan.ending;
  const actors = plan.actors.length;
  switch (end.kind) {
    case "none":
      return undefined;
    case "uncaughtTask": {
      const a = end.actor % actors;
      // a task that does not throw here is an awaited task like any other
      if (!live(a) || !taskIsSafe(plan, end.task, end.arg) || !effects(plan, end.task, end.arg).throws) return undefined;
      return { line: `print(await ${spawnCall(plan, end.task, String(end.arg), actorName(a))})`, feature: "uncaught-error" };
    }
    case "uncaughtMessage":
      if (!live(end.actor % actors)) return undefined;
      return { line: `print(await ${actorName(end.actor % actors)}.fail(${end.arg}))`, feature: "uncaught-error" };
    case "throwMain":
      return { line: `throw error(${end.code}, "the program gives up")`, feature: "uncaught-error" };
    case "unawaitedPrintTask": {
      const a = end.actor % actors;
      if (!live(a) || !taskIsSafe(plan, end.task, end.arg) || !effects(plan, end.task, end.arg).prints) return undefined;
      return { line: spawnCall(plan, end.task, String(end.arg), actorName(a)), feature: "unawaited-printing-work" };
    }
    case "unawaitedPrintMessage":
      if (!live(end.actor % actors)) return undefined;
      return { line: `${actorName(end.actor % actors)}.say(${end.arg})`, feature: "unawaited-printing-work" };
  }
}

// ---------------------------------------------------------------- arbitraries

const small = fc.nat(9);
const index = fc.nat(7);

const taskSpec: fc.Arbitrary<TaskSpec> = fc.record({
  kind: fc.constantFrom<TaskKind>("pure", "print", "throw", "sleep", "nested", "nestedPrint", "pair", "callActor", "callActorPrint", "ownActor"),
  k: small,
  callee: index,
  async: fc.boolean(),
});

const message: fc.Arbitrary<Message> = fc.record({
  actor: index,
  handler: fc.constantFrom<MessageKind>("add", "add", "say", "fail", "get"),
  arg: small,
});

const element: fc.Arbitrary<Element> = fc.oneof(
  fc.record({ type: fc.constant("task" as const), task: index, arg: small, actor: index }),
  fc.record({ type: fc.constant("message" as const), message }),
  fc.record({ type: fc.constant("relay" as const), from: index, to: index, arg: small }),
);

/** The steps that every program may use, and those of each feature. */
function stepArbitrary(tasks: number, features: ReadonlySet<Feature>): fc.Arbitrary<Step> {
  const task = fc.nat(tasks - 1);
  const common: fc.Arbitrary<Step>[] = [
    fc.record({ kind: fc.constant("print" as const), value: small }),
    fc.record({ kind: fc.constant("awaitTask" as const), task, arg: small, actor: index, caught: fc.boolean() }),
    fc.record({ kind: fc.constant("all" as const), elements: fc.array(element, { minLength: 1, maxLength: 5 }) }),
    fc.record({
      kind: fc.constant("burst" as const),
      actor: index,
      messages: fc.array(
        message.map(({ handler, arg }) => ({ handler, arg })),
        { minLength: 1, maxLength: 4 },
      ),
    }),
    fc.record({ kind: fc.constant("relay" as const), from: index, to: index, arg: small, printing: fc.boolean() }),
    fc.record({ kind: fc.constant("timeoutFast" as const), task, arg: small, actor: index, huge: fc.boolean() }),
    fc.record({ kind: fc.constant("timeoutSlow" as const), actor: index, message: fc.boolean() }),
    fc.record({ kind: fc.constant("sleep" as const), ms: fc.nat(3) }),
  ];
  return fc.oneof(...common, ...[...features].flatMap((f) => featureSteps(f, task)));
}

function featureSteps(feature: Feature, task: fc.Arbitrary<number>): fc.Arbitrary<Step>[] {
  switch (feature) {
    case "unawaited-task":
      return [fc.record({ kind: fc.constant("spawnSilent" as const), task, arg: small })];
    case "actor-awaits-itself":
      return [fc.record({ kind: fc.constant("selfAwait" as const), actor: index })];
    case "actor-in-global":
      return [fc.record({ kind: fc.constant("globalActor" as const), from: index, to: index, arg: small })];
    case "task-writes-global":
      return [fc.record({ kind: fc.constant("globalWrite" as const), k: small })];
    default:
      return [];
  }
}

function endingArbitrary(tasks: number, features: ReadonlySet<Feature>, mayNotEnd: boolean): fc.Arbitrary<Ending> {
  const task = fc.nat(tasks - 1);
  const endings: fc.Arbitrary<Ending>[] = mayNotEnd ? [fc.constant({ kind: "none" as const })] : [];
  if (features.has("uncaught-error")) {
    endings.push(
      fc.record({ kind: fc.constant("uncaughtTask" as const), task, arg: small, actor: index }),
      fc.record({ kind: fc.constant("uncaughtMessage" as const), actor: index, arg: small }),
      fc.record({ kind: fc.constant("throwMain" as const), code: fc.integer({ min: 4300, max: 4399 }) }),
    );
  }
  if (features.has("unawaited-printing-work")) {
    endings.push(
      fc.record({ kind: fc.constant("unawaitedPrintTask" as const), task, arg: small, actor: index }),
      fc.record({ kind: fc.constant("unawaitedPrintMessage" as const), actor: index, arg: small }),
    );
  }
  return fc.oneof(...endings);
}

/**
 * Programs that may use any of `features` (and the common steps). With `required`, every program
 * uses that feature: its step is put among the others, or its ending ends the program.
 */
export function programs(features: ReadonlySet<Feature>, required?: Feature): fc.Arbitrary<GeneratedProgram> {
  const plan = fc
    .record({ taskCount: fc.integer({ min: 1, max: 5 }), actors: fc.array(small, { minLength: 1, maxLength: 3 }) })
    .chain(({ taskCount, actors }) => {
      const forcedSteps = required ? featureSteps(required, fc.nat(taskCount - 1)) : [];
      const ending = required && forcedSteps.length === 0 ? endingArbitrary(taskCount, new Set([required]), false) : endingArbitrary(taskCount, features, true);
      const steps = fc.array(stepArbitrary(taskCount, features), { minLength: 1, maxLength: 8 });
      const withForced =
        forcedSteps.length === 0
          ? steps
          : fc.tuple(steps, fc.oneof(...forcedSteps), fc.nat()).map(([s, f, at]) => [...s.slice(0, at % (s.length + 1)), f, ...s.slice(at % (s.length + 1))]);
      return fc.record({ tasks: fc.array(taskSpec, { minLength: taskCount, maxLength: taskCount }), actors: fc.constant(actors), steps: withForced, ending });
    });
  const generated = plan.map(render);
  // a forced step can still be dropped (an actor that is stuck, a task that prints nothing)
  return required ? generated.filter((p) => p.features.includes(required)) : generated;
}
