// Who is in the cluster, kept in NATS itself: each node announces its record in a JetStream KV
// bucket (key: its name) every period, claiming the name with compare-and-swap; watchers see
// records come, go (a deleted key: a clean leave) and stop coming (no update for deadAfterMs by
// the watcher's own clock: a dead node). See docs/cluster.md, "Membership".
import { JetStreamApiError } from "@nats-io/jetstream";
import { type KV, type KvEntry, Kvm, type KvWatchEntry, KvWatchInclude } from "@nats-io/kv";
import type { NatsConnection, QueuedIterator } from "@nats-io/nats-core";
import { formatError } from "../errors/table.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";
import { decodeNodeRecord, encodeNodeRecord, isValidNodeRecord, type NodeRecord } from "./node-record.js";
import { NAME_PATTERN, NODES_BUCKET } from "./subjects.js";

export type { NodeRecord } from "./node-record.js";

/** How often a node announces itself. */
export const ANNOUNCE_PERIOD_MS = 250;
/** A node not heard from for this long is dead: six periods, well inside the spec's 5 s. */
export const DEAD_AFTER_MS = 1500;
/**
 * The bucket keeps a record this long after its last announcement (the stream's max_age), so the
 * records of nodes that died do not pile up and their names are free again without a wait.
 */
const RECORD_TTL_MS = 5000;

/** The membership bucket, created on first use; creating it again, or twice at once, opens it. */
export async function openNodesBucket(nc: NatsConnection): Promise<KV> {
  try {
    // on file, so that the bucket outlives a restart of the server
    return await new Kvm(nc).create(NODES_BUCKET, { history: 1, ttl: RECORD_TTL_MS, storage: "file" });
  } catch (e) {
    const detail = /jetstream.*not enabled|no responders/i.test(String(e))
      ? "JetStream is not enabled on the server (its config needs a jetstream block)"
      : String(e);
    throw unreachable(nc, detail);
  }
}

function unreachable(nc: NatsConnection, detail: string): NoodleRuntimeError {
  return new NoodleRuntimeError(7005, formatError("ClusterUnreachable", { url: `nats://${nc.getServer()}`, detail }), []);
}

function nameTaken(name: string): NoodleRuntimeError {
  return new NoodleRuntimeError(9001, formatError("BadOption", { detail: `a node named ${name} is already in the cluster` }), []);
}

/** A compare-and-swap that lost: the key's revision was not the one expected. */
function isWrongRevision(e: unknown): boolean {
  return e instanceof JetStreamApiError && (e.code === 10071 || e.code === 10164);
}

function isPresent(entry: KvEntry | null): entry is KvEntry {
  return entry !== null && entry.operation === "PUT";
}

export interface AnnounceOptions {
  /** Default 250 ms. */
  periodMs?: number;
  /** How long a record must go without an update before its name is taken over; default 1500 ms. */
  deadAfterMs?: number;
  /** Called once when another node has taken the name: announcing has stopped. */
  onLost?: () => void;
}

