// Upgrading a running program in place (docs/upgrade.md). A version is the set of top-level
// functions and actor constructors its module installs in globals. An upgrade loads the new
// module, checks it against the live actors, tries every live actor's switch on a copy of its
// state, and only then switches: globals are repointed to the new functions (new calls run new
// code, running frames finish on the old) and each live actor switches at its next message
// boundary (the core builds the new incarnation there). A health window follows; a rollback
// goes back to the previous version the same way.
import type { NbcModule } from "../bytecode/module.js";
import type { Install } from "../compiler/codegen.js";
import type { UpgradeBase } from "../compiler/compile.js";
import { ERRORS, formatError } from "../errors/table.js";
import type { CoreExports } from "./core.js";
import * as L from "./heap-layout.generated.js";
import { NoodleRuntimeError } from "./runtime-error.js";
import type { ValueReader } from "./values.js";

/** What the upgrade needs of its VM. */
export interface UpgradeHost {
  readonly core: CoreExports;
  readonly reader: ValueReader;
  readonly modules: readonly NbcModule[];
  readonly loaded: { functions: number; structs: number[]; globals: number };
  /** Verifies and loads a module; returns its entry. Throws when it does not verify. */
  load(m: NbcModule): number;
  /** Keeps a value word alive for the host: a handle. */
  keep(word: bigint): number;
  release(handle: number): void;
  pointerOf(handle: number): number;
  setGlobalFunction(global: number, fn: number): void;
  /** Whether the program's tasks and actors may run on other VMs (a pool's workers, a cluster's nodes). */
  readonly sharesWork: boolean;
  /** Those other VMs, when they can be upgraded with this one (a pool's workers). */
  readonly peers: UpgradePeers | undefined;
  /** Whether a run is going on (then the upgrade waits for a pause between its slices). */
  readonly running: boolean;
  /** Whether no fiber runs now (the run is between slices, or there is none): the core may be changed. */
  readonly atRest: boolean;
  /** Makes the run pause for the host often (while an upgrade is under way), or as usual again. */
  pauseOften(on: boolean): void;
  /** Runs the queued fibers when no run is going on (a dry run, switches of idle actors). */
  runQueued(): void;
  /** Wakes a run waiting for the host, so that it comes back to the upgrade. */
  wake(): void;
  /** The error a failed future holds. */
  futureError(handle: number): NoodleRuntimeError | undefined;
  /** Whether the future a handle holds is settled. */
  futureSettled(handle: number): boolean;
}

/**
 * The other VMs running a program's work (a pool's workers), upgraded with the program's VM: each
 * checks the new version against its own live actors and holds it, and all switch together once
 * every one can (or none does).
 */
export interface UpgradePeers {
  /** Each peer loads `next` and tries it on its live actors: the first reason one cannot switch, or undefined. */
  check(next: ProgramVersion, current: readonly Install[], retire: readonly string[]): Promise<string | undefined>;
  /**
   * The groups of the peers that checked the version (a cluster's nodes), in the order they
   * switch: with more than one, the upgrade rolls out group by group, each after the one before
   * passed its health window.
   */
  groups(): string[];
  /** The peers (of `group` only, when given) switch to the version they checked (true), or forget it (false). */
  settle(commit: boolean, group?: string): void;
  /** Each peer goes back to its previous version (or forgets the version it holds). */
  rollback(): void;
  /** Messages to the peers' actors (of `group` only, when given) that ended, and those that failed, so far. */
  counters(group?: string): { ended: number; failed: number };
}

export interface UpgradeOptions {
  /** Actor types, or `Type.handler`s, the new version no longer has on purpose: live ones keep their code. */
  retire?: readonly string[];
  /** How long the new version is watched after the switch (default 10 000 ms). */
  healthWindowMs?: number;
  /** The share of failed messages past which it rolls back (default 0.2) ... */
  maxErrorRate?: number;
  /** ... once at least this many messages ended in the window (default 3: an actor restarts three times before its supervisor stops it). */
  minMessages?: number;
  /** Polled during the window (every turn of the run, at least every 100 ms): true rolls back (a metric's threshold). */
  rollbackWhen?: () => boolean;
}

