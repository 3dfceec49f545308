// A program's side of a cluster: a pool whose workers are worker threads of the cluster's nodes.
// Each run is a session: the nodes start workers for it on request, drop them when it closes or
// stops saying it is alive, and the pool places tasks and actors across all of them as it does
// across local threads (least-loaded worker for tasks, fewest actors for actors). A node found
// dead takes its workers with it; the pool replaces them on the nodes that remain.

import type { NatsConnection } from "@nats-io/nats-core";
import type { WorkerEndpoint } from "../concurrency/endpoint.js";
import { type AttachOptions, Pool } from "../concurrency/pool.js";
import { ERRORS, formatError } from "../errors/table.js";
import type { LogEvent } from "../logs/event-log.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";
import type { VM } from "../runtime/vm.js";
import { KvCheckpoints } from "./actor-store.js";
import { connectCluster, parseClusterUrl } from "./connect.js";
import { Membership, type NodeRecord } from "./membership.js";
import { RemoteEndpoint, type SessionLink } from "./remote-endpoint.js";
import { type OpenReply, type OpenRequest, SESSION_ALIVE_MS, toBase64 } from "./session.js";
import { subjects } from "./subjects.js";
import { newToken } from "./wire-frames.js";

export interface ClusterOptions {
  /** At most this many workers for the run (default: every worker the nodes offer). */
  workers?: number;
  /** How long to wait for the server and for a first node (ms, default 2000). */
  timeoutMs?: number;
  /** How many times a task whose node is lost runs again on another (default 3; out of retries it fails with 7001). */
  taskRetries?: number;
  /** Which nodes the run's workers are on (default "spread"). */
  placement?: Placement;
  /**
   * Actor types (by name) whose state is checkpointed to JetStream KV after each message and
   * restored when their node is lost; compile the program with the same `persistentActors`.
   */
  persistentActors?: readonly string[];
  /** Told of the run's runtime events: nodes joining, leaving and found dead, workers lost, tasks run again (see src/logs/). */
  events?: LogEvent;
}

/**
 * Where a run's workers go: "spread" over all nodes (each next worker on the node with most
 * workers free), "pack" onto as few nodes as will hold them, or only the node named, or the
 * nodes with the label (`noodle node --label`).
 */
export type Placement = "spread" | "pack" | { node: string } | { label: string };

/** How long a node may take to start a worker, or the cluster to have a node with one free, before the pool gives up on it (ms). */
const OPEN_TIMEOUT_MS = 10_000;
/** Tasks and messages in flight per worker: enough to keep a worker a network away busy. */
const WORKER_WINDOW = 256;
/** How often a worker waiting for a node looks again (ms). */
const NODE_POLL_MS = 100;

export class Cluster implements SessionLink {
  readonly session = randomName();
  readonly token = newToken();
  /** Frames and messages refused (wrong token, malformed), with the last reason. */
  refusals = 0;
  lastRefusal = "";
  /** Messages of the run's workers sent and received, ended workers' included. */
  readonly traffic = { sent: 0, received: 0 };
  /** Frames refused by workers that ended (`framesRefused` counts the live ones). */
  private refusedByEnded = 0;
  private readonly events: LogEvent | undefined;
  private readonly endpoints = new Set<RemoteEndpoint>();
  private readonly alive: ReturnType<typeof setInterval>;
  private nextWorker = 0;
  private poolOf: Pool | undefined;
  private checkpoints: KvCheckpoints | undefined;
  private closed = false;