/** A node announcing itself: claims its name, then re-publishes `current()` every period. */
export class NodeAnnouncer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private beating: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly kv: KV,
    private readonly name: string,
    private readonly current: () => NodeRecord,
    private readonly periodMs: number,
    private readonly onLost: (() => void) | undefined,
    private revision: number,
    private lastValue: Uint8Array,
  ) {}

  /**
   * Claims the name of `current()` and starts announcing. The name is refused (9001) while a node
   * that holds it is alive; a dead one's record (no update for deadAfterMs) is taken over.
   */
  static async start(nc: NatsConnection, current: () => NodeRecord, options: AnnounceOptions = {}): Promise<NodeAnnouncer> {
    const first = current();
    if (!NAME_PATTERN.test(first.name))
      throw new NoodleRuntimeError(9001, formatError("BadOption", { detail: `a node name is 1 to 64 letters, digits, '-' or '_', not '${first.name}'` }), []);
    if (!isValidNodeRecord(first))
      throw new NoodleRuntimeError(9001, formatError("BadOption", { detail: `the record of node ${first.name} is not valid` }), []);
    const kv = await openNodesBucket(nc);
    const value = encodeNodeRecord(first);
    const revision = await claim(nc, kv, first.name, value, options.deadAfterMs ?? DEAD_AFTER_MS);
    const announcer = new NodeAnnouncer(nc, kv, first.name, current, options.periodMs ?? ANNOUNCE_PERIOD_MS, options.onLost, revision, value);
    announcer.schedule();
    // a closed connection ends the announcing, so no timer outlives it
    void nc.closed().then(() => announcer.halt());
    return announcer;
  }

  /** Stops announcing and deletes the record: the node has left. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.halt();
    await this.beating;
    if (this.nc.isClosed()) return;
    // only our own record: if the name was taken meanwhile, the delete is refused
    await this.kv.delete(this.name, { previousSeq: this.revision }).catch(() => {});
  }

  /** Stops announcing without deleting the record (it goes stale: the node is dead to others). */
  halt(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (!this.stopped) this.timer = setTimeout(() => (this.beating = this.beat()), this.periodMs);
  }

  private async beat(): Promise<void> {
    if (this.stopped || this.nc.isClosed()) return this.halt();
    try {
      const value = this.nextValue();
      try {
        this.revision = await this.kv.update(this.name, value, this.revision);
        this.lastValue = value;
      } catch (e) {
        if (!isWrongRevision(e)) throw e;
        await this.recover(value);
      }
    } catch {
      // a slow or lost connection: announce again next period; the client reconnects
    }
    this.schedule();
  }

  /**
   * The record to announce now. One that fails the checks every reader applies (a load that is not
   * a number, say) would make the node look dead: the last good one is announced instead.
   */
  private nextValue(): Uint8Array {
    try {
      const value = encodeNodeRecord({ ...this.current(), name: this.name });
      return decodeNodeRecord(value, this.name) ? value : this.lastValue;
    } catch {
      return this.lastValue;
    }
  }

  /** Our revision is not the last: find out whether the record is still ours. */
  private async recover(value: Uint8Array): Promise<void> {
    const entry = await this.kv.get(this.name);
    if (isPresent(entry) && sameBytes(entry.value, this.lastValue)) {
      // an update whose answer was lost did reach the bucket
      this.revision = entry.revision;
      return;
    }
    if (!isPresent(entry)) {
      // the record expired (this node was silent for longer than the bucket keeps records): claim again
      try {
        this.revision = await this.kv.create(this.name, value);
        this.lastValue = value;
        return;
      } catch (e) {
        if (!isWrongRevision(e)) throw e;
      }
    }
    this.halt();
    this.onLost?.();
  }
}

/** Claims `name`: creates its record, or takes over a record nobody has updated for deadAfterMs. */
async function claim(nc: NatsConnection, kv: KV, name: string, value: Uint8Array, deadAfterMs: number): Promise<number> {
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await kv.create(name, value);
      } catch (e) {
        if (!isWrongRevision(e)) throw e;
      }
      const held = await kv.get(name);
      if (!isPresent(held)) continue;
      await nextUpdate(kv, name, deadAfterMs);
      const now = await kv.get(name);
      if (!isPresent(now)) continue;
      if (now.revision !== held.revision) throw nameTaken(name);
      try {
        return await kv.update(name, value, held.revision);
      } catch (e) {
        if (isWrongRevision(e)) throw nameTaken(name);
        throw e;
      }
    }
    throw nameTaken(name);
  } catch (e) {
    if (e instanceof NoodleRuntimeError) throw e;
    throw unreachable(nc, `cannot announce node ${name}: ${String(e)}`);
  }
}

