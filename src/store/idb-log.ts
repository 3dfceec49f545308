// A store's log in IndexedDB (browsers), through idb. Each sync puts the bytes written since the
// last one as one entry, keyed by their offset in the log, in a transaction with strict
// durability; the whole log is read into memory when the store opens, so reads are synchronous.
// An IndexedDB transaction commits entirely or not at all, so the log never has a torn tail.
import { type IDBPDatabase, openDB } from "idb";
import { HostError } from "../runtime/host-calls.js";
import { ChunkLog, type LogDevice } from "./log-device.js";
import { concatBytes } from "./log-format.js";

const ENTRIES = "log";

export class IdbLog extends ChunkLog implements LogDevice {
  /** Bytes already in IndexedDB; what follows was written since the last sync. */
  private synced = 0;
  /** The last sync or truncation still in flight: they apply in order. */
  private pending: Promise<void> = Promise.resolve();

  private constructor(
    readonly name: string,
    private readonly db: IDBPDatabase,
  ) {
    super();
  }

  /** Opens (creating when missing) the IndexedDB database that holds the store `name`. */
  static async open(name: string): Promise<IdbLog> {
    const db = await openDB(`noodle-store:${name}`, 1, {
      upgrade(d) {
        d.createObjectStore(ENTRIES);
      },
    });
    const log = new IdbLog(name, db);
    const tx = db.transaction(ENTRIES, "readonly");
    const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
    keys.forEach((key, i) => {
      const bytes = values[i];
      if (key !== log.size || !(bytes instanceof Uint8Array)) {
        db.close();
        throw HostError.of("CorruptData", `${name}: IndexedDB entry ${String(key)} does not continue the log at byte ${log.size}`);
      }
      log.add(bytes);
    });
    log.synced = log.size;
    return log;
  }

  write(parts: Uint8Array[]): void {
    this.add(concatBytes(parts));
  }

  writeAt(offset: number, bytes: Uint8Array): void {
    if (offset < this.synced) throw new RangeError(`${this.name}: bytes at ${offset} are synced already`);
    this.patch(offset, bytes);
  }

  sync(): Promise<void> {
    if (this.synced === this.size) return this.pending;
    const at = this.synced;
    const bytes = this.read(at, this.size - at);
    this.synced = this.size;
    return this.enqueue(async () => {
      const tx = this.db.transaction(ENTRIES, "readwrite", { durability: "strict" });
      await Promise.all([tx.store.put(bytes, at), tx.done]);
    });
  }

  truncate(size: number): Promise<void> {
    this.cut(size);
    if (size >= this.synced) return this.pending;
    this.synced = size;
    return this.enqueue(async () => {
      const tx = this.db.transaction(ENTRIES, "readwrite", { durability: "strict" });
      const keys = await tx.store.getAllKeys();
      for (const key of keys as number[]) {
        if (key >= size) await tx.store.delete(key);
        else {
          const bytes = (await tx.store.get(key)) as Uint8Array;
          if (key + bytes.length > size) await tx.store.put(bytes.slice(0, size - key), key);
        }
      }
      await tx.done;
    });
  }

  replace(bytes: Uint8Array): Promise<void> {
    this.cut(0);
    this.add(bytes.slice());
    this.synced = this.size;
    return this.enqueue(async () => {
      const tx = this.db.transaction(ENTRIES, "readwrite", { durability: "strict" });
      await Promise.all([tx.store.clear(), tx.store.put(bytes, 0), tx.done]);
    });
  }

  close(): Promise<void> {
    return this.enqueue(async () => this.db.close());
  }

  /** Runs a step after every earlier one; a failure shows to its caller, not to later steps. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.pending.then(step);
    this.pending = next.catch(() => {});
    return next;
  }
}