export type UpgradeTrigger = "manual" | "file" | "error-rate" | "metric";

/** What happened to the running program's versions, for logs and metrics. */
export type UpgradeEvent =
  | { kind: "upgraded"; version: number; actors: number; pauseMs: number; trigger: UpgradeTrigger }
  | { kind: "refused"; version: number; reason: string }
  | { kind: "healthy"; version: number }
  /** A rolling upgrade switched the peers of `node` (the first with the program's VM, each next once the one before was healthy). */
  | { kind: "node-switched"; version: number; node: string }
  | { kind: "rolled-back"; from: number; to: number; trigger: UpgradeTrigger; reason: string };

export type UpgradeOutcome = { ok: true; version: number } | { ok: false; error: NoodleRuntimeError };

/** A program compiled as a version: its module and what it installs. */
export interface ProgramVersion {
  module: NbcModule;
  installs: readonly Install[];
}

interface Version {
  number: number;
  installs: readonly Install[];
  /** Actor constructor closures by type (handles), made when first needed. */
  ctors: Map<string, number>;
}

interface Pending {
  version: ProgramVersion;
  options: UpgradeOptions;
  trigger: UpgradeTrigger;
  done: (o: UpgradeOutcome) => void;
  /** After the checks: the dry runs going on, the actors and constructors kept for them. */
  trial?: { futures: { handle: number; type: string }[]; settled: number; entry: number; next: Version };
  started?: number;
  /** A peer's part of an upgrade led elsewhere: it switches only when told (`settle`) ... */
  hold?: boolean;
  /** ... once its checks passed. */
  checked?: boolean;
  /** The peers' answer to the check, once asked (the leader's side). */
  peers?: { answered: boolean; reason?: string };
}

const DEFAULTS = { healthWindowMs: 10_000, maxErrorRate: 0.2, minMessages: 3 };
/** Versions kept: the current one and the two before it. */
const KEPT = 3;

export class Upgrades {
  private readonly versions: Version[] = [];
  private queue: Pending[] = [];
  private window:
    | {
        until: number;
        ended: number;
        failed: number;
        switches: number;
        options: UpgradeOptions;
        timer: ReturnType<typeof setInterval>;
        /** A rolling upgrade: the groups of peers, and the one this window watches. */
        rolling?: { groups: string[]; at: number };
      }
    | undefined;
  private readonly listeners: ((e: UpgradeEvent) => void)[] = [];
  private counterSlot = 0;
  /** Whether the latest change was an upgrade whose actors can take back the state they had at the switch. */
  private undoable = false;

  constructor(
    private readonly host: UpgradeHost,
    first: readonly Install[],
  ) {
    this.versions.push({ number: 1, installs: first, ctors: new Map() });
  }

  /** The version running now (1 for the program as started). */
  get version(): number {
    return this.current.number;
  }

  private get current(): Version {
    return this.versions[this.versions.length - 1];
  }

