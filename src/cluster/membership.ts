// TEMPORARY STUB (not committed)

import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { NODES_BUCKET } from "./subjects.js";
export interface NodeRecord {
  name: string;
  workers: number;
  load: number;
  tasks: number;
  actors: number;
  startedAt: number;
  labels: string[];
}
async function bucket(nc: NatsConnection): Promise<KV> {
  return new Kvm(nc).create(NODES_BUCKET, { ttl: 10_000 });
}
export class NodeAnnouncer {
  private timer: ReturnType<typeof setInterval> | undefined;
  private constructor(
    private readonly kv: KV,
    private readonly name: string,
  ) {}
  static async start(nc: NatsConnection, current: () => NodeRecord, options: { periodMs?: number } = {}): Promise<NodeAnnouncer> {
    const kv = await bucket(nc);
    const r = current();
    const a = new NodeAnnouncer(kv, r.name);
    await kv.put(r.name, JSON.stringify(current()));
    a.timer = setInterval(() => void kv.put(r.name, JSON.stringify(current())).catch(() => {}), options.periodMs ?? 250);
    return a;
  }
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.kv.delete(this.name).catch(() => {});
  }
}
type Change = { kind: "joined" | "left" | "dead"; node: NodeRecord };
export class Membership {
  private readonly nodes = new Map<string, { node: NodeRecord; at: number }>();
  private readonly listeners = new Set<(c: Change) => void>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopWatch: (() => void) | undefined;
  static async watch(nc: NatsConnection, options: { deadAfterMs?: number } = {}): Promise<Membership> {
    const m = new Membership();
    const kv = await bucket(nc);
    const dead = options.deadAfterMs ?? 1500;
    const w = await kv.watch();
    m.stopWatch = () => w.stop();
    let initial = true;
    const seeded = new Promise<void>((r) => setTimeout(r, 100));
    void (async () => {
      for await (const e of w) {
        if (e.operation === "PUT") {
          const node = JSON.parse(e.string()) as NodeRecord;
          const had = m.nodes.has(e.key);
          m.nodes.set(e.key, { node, at: Date.now() });
          if (!had && !initial) m.emit({ kind: "joined", node });
        } else {
          const had = m.nodes.get(e.key);
          m.nodes.delete(e.key);
          if (had) m.emit({ kind: "left", node: had.node });
        }
      }
    })();
    await seeded;
    initial = false;
    m.timer = setInterval(() => {
      for (const [k, v] of m.nodes)
        if (Date.now() - v.at > dead) {
          m.nodes.delete(k);
          m.emit({ kind: "dead", node: v.node });
        }
    }, 100);
    return m;
  }
  private emit(c: Change) {
    for (const l of this.listeners) l(c);
  }
  live(): NodeRecord[] {
    return [...this.nodes.values()].map((v) => v.node);
  }
  onChange(cb: (c: Change) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.stopWatch?.();
  }
}
