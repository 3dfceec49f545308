// A pool's worker on another machine: a worker thread of a cluster node, reached over NATS. The
// pool sees an endpoint like any other; messages travel encoded (wire-message.ts) in frames that
// carry the session's token. What the pool posts before the node has started the worker waits
// here: the worker may not be listening yet.

import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import type { WorkerEndpoint } from "../concurrency/endpoint.js";
import { subjects } from "./subjects.js";
import { FrameAssembler, frameMessage } from "./wire-frames.js";
import { decodeMessage, encodeMessage } from "./wire-message.js";

/** What a node's worker says about itself outside the pool's protocol. */
export interface WorkerExit {
  t: "worker-exit";
  reason: string;
}

/** The session a remote worker belongs to, as its endpoint needs it. */
export interface SessionLink {
  readonly nc: NatsConnection;
  readonly session: string;
  readonly token: Uint8Array;
  /** Asks `node` to start worker `worker` of the session; resolves once it listens. */
  open(node: string, worker: string): Promise<void>;
  /** Tells `node` the session no longer needs worker `worker`. */
  release(node: string, worker: string): void;
  /** Counts a frame or message that was refused (wrong token, malformed). */
  refused(reason: string): void;
  /** Messages of the session's workers sent and received (for its metrics). */
  readonly traffic: { sent: number; received: number };
}

export class RemoteEndpoint implements WorkerEndpoint {
  onmessage: ((message: unknown) => void) | undefined;
  onexit: ((reason: string) => void) | undefined;
  /** Frames posted before the worker listens, in order. */
  private waiting: Uint8Array[] | undefined = [];
  private readonly subscription: Subscription;
  private readonly ending: Subscription;
  private readonly assembler: FrameAssembler;
  private readonly to: string;
  private nextMessage = 0;
  private endedYet = false;
  retiring = false;

  /** The node the worker is on, once chosen. */
  node: string | undefined;

  constructor(
    private readonly link: SessionLink,
    readonly worker: string,
    node: string | Promise<string>,
  ) {
    // a node chosen now counts at once against its free workers
    if (typeof node === "string") this.node = node;
    this.to = subjects.toWorker(link.session, worker);
    this.assembler = new FrameAssembler(link.token);
    this.subscription = link.nc.subscribe(subjects.fromWorker(link.session, worker), { callback: (_, msg) => this.hear(msg.data) });
    // the node says so when the worker ended by itself (a crash): signed like the worker's frames
    const endings = new FrameAssembler(link.token);
    this.ending = link.nc.subscribe(subjects.workerEnded(link.session, worker), {
      callback: (_, msg) => {
        const whole = endings.push(msg.data);
        if (!whole) return;
        try {
          const exit = decodeMessage(whole) as WorkerExit;
          if (exit?.t === "worker-exit") this.end(`worker ${this.worker} on node ${this.node} ended: ${exit.reason}`);
        } catch (e) {
          this.link.refused(`a node's notice about worker ${this.worker} does not decode: ${(e as Error).message}`);
        }
      },
    });
    Promise.resolve(node)
      .then((name) => {
        this.node = name;
        if (this.endedYet) return;
        return link.open(name, worker).then(
          () => this.listening(),
          (e: Error) => this.end(`node ${name} did not start a worker: ${e.message}`),
        );
      })
      .catch((e: Error) => this.end(e.message));
  }

  /** Frames refused: another session's token, or not a frame at all. */
  get framesRefused(): number {
    return this.assembler.rejected;
  }

  get ended(): boolean {
    return this.endedYet;
  }

  postMessage(message: unknown): void {
    if (this.endedYet) return;
    const frames = frameMessage(encodeMessage(message), this.link.token, this.nextMessage++, this.link.nc.info?.max_payload ?? 1 << 20);
    this.link.traffic.sent++;
    if (this.waiting) this.waiting.push(...frames);
    else for (const f of frames) this.link.nc.publish(this.to, f);
  }

  terminate(): void {
    this.end("terminated");
  }

  /** The node was found dead: the worker is gone with it (or, if the node lives on, it is told to end it). */
  lost(reason: string): void {
    this.end(reason);
  }

  private listening(): void {
    const frames = this.waiting;
    this.waiting = undefined;
    if (this.endedYet || !frames) return;
    for (const f of frames) this.link.nc.publish(this.to, f);
  }

  private hear(frame: Uint8Array): void {
    if (this.endedYet) return;
    const whole = this.assembler.push(frame);
    if (!whole) return;
    let message: unknown;
    try {
      message = decodeMessage(whole);
    } catch (e) {
      return this.link.refused(`a message from worker ${this.worker} does not decode: ${(e as Error).message}`);
    }
    this.link.traffic.received++;
    this.onmessage?.(message);
  }

  private end(reason: string): void {
    if (this.endedYet) return;
    this.endedYet = true;
    if (this.node !== undefined) this.link.release(this.node, this.worker);
    this.waiting = undefined;
    this.subscription.unsubscribe();
    this.ending.unsubscribe();
    this.onexit?.(reason);
  }
}