  /** Calls `listener` with every upgrade, refusal, rollback and end of a health window; returns what stops it. */
  onEvent(listener: (e: UpgradeEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  private emit(e: UpgradeEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** What compiling the next version needs: the global slots by name and the counts loaded. */
  base(): UpgradeBase {
    const slots = new Map<string, number>();
    for (const m of this.host.modules) m.globals.forEach((name, i) => name !== "" && slots.set(name, m.globalBase + i));
    const { functions, structs, globals } = this.host.loaded;
    return { slots, functions, structs: structs.length, globals };
  }

  /** Upgrades the running program to `next`; settles once it switched, or was refused (1005). */
  upgrade(next: ProgramVersion, options: UpgradeOptions = {}, trigger: UpgradeTrigger = "manual"): Promise<UpgradeOutcome> {
    return this.enqueue(next, options, trigger, false);
  }

  /**
   * A peer's part of an upgrade the program's VM leads (UpgradePeers): checks `next` here and
   * tries it on this VM's live actors, then holds it until `settle`. Undefined when it can switch,
   * else the reason.
   */
  async check(next: ProgramVersion, retire: readonly string[]): Promise<string | undefined> {
    const outcome = await this.enqueue(next, { retire }, "manual", true);
    return outcome.ok ? undefined : outcome.error.message.replace(/^upgrade refused: /, "");
  }

  /** Whether a version checked by `check` waits for `settle`. */
  get holding(): boolean {
    return this.queue[0]?.checked === true;
  }

  /** Switches to the version held by `check` (true), or forgets it (false). */
  settle(commit: boolean): void {
    const p = this.queue[0];
    if (!p?.checked) return;
    if (commit) return this.switchForward(p);
    this.drop(p);
    this.finish(p, { ok: true, version: this.current.number });
  }

  private enqueue(next: ProgramVersion, options: UpgradeOptions, trigger: UpgradeTrigger, hold: boolean): Promise<UpgradeOutcome> {
    return new Promise((done) => {
      const p: Pending = { version: next, options, trigger, done, hold };
      this.queue.push(p);
      // a host function called by a synchronous run: nothing can change under its feet
      if (!this.host.running && !this.host.atRest) return this.refuse(p, "the program is in a synchronous run, which does not pause for an upgrade");
      if (!this.host.running) return this.drive();
      // the run is between slices (or waits): the checks and trials start now, and the run comes
      // back to the host often until the switch
      this.host.pauseOften(true);
      if (this.host.atRest) this.step();
      this.host.wake();
    });
  }

  /** Whether there is upgrade work for the run to do at its next pause. */
  get busy(): boolean {
    return this.queue.length > 0 || this.window !== undefined;
  }

  /** A run ended: what upgrades wait is done at once. */
  afterRun(): void {
    if (this.queue.length > 0) this.drive();
  }

  /** Without a run going on: does the work at once, running the fibers it queues. */
  private drive(): void {
    for (let i = 0; i < 10_000 && this.queue.length > 0; i++) {
      this.step();
      this.host.runQueued();
    }
  }

  /** Called by the run at a pause between slices (and by drive): advances the upgrade, checks the window. */
  step(): void {
    const p = this.queue[0];
    // a held version waits for `settle`, and one asked of the peers for their answer
    // ... and a next upgrade waits for a rolling one to be out everywhere: never more than two versions at once
    if (p && !p.checked && !(p.peers && !p.peers.answered) && !this.window?.rolling) {
      if (!p.trial) this.begin(p);
      else {
        // the trials settle about in the order they started: each one is looked at until it has
        const t = p.trial;
        while (t.settled < t.futures.length && this.host.futureSettled(t.futures[t.settled].handle)) t.settled++;
        if (t.settled === t.futures.length) this.decide(p);
      }
    }
    this.checkWindow();
  }

  private finish(p: Pending, outcome: UpgradeOutcome): void {
    const at = this.queue.indexOf(p);
    if (at >= 0) this.queue.splice(at, 1);
    if (this.queue.length === 0 && this.host.running) this.host.pauseOften(false);
    p.done(outcome);
  }

  private refuse(p: Pending, reason: string): void {
    this.drop(p);
    this.emit({ kind: "refused", version: this.current.number, reason });
    this.finish(p, { ok: false, error: new NoodleRuntimeError(ERRORS.UpgradeRefused.code, formatError("UpgradeRefused", { reason }), []) });
  }

  /** Lets go of what the trials of `p` kept. */
  private drop(p: Pending): void {
    if (p.trial) {
      for (const f of p.trial.futures) this.host.release(f.handle);
      for (const h of p.trial.next.ctors.values()) this.host.release(h);
      p.trial.futures.length = 0;
      p.trial.next.ctors.clear();
    }
  }

  /** The checks before anything changes, then the dry runs. */
  private begin(p: Pending): void {
    p.started = performance.now();
    if (this.window) this.endWindow(true);
    if (this.host.sharesWork && !this.host.peers && !p.hold)
      return this.refuse(p, "the program's tasks and actors run on other VMs (a pool's workers or a cluster's nodes), which are not upgraded");
    const { module, installs } = p.version;
    const types = new Map<string, string[]>();
    for (const i of installs) if (i.actor) types.set(i.actor.name, i.actor.handlers);
    const retired = new Set(p.options.retire ?? []);
    const live = this.liveActors();
    const exposed = this.handlersOf(this.current);
    for (const type of new Set(live.map((a) => a.type))) {
      const handlers = types.get(type);
      if (!handlers) {
        if (!retired.has(type))
          return this.refuse(p, `the new version has no actor ${type}, and live actors of that type exist (retire it to keep them on their code)`);
        continue;
      }
      const dropped = (exposed.get(type) ?? []).filter((h) => !handlers.includes(h) && !retired.has(`${type}.${h}`));
      if (dropped.length > 0) return this.refuse(p, `actor ${type} of the new version drops handler ${dropped.join(", ")}, which live actors expose`);
    }
    let entry: number;
    try {
      // a peer may have loaded it already, with the program's other modules
      entry = this.host.modules.includes(module) ? module.entry : this.host.load(module);
    } catch (e) {
      return this.refuse(p, `the new version does not verify: ${e instanceof Error ? e.message : String(e)}`);
    }
    const next: Version = { number: this.current.number + 1, installs, ctors: new Map() };
    const futures: { handle: number; type: string }[] = [];
    p.trial = { futures, settled: 0, entry, next };
    for (const a of live) {
      const ctor = this.ctorOf(next, a.type);
      if (ctor === undefined) continue;
      const fut = this.host.core.trySwitch(a.p, this.host.pointerOf(ctor));
      if (fut === 0) return this.refuse(p, "memory ran out trying the new version");
      if (fut !== 1) futures.push({ handle: this.host.keep(L.TAG_OBJ | BigInt(fut)), type: a.type });
    }
  }

  /**
   * The dry runs ended: refuse on the first that failed; else ask the peers, when there are any,
   * and switch once every one can (a held version waits for `settle` instead).
   */
  private decide(p: Pending): void {
    const trial = p.trial!;
    const peers = this.host.peers;
    if (p.peers) {
      if (p.peers.reason === undefined) return this.switchForward(p);
      peers?.settle(false);
      return this.refuse(p, p.peers.reason);
    }
    for (const f of trial.futures) {
      const error = this.host.futureError(f.handle);
      if (error) return this.refuse(p, `migrating a live actor ${f.type} fails: error[${error.code}]: ${error.message}`);
    }
    if (p.hold) {
      // checked: the leader says when to switch
      p.checked = true;
      return p.done({ ok: true, version: trial.next.number });
    }
    if (!peers) return this.switchForward(p);
    const asked: { answered: boolean; reason?: string } = { answered: false };
    p.peers = asked;
    const current = this.current.installs;
    peers.check(p.version, current, p.options.retire ?? []).then(
      (reason) => this.answered(asked, reason),
      (e: unknown) => this.answered(asked, `a worker could not check the new version: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  /** The peers answered the check: the upgrade goes on at the run's next pause, or at once without a run. */
  private answered(asked: { answered: boolean; reason?: string }, reason: string | undefined): void {
    asked.answered = true;
    asked.reason = reason;
    if (this.host.running) this.host.wake();
    else this.drive();
  }

  /** Every check passed: the switch (the peers' too), and the health window. */
  private switchForward(p: Pending): void {
    const trial = p.trial!;
    for (const f of trial.futures) this.host.release(f.handle);
    const from = this.current;
    const switched = this.switchTo(trial.next, from, false);
    this.versions.push(trial.next);
    while (this.versions.length > KEPT) this.forget(this.versions.shift()!);
    this.undoable = true;
    const pauseMs = performance.now() - (p.started ?? performance.now());
    this.emit({ kind: "upgraded", version: trial.next.number, actors: switched, pauseMs, trigger: p.trigger });
    if (p.hold) {
      // the program's VM runs the new names' code and watches the health of every VM
      return this.finish(p, { ok: true, version: trial.next.number });
    }
    const groups = this.host.peers?.groups() ?? [];
    // one group (a pool, a cluster of one node) switches at once; more roll out group by group
    this.host.peers?.settle(true, groups.length > 1 ? groups[0] : undefined);
    // the new names' values: the new version's top-level code, reduced to them, runs as a task
    this.host.core.spawnTaskOf(trial.entry, 0, 0);
    this.openWindow(p.options, groups.length > 1 ? { groups, at: 0 } : undefined);
    // a cluster's nodes say so as they switch (a pool's workers are one group without a name)
    for (const node of groups.length > 1 ? groups.slice(0, 1) : groups) if (node !== "") this.emit({ kind: "node-switched", version: trial.next.number, node });
    this.finish(p, { ok: true, version: trial.next.number });
  }

  /**
   * Goes back to the previous version kept: functions at once, each actor at its next message
   * boundary. False when there is none (or when asked from a host function of a synchronous run).
   */
  rollback(trigger: UpgradeTrigger = "manual", reason = "asked for"): boolean {
    if (this.versions.length < 2 || (!this.host.running && !this.host.atRest)) return false;
    if (this.window) this.endWindow(false);
    const from = this.versions.pop()!;
    const to = this.current;
    this.switchTo(to, from, true);
    this.host.peers?.rollback();
    this.forget(from);
    this.undoable = false;
    this.emit({ kind: "rolled-back", from: from.number, to: to.number, trigger, reason });
    if (!this.host.running) this.host.runQueued();
    else this.host.wake();
    return true;
  }

  /** Repoints the globals to `to`'s functions and marks every live actor of its types to switch. */
  private switchTo(to: Version, from: Version, back: boolean): number {
    for (const i of to.installs) this.host.setGlobalFunction(i.global, i.fn);
    let n = 0;
    const keep = back && this.undoable;
    for (const a of this.liveActors()) {
      const ctor = this.ctorOf(to, a.type);
      if (ctor === undefined || (back && this.ctorOf(from, a.type) === undefined)) continue;
      this.host.core.markSwitch(a.p, this.host.pointerOf(ctor), back ? 1 : 0, keep ? 1 : 0);
      n++;
    }
    return n;
  }

  private forget(v: Version): void {
    for (const h of v.ctors.values()) this.host.release(h);
    v.ctors.clear();
  }

  /** The handle of a closure of `v`'s constructor of actor `type`, or undefined when it has none. */
  private ctorOf(v: Version, type: string): number | undefined {
    let h = v.ctors.get(type);
    if (h !== undefined) return h;
    const install = v.installs.find((i) => i.actor?.name === type);
    if (!install) return undefined;
    h = this.host.keep(BigInt.asUintN(64, this.host.core.closureOf(install.fn)));
    v.ctors.set(type, h);
    return h;
  }

  private handlersOf(v: Version): Map<string, string[]> {
    const m = new Map<string, string[]>();
    for (const i of v.installs) if (i.actor) m.set(i.actor.name, i.actor.handlers);
    return m;
  }

  /** The live actors of this VM with their types (after a full collection). */
  private liveActors(): { p: number; type: string }[] {
    const core = this.host.core;
    const table = core.liveActors();
    if (table === 0) return [];
    const u32 = new Uint32Array(core.memory.buffer);
    const n = u32[table >>> 2];
    const out: { p: number; type: string }[] = [];
    for (let i = 1; i <= n; i++) {
      const p = u32[(table >>> 2) + i];
      out.push({ p, type: this.host.reader.string(u32[(p + L.ACT_NAME) >>> 2]) });
    }
    core.freeTable(table);
    return out;
  }

  /**
   * The pause of each actor's switch since the last call, in milliseconds: from the start of its
   * switch (at its message boundary, before any other ready fiber) to its new incarnation.
   */
  switchPauses(): number[] {
    const core = this.host.core;
    const table = core.takeSwitchPauses();
    if (table === 0) return [];
    const u32 = new Uint32Array(core.memory.buffer);
    const n = u32[table >>> 2];
    const out = Array.from(u32.subarray((table >>> 2) + 1, (table >>> 2) + 1 + n), (ns) => ns / 1e6);
    core.freeTable(table);
    return out;
  }

  // ---------------------------------------------------------------- the health window

  private counters(group?: string): { ended: number; failed: number; switches: number } {
    const core = this.host.core;
    this.counterSlot ||= core.allocTable(24);
    core.actorCounters(this.counterSlot);
    const f64 = new Float64Array(core.memory.buffer, this.counterSlot, 3);
    const elsewhere = this.host.peers?.counters(group) ?? { ended: 0, failed: 0 };
    return { ended: f64[0] + elsewhere.ended, failed: f64[1] + elsewhere.failed, switches: f64[2] };
  }

  private openWindow(options: UpgradeOptions, rolling?: { groups: string[]; at: number }): void {
    const ms = options.healthWindowMs ?? DEFAULTS.healthWindowMs;
    // while the program waits, the window is still checked (a metric may cross its threshold)
    const timer = setInterval(() => (this.host.running ? this.host.wake() : this.checkWindow()), Math.min(100, Math.max(1, ms)));
    (timer as { unref?: () => void }).unref?.();
    this.window = { until: performance.now() + ms, ...this.counters(rolling?.groups[rolling.at]), options, timer, rolling };
  }

  /** The group a rolling upgrade watched was healthy: the next one switches, and is watched in turn. */
  private rollOn(rolling: { groups: string[]; at: number }, options: UpgradeOptions): void {
    clearInterval(this.window!.timer);
    const node = rolling.groups[rolling.at + 1];
    this.host.peers?.settle(true, node);
    this.openWindow(options, { groups: rolling.groups, at: rolling.at + 1 });
    this.emit({ kind: "node-switched", version: this.current.number, node });
  }

  private endWindow(healthy: boolean): void {
    const w = this.window!;
    clearInterval(w.timer);
    this.window = undefined;
    if (healthy) this.emit({ kind: "healthy", version: this.current.number });
  }

  private checkWindow(): void {
    const w = this.window;
    if (!w) return;
    const watched = w.rolling?.groups[w.rolling.at];
    const now = this.counters(watched);
    const ended = now.ended - w.ended;
    const failed = now.failed - w.failed + (now.switches - w.switches);
    const rate = ended > 0 ? failed / ended : failed > 0 ? 1 : 0;
    const { maxErrorRate = DEFAULTS.maxErrorRate, minMessages = DEFAULTS.minMessages, rollbackWhen } = w.options;
    if (ended + (now.switches - w.switches) >= minMessages && rate > maxErrorRate) {
      const where = watched === undefined ? "" : ` of ${watched}`;
      this.rollback("error-rate", `${failed} of ${ended} messages failed in the health window${where}`);
    } else if (rollbackWhen?.()) {
      this.rollback("metric", "the metric crossed its threshold");
    } else if (performance.now() >= w.until) {
      if (w.rolling && w.rolling.at + 1 < w.rolling.groups.length) this.rollOn(w.rolling, w.options);
      else this.endWindow(true);
    }
  }
}