/** Waits for the next change of `key`, or `ms`, whichever comes first. */
async function nextUpdate(kv: KV, key: string, ms: number): Promise<void> {
  const updates = await kv.watch({ key, include: KvWatchInclude.UpdatesOnly });
  const timer = setTimeout(() => updates.stop(), ms);
  for await (const _ of updates) break;
  clearTimeout(timer);
  updates.stop();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export type MembershipEvent = { kind: "joined" | "left" | "dead"; node: NodeRecord };

export interface WatchOptions {
  /** A node not heard from for this long is dead; default 1500 ms. */
  deadAfterMs?: number;
}

/**
 * The live nodes, from the bucket's updates. A record already in the bucket when the watch starts
 * may be a dead node's, so a node counts as live only once an announcement of it arrives while
 * watching; `settled` waits for that.
 */
/** How late a sweep may run before it waits for what may have arrived meanwhile (ms). */
const LATE_SWEEP_MS = 200;

export class Membership {
  /** Live nodes with when their last announcement arrived (performance.now()). */
  private readonly nodes = new Map<string, { record: NodeRecord; heardAt: number }>();
  /** Records found in the bucket at the start, not yet confirmed by an announcement. */
  private readonly candidates = new Set<string>();
  private snapshotRead = false;
  private readonly listeners = new Set<(event: MembershipEvent) => void>();
  private readonly settledWaiters = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Records that failed the checks (not JSON, wrong shape, a name other than the key). */
  rejected = 0;

  private constructor(
    private readonly updates: QueuedIterator<KvWatchEntry>,
    private readonly deadAfterMs: number,
  ) {}

  static async watch(nc: NatsConnection, options: WatchOptions = {}): Promise<Membership> {
    const kv = await openNodesBucket(nc);
    let updates: QueuedIterator<KvWatchEntry>;
    let empty: boolean;
    try {
      updates = await kv.watch();
      empty = (await kv.status()).values === 0;
    } catch (e) {
      throw unreachable(nc, `cannot watch the nodes: ${String(e)}`);
    }
    const membership = new Membership(updates, options.deadAfterMs ?? DEAD_AFTER_MS);
    if (empty) membership.snapshotRead = true;
    void membership.follow();
    return membership;
  }

  /** The live nodes, by name. */
  live(): NodeRecord[] {
    return [...this.nodes.values()].map((n) => n.record).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Calls `cb` on every join, leave and death; returns the function that stops it. */
  onChange(cb: (event: MembershipEvent) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /**
   * Resolves once every record found in the bucket at the start is confirmed by an announcement
   * or has been deleted, or after `waitMs`: the nodes not heard from by then are not live.
   */
  settled(waitMs: number = this.deadAfterMs): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.settledWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.settledWaiters.add(done);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.updates.stop();
    for (const done of [...this.settledWaiters]) done();
  }

  private isSettled(): boolean {
    return this.closed || (this.snapshotRead && this.candidates.size === 0);
  }

  private async follow(): Promise<void> {
    try {
      for await (const entry of this.updates) this.take(entry);
    } catch {
      // the connection closed under the watch
    }
    await this.close();
  }

  private take(entry: KvWatchEntry): void {
    if (this.closed) return;
    const name = entry.key;
    if (entry.operation !== "PUT") {
      this.candidates.delete(name);
      const gone = this.nodes.get(name);
      if (gone) {
        this.nodes.delete(name);
        this.emit({ kind: "left", node: gone.record });
      }
    } else {
      const record = decodeNodeRecord(entry.value, name);
      if (!record) this.rejected++;
      else if (!entry.isUpdate) this.candidates.add(name);
      else {
        this.candidates.delete(name);
        const known = this.nodes.has(name);
        this.nodes.set(name, { record, heardAt: performance.now() });
        if (!known) this.emit({ kind: "joined", node: record });
        this.timer ??= this.sweepIn(this.deadAfterMs);
      }
    }
    if (entry.isUpdate || entry.delta === 0) this.snapshotRead = true;
    if (this.isSettled()) for (const done of [...this.settledWaiters]) done();
  }

  /** Declares dead the nodes not heard from for deadAfterMs, and waits for the next one due. */
  private sweep(): void {
    this.timer = undefined;
    if (this.closed) return;
    const now = performance.now();
    // a sweep that comes late found this process too busy to read what arrived: announcements
    // may be waiting unread, so no node is judged before they have had their turn
    if (now - this.sweepDue > LATE_SWEEP_MS) {
      this.timer = this.sweepIn(LATE_SWEEP_MS);
      return;
    }
    let nextDue = Number.POSITIVE_INFINITY;
    for (const [name, n] of this.nodes) {
      const due = n.heardAt + this.deadAfterMs;
      if (due <= now) {
        this.nodes.delete(name);
        this.emit({ kind: "dead", node: n.record });
      } else nextDue = Math.min(nextDue, due);
    }
    if (nextDue !== Number.POSITIVE_INFINITY && !this.closed) this.timer = this.sweepIn(nextDue - now);
  }

  private sweepIn(ms: number): ReturnType<typeof setTimeout> {
    this.sweepDue = performance.now() + ms;
    return setTimeout(() => this.sweep(), ms);
  }

  /** When the next sweep should run (performance.now()). */
  private sweepDue = 0;

  private emit(event: MembershipEvent): void {
    for (const cb of [...this.listeners]) {
      try {
        cb(event);
      } catch {
        // one listener's failure must not stop the others, nor the watch
      }
    }
  }
}

export interface ListOptions {
  /** How long to wait for the nodes found in the bucket to announce themselves; default 1500 ms. */
  waitMs?: number;
}

/**
 * The live nodes, once: those whose announcement arrives within `waitMs` (a node killed before
 * the call is not listed, however recent its record), sorted by name.
 */
export async function listNodes(nc: NatsConnection, options: ListOptions = {}): Promise<NodeRecord[]> {
  const waitMs = options.waitMs ?? DEAD_AFTER_MS;
  const membership = await Membership.watch(nc, { deadAfterMs: waitMs });
  try {
    await membership.settled(waitMs);
    return membership.live();
  } finally {
    await membership.close();
  }
}
