// Persistent actors: where a pool keeps the state of actors that must survive the loss of their
// worker (a cluster keeps it in JetStream KV). Such an actor is compiled with the hidden handlers
// `__state` and `__restore` (src/compiler/actor.ts); the pool sends `__state` after each of its
// messages, on the same lane, so each answer is the state right after that message, and saves
// it; when its worker is lost, the actor starts again elsewhere and `__restore` with the last
// state saved is its first message.
import { decodeValue, encodeValue, type StoredValue, WIRE } from "../codec/value-codec.js";

export { RESTORE_HANDLER, STATE_HANDLER } from "../compiler/actor.js";

/** Where the checkpoints of a pool's persistent actors are kept. */
export interface ActorCheckpoints {
  /** The actor types (by name) that are persistent: the program is compiled with them (`persistentActors`). */
  readonly actors: ReadonlySet<string>;
  /** Keeps `state` (the value codec's bytes) as the checkpoint of actor `key`. */
  save(key: string, state: Uint8Array): Promise<void>;
  /** The last checkpoint of actor `key`, if it has one. */
  load(key: string): Promise<Uint8Array | undefined>;
}

/** One persistent actor's checkpoints: saved in order, and the state to restore when it is placed again. */
export class Checkpointing {
  /** The saves in flight, in order: a restore reads after the last of them. */
  private saving: Promise<void> = Promise.resolve();
  /** Waiting for its last checkpoint before it is placed again. */
  restoring = false;
  /** The state its next placement restores. */
  state: StoredValue | undefined;

  constructor(
    private readonly store: ActorCheckpoints,
    private readonly key: string,
  ) {}

  /** The answer of a `__state` message: the actor's state after the message before it. */
  save(state: unknown): void {
    const bytes = encodeValue(state as StoredValue, WIRE);
    // a save that fails leaves the previous checkpoint: the actor would restart from that one
    this.saving = this.saving.then(() => this.store.save(this.key, bytes)).catch(() => undefined);
  }

  /** Reads the last checkpoint (after the saves in flight) into `state`. */
  async load(): Promise<void> {
    await this.saving;
    const bytes = await this.store.load(this.key).catch(() => undefined);
    this.state = bytes ? (decodeValue(bytes, WIRE) as StoredValue) : undefined;
  }
}
