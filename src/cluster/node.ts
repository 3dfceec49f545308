// A cluster node: it announces itself (membership.ts) and starts worker threads for the programs
// that ask (one per open request of a session), each serving its program's pool over NATS
// directly. It stops a session's workers when the program closes the session or stops saying it
// is alive, and tells the program when one of them ends by itself. Draining, it leaves the
// membership (programs place nothing new here), refuses new workers and waits for the sessions
// it holds to end. It is the same on every platform: the platform supplies the connection and
// the threads (src/node/cluster-threads.ts in Node, web-threads.ts in browsers).

import type { NatsConnection } from "@nats-io/nats-core";
import type { WorkerStats } from "../concurrency/protocol.js";
import type { WorkerPolicy } from "../concurrency/worker-host.js";
import type { LogEvent } from "../logs/event-log.js";
import { NodeAnnouncer, type NodeRecord } from "./membership.js";
import type { WorkerExit } from "./remote-endpoint.js";
import { type OpenReply, readCloseRequest, readOpenRequest, SESSION_SILENT_MS } from "./session.js";
import { subjects } from "./subjects.js";
import { frameMessage } from "./wire-frames.js";
import { encodeMessage } from "./wire-message.js";

/** What a worker thread of a node is told when it starts, before it serves any program. */
export interface NodeThreadData {
  url: string;
  node: string;
  policy: WorkerPolicy;
}

/** The program a started thread is then given to serve. */
export interface ThreadAssignment {
  session: string;
  worker: string;
  token: Uint8Array;
}

/**
 * A worker thread as the node sees it. Threads start ahead of need (connected, their core
 * loaded), so that a program's request for a worker costs a message, not a thread's start.
 */
export interface NodeThread {
  /** Serves `assignment`; resolves once the thread listens on its subject, rejects if it ends first. */
  assign(assignment: ThreadAssignment): Promise<void>;
  /** Called once when the thread ends for any reason. */
  onexit: ((reason: string) => void) | undefined;
  /** What the thread's worker has done, as it last reported. */
  stats(): WorkerStats | undefined;
  /** Frames and messages it refused (another session's token, malformed), as it last reported. */
  refused(): number;
  terminate(): void;
}

export type StartThread = (data: NodeThreadData) => NodeThread;

export interface NodeOptions {
  /** The cluster's URL, with credentials (workers connect with it too). */
  url: string;
  name: string;
  /** Workers offered to each program (threads started per session at most). */
  workers: number;
  labels?: string[];
  /** Limits and capabilities of programs running here, whatever they ask. */
  policy?: WorkerPolicy;
  /** Told of the node's runtime events: a worker ended by itself, frames refused (see src/logs/). */
  events?: LogEvent;
  /** This node's metrics as Prometheus text, answered to `noodle cluster metrics` (subjects.metrics). */
  metrics?: () => string;
}

/** What a node holds and has done, for its metrics. */
export interface NodeHealth {
  sessions: number;
  /** Threads serving a program, and threads started ahead of need. */
  busy: number;
  spare: number;
  /** Worker threads that ended by themselves (not stopped by the node or their program). */
  workersLost: number;
  /** Frames and messages the node's workers refused (another session's token, malformed). */
  refused: number;
  tasksRun: number;
  messages: number;
}

interface Session {
  threads: Map<string, NodeThread>;
  token: Uint8Array;
  heardAt: number;
}

