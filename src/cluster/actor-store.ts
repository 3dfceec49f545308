// The checkpoints of a run's persistent actors, in a JetStream KV bucket: one key per actor,
// `<session>.<actor>`, holding its state as the value codec's bytes. A run deletes its keys when
// it closes; the bucket drops any left by a run that died after a day.
import type { KV } from "@nats-io/kv";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { ActorCheckpoints } from "../concurrency/actor-checkpoints.js";
import { ACTORS_BUCKET } from "./subjects.js";

/** How long a checkpoint outlives its last save (ms): a run that died leaves nothing for ever. */
const CHECKPOINT_TTL_MS = 24 * 3600 * 1000;

export class KvCheckpoints implements ActorCheckpoints {
  private readonly keys = new Set<string>();

  private constructor(
    private readonly kv: KV,
    private readonly session: string,
    readonly actors: ReadonlySet<string>,
  ) {}

  /** The checkpoints of session `session`'s actors of the types `actors`. */
  static async open(nc: NatsConnection, session: string, actors: Iterable<string>): Promise<KvCheckpoints> {
    const kv = await new Kvm(nc).create(ACTORS_BUCKET, { history: 1, ttl: CHECKPOINT_TTL_MS, storage: "file" });
    return new KvCheckpoints(kv, session, new Set(actors));
  }

  async save(key: string, state: Uint8Array): Promise<void> {
    this.keys.add(key);
    await this.kv.put(`${this.session}.${key}`, state);
  }

  async load(key: string): Promise<Uint8Array | undefined> {
    const entry = await this.kv.get(`${this.session}.${key}`);
    return entry?.operation === "PUT" ? entry.value : undefined;
  }

  /** Deletes the run's checkpoints. */
  async close(): Promise<void> {
    await Promise.all([...this.keys].map((k) => this.kv.purge(`${this.session}.${k}`).catch(() => undefined)));
  }
}