  private constructor(
    readonly nc: NatsConnection,
    readonly membership: Membership,
    private readonly placement: Placement,
    /** The most workers the run takes (`workers`), however many the nodes offer. */
    private readonly maxWorkers: number,
    events: LogEvent | undefined,
  ) {
    this.events = events;
    this.alive = setInterval(() => this.nc.publish(subjects.alive(this.session)), SESSION_ALIVE_MS);
    membership.onChange(({ kind, node }) => {
      events?.(kind === "dead" ? "warn" : "info", `node_${kind}`, { peer: node.name });
      if (kind === "joined") this.nodeJoined();
      if (kind === "dead") this.nodeGone(node.name, `node ${node.name} stopped answering`);
      // a node that left is draining: what it holds finishes there, nothing new goes to it
      if (kind === "left") for (const e of this.endpoints) if (e.node === node.name) e.retiring = true;
    });
  }

  /**
   * Connects to the cluster at `url` (credentials in the URL) and starts a worker on its nodes
   * for this run. No server reachable, or no node in it, is 7005; refused credentials are 6002.
   */
  static async connect(url: string, options: ClusterOptions = {}): Promise<Cluster> {
    const timeoutMs = options.timeoutMs ?? 2000;
    const nc = await connectCluster(url, { timeoutMs });
    let membership: Membership | undefined;
    try {
      membership = await Membership.watch(nc);
      // every node already in the cluster, once each has announced itself since the watch began
      await membership.settled();
      const placement = options.placement ?? "spread";
      const nodes = await firstFitting(membership, placement, timeoutMs);
      if (nodes.length === 0) throw unreachable(url, `no node has joined it (start one with \`noodle node --nats URL\`)`);
      const eligible = nodes.filter((node) => fits(node, placement));
      if (eligible.length === 0)
        throw unreachable(url, `no node fits the placement ${JSON.stringify(placement)} (nodes: ${nodes.map((n) => n.name).join(", ")})`);
      const cluster = new Cluster(nc, membership, placement, options.workers ?? Infinity, options.events);
      if (options.persistentActors?.length) cluster.checkpoints = await KvCheckpoints.open(nc, cluster.session, options.persistentActors);
      const offered = eligible.reduce((n, node) => n + node.workers, 0);
      cluster.poolOf = await Pool.create({
        workers: Math.min(offered, options.workers ?? offered),
        endpoints: () => cluster.endpoint(),
        sharedMemory: false,
        taskRetries: options.taskRetries ?? 3,
        busySpawns: "wait",
        busyAt: WORKER_WINDOW,
        checkpoints: cluster.checkpoints,
        events: options.events,
      });
      return cluster;
    } catch (e) {
      await membership?.close();
      await nc.close();
      throw e;
    }
  }

  /** The pool of the cluster's workers this run uses. */
  get pool(): Pool {
    return this.poolOf!;
  }

  /** Lets `vm`'s programs spawn their tasks and actors on the cluster (and `pmap` there). */
  attach(vm: VM, options: AttachOptions = {}): void {
    this.pool.attach(vm, { tasks: true, ...options });
    vm.clusterView = { here: "local", nodes: () => this.membership.live() };
  }

  /** Ends the session: the nodes stop its workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.alive);
    await this.poolOf?.close();
    await this.checkpoints?.close();
    await this.membership.close();
    await this.nc.drain().catch(() => undefined);
  }

  open(node: string, worker: string): Promise<void> {
    const request: OpenRequest = { session: this.session, worker, token: toBase64(this.token) };
    return this.nc.request(subjects.open(node), JSON.stringify(request), { timeout: OPEN_TIMEOUT_MS }).then((reply) => {
      const answer = reply.json<OpenReply>();
      if (!answer.ok) throw new Error(answer.error);
    });
  }

  release(node: string, worker: string): void {
    if (!this.nc.isClosed()) this.nc.publish(subjects.close(node), JSON.stringify({ session: this.session, worker }));
  }

  /** Frames the run's workers' endpoints refused (not signed with the session's token, or not frames). */
  framesRefused(): number {
    let n = 0;
    for (const e of this.endpoints) n += e.framesRefused;
    return n;
  }

  refused(reason: string): void {
    this.refusals++;
    this.lastRefusal = reason;
    this.events?.("warn", "message_refused", { reason });
  }