export class ClusterNode {
  private readonly sessions = new Map<string, Session>();
  private readonly startedAt = Date.now();
  private readonly reaper: ReturnType<typeof setInterval>;
  private announcer: NodeAnnouncer | undefined;
  private draining = false;
  /** Threads started ahead of need, each taken by the next request for a worker. */
  private readonly spares: NodeThread[] = [];
  private drained: (() => void) | undefined;
  /** Total of what ended sessions' workers did, so the node's counts only grow. */
  private readonly past = { tasksRun: 0, actors: 0, messages: 0, refused: 0 };
  /** Threads the node or their program stopped: their end is no loss. */
  private readonly stopping = new WeakSet<NodeThread>();
  private workersLost = 0;
  /** Frames refused as last logged. */
  private refusedLogged = 0;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly options: NodeOptions,
    private readonly startThread: StartThread,
  ) {
    nc.subscribe(subjects.open(options.name), {
      callback: (_, msg) => {
        void Promise.resolve(this.open(msg.data)).then((reply) => msg.respond(JSON.stringify(reply)));
      },
    });
    nc.subscribe(subjects.close(options.name), { callback: (_, msg) => this.closeRequested(msg.data) });
    const metrics = options.metrics;
    if (metrics) nc.subscribe(subjects.metrics(options.name), { callback: (_, msg) => void msg.respond(metrics()) });
    nc.subscribe(subjects.alive("*"), {
      callback: (_, msg) => {
        const s = this.sessions.get(msg.subject.split(".")[2]);
        if (s) s.heardAt = Date.now();
      },
    });
    this.reaper = setInterval(() => this.reap(), SESSION_SILENT_MS / 5);
  }

  /** Joins the cluster over `nc` as `options.name`; a name held by a live node is refused. */
  static async start(nc: NatsConnection, options: NodeOptions, startThread: StartThread): Promise<ClusterNode> {
    const node = new ClusterNode(nc, options, startThread);
    node.warm();
    try {
      node.announcer = await NodeAnnouncer.start(nc, () => node.record());
    } catch (e) {
      await node.stop();
      throw e;
    }
    return node;
  }

  get name(): string {
    return this.options.name;
  }

  /** What the node announces: its workers, how many are in use, and what they did. */
  record(): NodeRecord {
    let threads = 0;
    let { tasksRun, actors } = this.past;
    for (const s of this.sessions.values()) {
      threads += s.threads.size;
      for (const t of s.threads.values()) {
        const stats = t.stats();
        tasksRun += stats?.tasksRun ?? 0;
        actors += stats?.actors ?? 0;
      }
    }
    const { name, workers, labels = [] } = this.options;
    return { name, workers, load: threads / workers, tasks: tasksRun, actors, startedAt: this.startedAt, labels };
  }

  /** What the node holds and has done, summed over its sessions' threads and those that ended. */
  health(): NodeHealth {
    let { tasksRun, messages, refused } = this.past;
    let busy = 0;
    for (const s of this.sessions.values()) {
      busy += s.threads.size;
      for (const t of s.threads.values()) {
        tasksRun += t.stats()?.tasksRun ?? 0;
        messages += t.stats()?.messages ?? 0;
        refused += t.refused();
      }
    }
    return { sessions: this.sessions.size, busy, spare: this.spares.length, workersLost: this.workersLost, refused, tasksRun, messages };
  }

  /** Stops taking work and resolves once every session held here has ended. */
  async drain(): Promise<void> {
    this.draining = true;
    for (const t of this.spares.splice(0)) t.terminate();
    await this.announcer?.stop();
    this.announcer = undefined;
    if (this.sessions.size > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.stop();
  }

  /** Leaves the cluster by draining (what a page calls to leave). */
  close(): Promise<void> {
    return this.drain();
  }

  /** Leaves at once: every worker ends. */
  async stop(): Promise<void> {
    clearInterval(this.reaper);
    this.draining = true;
    for (const t of this.spares.splice(0)) t.terminate();
    await this.announcer?.stop();
    for (const session of [...this.sessions.keys()]) this.endSession(session);
    await this.nc.drain().catch(() => undefined);
  }

  private open(data: Uint8Array): OpenReply | Promise<OpenReply> {
    const request = readOpenRequest(data);
    if (!request) return { ok: false, error: "not an open request" };
    if (this.draining) return { ok: false, error: `node ${this.name} is draining` };
    let session = this.sessions.get(request.session);
    if (session && !sameBytes(session.token, request.tokenBytes)) return { ok: false, error: "the session has another token" };
    if (!session) this.sessions.set(request.session, (session = { threads: new Map(), token: request.tokenBytes, heardAt: Date.now() }));
    if (session.threads.has(request.worker)) return { ok: false, error: `worker ${request.worker} exists` };
    if (session.threads.size >= this.options.workers) return { ok: false, error: `node ${this.name} has no worker free for the session` };
    const thread = this.spares.shift() ?? this.spare();
    this.warm();
    session.threads.set(request.worker, thread);
    thread.onexit = (reason) => this.threadEnded(request.session, request.worker, thread, reason);
    return thread.assign({ session: request.session, worker: request.worker, token: session.token }).then(
      (): OpenReply => ({ ok: true }),
      (e: Error): OpenReply => ({ ok: false, error: e.message }),
    );
  }

  /** Starts threads until as many wait as one program may take. */
  private warm(): void {
    while (!this.draining && this.spares.length < this.options.workers) this.spares.push(this.spare());
  }

  /** A thread started ahead of need; one that ends before it is needed leaves the spares. */
  private spare(): NodeThread {
    const thread = this.startThread({ url: this.options.url, node: this.name, policy: this.options.policy ?? {} });
    thread.onexit = () => {
      const i = this.spares.indexOf(thread);
      if (i >= 0) this.spares.splice(i, 1);
    };
    return thread;
  }

  private closeRequested(data: Uint8Array): void {
    const request = readCloseRequest(data);
    if (!request) return;
    const session = this.sessions.get(request.session);
    if (!session) return;
    if (request.worker === undefined) return this.endSession(request.session);
    const thread = session.threads.get(request.worker);
    if (thread) this.endThread(thread);
  }

  private threadEnded(sessionName: string, worker: string, thread: NodeThread, reason: string): void {
    const session = this.sessions.get(sessionName);
    if (!session || session.threads.get(worker) !== thread) return;
    session.threads.delete(worker);
    const stats = thread.stats();
    this.past.tasksRun += stats?.tasksRun ?? 0;
    this.past.actors += stats?.actors ?? 0;
    this.past.messages += stats?.messages ?? 0;
    this.past.refused += thread.refused();
    if (!this.stopping.has(thread)) {
      this.workersLost++;
      this.options.events?.("warn", "worker_lost", { session: sessionName, worker, reason });
    } else this.options.events?.("debug", "worker_ended", { session: sessionName, worker, reason });
    // the program's endpoint learns that its worker is gone
    if (!this.nc.isClosed()) {
      const exit: WorkerExit = { t: "worker-exit", reason };
      for (const f of frameMessage(encodeMessage(exit), session.token, 0, 1 << 20)) this.nc.publish(subjects.workerEnded(sessionName, worker), f);
    }
    if (session.threads.size === 0) this.sessions.delete(sessionName);
    if (this.sessions.size === 0) this.drained?.();
  }

  private endSession(name: string): void {
    const session = this.sessions.get(name);
    if (!session) return;
    for (const thread of session.threads.values()) this.endThread(thread);
  }

  /** Ends a thread on purpose (its session closed or fell silent): no loss to log. */
  private endThread(thread: NodeThread): void {
    this.stopping.add(thread);
    thread.terminate();
  }

  private reap(): void {
    const now = Date.now();
    for (const [name, session] of this.sessions) if (now - session.heardAt > SESSION_SILENT_MS) this.endSession(name);
    // refused frames are logged as they are reported, not one line per frame
    const { refused } = this.health();
    if (refused > this.refusedLogged) this.options.events?.("warn", "frames_refused", { count: refused - this.refusedLogged, total: refused });
    this.refusedLogged = refused;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