  /** Live nodes, and frames and messages refused so far, ended workers' included (for the run's metrics). */
  health(): { nodes: number; refused: number } {
    return { nodes: this.membership.live().length, refused: this.refusals + this.refusedByEnded + this.framesRefused() };
  }

  /** A worker on the node with the most workers free for this run, or on the first to have one (see laterNode). */
  private endpoint(): WorkerEndpoint {
    const endpoint = new RemoteEndpoint(this, `w${this.nextWorker++}`, this.freeNode() ?? this.laterNode());
    this.endpoints.add(endpoint);
    return endpoint;
  }

  /** The node with the most workers still free for this run, if one has any. */
  private freeNode(): string | undefined {
    for (const e of this.endpoints)
      if (e.ended) {
        this.refusedByEnded += e.framesRefused;
        this.endpoints.delete(e);
      }
    const using = new Map<string, number>();
    for (const e of this.endpoints) if (e.node !== undefined) using.set(e.node, (using.get(e.node) ?? 0) + 1);
    // spread: the node with most workers free; pack: the node with fewest free (the fullest that has room)
    const pack = this.placement === "pack";
    let best: NodeRecord | undefined;
    let bestFree = 0;
    for (const node of this.membership.live()) {
      if (!fits(node, this.placement)) continue;
      const free = node.workers - (using.get(node.name) ?? 0);
      if (free > 0 && (!best || (pack ? free < bestFree || (free === bestFree && node.name < best.name) : free > bestFree))) [best, bestFree] = [node, free];
    }
    return best?.name;
  }

  /** When no node has a worker free (nodes lost, or all taken): the first to have one within OPEN_TIMEOUT_MS. */
  private async laterNode(): Promise<string> {
    const until = Date.now() + OPEN_TIMEOUT_MS;
    for (;;) {
      await new Promise((r) => setTimeout(r, NODE_POLL_MS));
      const node = this.freeNode();
      if (node !== undefined) return node;
      if (this.closed || Date.now() > until) throw new Error("no node of the cluster has a worker free");
    }
  }

  /**
   * A node joined (or came back): the run takes the workers the nodes now offer beyond those it
   * has, up to its `workers`, and places new work on them as on the others.
   */
  private nodeJoined(): void {
    if (!this.poolOf || this.closed) return;
    const offered = this.membership.live().reduce((n, node) => n + (fits(node, this.placement) ? node.workers : 0), 0);
    const more = Math.min(offered, this.maxWorkers) - this.pool.size;
    if (more > 0) void this.pool.grow(more);
  }

  private nodeGone(node: string, reason: string): void {
    for (const e of this.endpoints) if (e.node === node) e.lost(reason);
  }
}

/** Whether `node` may hold workers of a run placed so. */
function fits(node: NodeRecord, placement: Placement): boolean {
  if (typeof placement === "string") return true;
  return "node" in placement ? node.name === placement.node : node.labels.includes(placement.label);
}

/** The nodes live now; when none is yet, the first to join within `timeoutMs`. */
/**
 * The live nodes once one of them fits the placement, or when `timeoutMs` has passed: a node
 * that was slow to announce itself while the membership settled (a busy page, say) still counts.
 */
function firstFitting(membership: Membership, placement: Placement, timeoutMs: number): Promise<NodeRecord[]> {
  const anyFits = () => membership.live().some((node) => fits(node, placement));
  if (anyFits()) return Promise.resolve(membership.live());
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(membership.live());
    }, timeoutMs);
    const stop = membership.onChange(({ kind }) => {
      if (kind !== "joined" || !anyFits()) return;
      clearTimeout(timer);
      stop();
      resolve(membership.live());
    });
  });
}

function unreachable(url: string, detail: string): NoodleRuntimeError {
  return new NoodleRuntimeError(ERRORS.ClusterUnreachable.code, formatError("ClusterUnreachable", { url: parseClusterUrl(url).shown, detail }), []);
}

function randomName(): string {
  return [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
