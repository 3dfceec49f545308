// A store of values under string keys, with transactions and MQL queries.
//
// Values live in an append-only log (log-format.ts) on a LogDevice: a commit appends one record
// and is durable when the device says so, so its cost follows what changed, not the store's size.
// The index lives in an in-memory SQLite database (sql.js) as the table MQL reads,
// `objects(key, type, dtype, rows, cols, shape, value, meta, created, updated)`, where `value` is
// a small reference into the log; opening a store rebuilds it from the log's directories.
// Transactions are SQLite transactions on the index plus a record being built; nested ones are
// savepoints. Callers that interleave (async code, tasks) go through `transaction`, which runs
// one transaction at a time: serializable by construction.

import { decodeValue, encodeValue, type StoredValue, SUMMARY_PREFIX, summarizeEncoded, ValueEncoder } from "../codec/value-codec.js";
import { HostError } from "../runtime/host-calls.js";
import { checksum } from "./checksum.js";
import type { ArrayKernels } from "./kernels.js";
import type { LogDevice } from "./log-device.js";
import {
  checkFileHeader,
  concatBytes,
  decodeRef,
  encodeRef,
  FILE_HEADER_SIZE,
  fileHeader,
  type LogOp,
  OP_DELETE,
  OP_PUT,
  RECORD_HEADER_SIZE,
  RECORD_MAGIC,
  type ReadOp,
  RecordBuilder,
  readDirectory,
  readRecordHeader,
  type ValueRef,
} from "./log-format.js";
import { type QueryContext, runQuery } from "./mql.js";
import type { Database, SqlJsStatic, SqlValue, Statement } from "./sqlite.js";

type MaybePromise = void | Promise<void>;

const SCHEMA = `CREATE TABLE objects(
  key TEXT PRIMARY KEY, type TEXT NOT NULL, dtype TEXT, rows INTEGER, cols INTEGER, shape TEXT,
  value BLOB NOT NULL, meta BLOB, created REAL NOT NULL, updated REAL NOT NULL)`;

interface StoredRow {
  ref: ValueRef;
  created: number;
  meta: Uint8Array | null;
}

export interface StoreEntry {
  key: string;
  type: string;
  dtype?: string;
  shape?: number[];
  /** Size of the value's encoding. */
  bytes: number;
  created: number;
  updated: number;
}

export interface StoreStats {
  keys: number;
  /** Bytes of the log, and of the values it holds that are still current. */
  logBytes: number;
  liveBytes: number;
}

export class Store {
  private readonly db: Database;
  private record: RecordBuilder | undefined;
  private readonly savepoints: (ReturnType<RecordBuilder["mark"]> & { logSize: number })[] = [];
  private liveBytes = 0;
  private closed = false;
  /** What MQL's functions use: registered with the index database once, at the first query. */
  private readonly queryContext: QueryContext;
  /** Values are encoded here and written to the log at once, so one buffer serves them all. */
  private readonly encoder = new ValueEncoder();
  /** Prepared statements by their text: preparing one costs more than running it. */
  private readonly statements = new Map<string, Statement>();
  /** The tail of the queue of `transaction` callers. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    sql: SqlJsStatic,
    private readonly device: LogDevice,
    readonly kernels: ArrayKernels,
    private readonly now: () => number,
  ) {
    this.db = new sql.Database();
    this.db.run(SCHEMA);
    this.queryContext = { value: (ref) => this.decode(this.valueBytes(ref), "?"), kernels };
  }

  /** Runs a statement of the index; its first row, if any. */
  private sql(text: string, params: SqlValue[] = []): SqlValue[] | undefined {
    let stmt = this.statements.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      this.statements.set(text, stmt);
    }
    stmt.bind(params);
    try {
      return stmt.step() ? stmt.get() : undefined;
    } finally {
      stmt.reset();
    }
  }

  /** Every row of a query of the index. */
  private rows(text: string, params: SqlValue[] = []): SqlValue[][] {
    return this.db.exec(text, params)[0]?.values ?? [];
  }

  /**
   * Opens the store on a loaded device: writes the header of a new log, checks an old one, drops
   * a torn last record and rebuilds the index. A damaged or foreign log is 8004, naming it.
   */
  static open(device: LogDevice, sql: SqlJsStatic, kernels: ArrayKernels, now: () => number = Date.now): Store {
    const s = new Store(sql, device, kernels, now);
    try {
      // Asynchronous devices (IndexedDB) apply these in order before any later append completes.
      if (device.size === 0 && !device.readOnly) {
        device.write([fileHeader()]);
        settle(device.sync());
      }
      if (device.size > 0) {
        const reason = checkFileHeader(device.read(0, Math.min(device.size, FILE_HEADER_SIZE)));
        if (reason) throw s.corrupt(reason);
      }
      const end = s.rebuildIndex();
      if (end < device.size && !device.readOnly) settle(device.truncate(end));
    } catch (e) {
      s.db.close();
      settle(device.close());
      throw e;
    }
    return s;
  }

  get name(): string {
    return this.device.name;
  }

  private corrupt(detail: string): HostError {
    return HostError.of("CorruptData", `${this.device.name}: ${detail}`);
  }

  /** Replays every record's directory into the index; returns where the valid log ends. */
  private rebuildIndex(): number {
    const size = this.device.size;
    let at = FILE_HEADER_SIZE;
    this.db.run("BEGIN");
    while (at < size) {
      const tornHere = (why: string): number => {
        // only the last append can be incomplete: anything else is damage
        if (at + RECORD_HEADER_SIZE > size || this.isLastRecord(at)) return at;
        throw this.corrupt(`${why} at byte ${at}`);
      };
      if (at + RECORD_HEADER_SIZE > size) break;
      const header = readRecordHeader(this.device.read(at, RECORD_HEADER_SIZE));
      if (typeof header === "string") return this.commitIndex(tornHere(header));
      if (at + header.size > size) return this.commitIndex(tornHere("record runs past the end of the log"));
      const ops = readDirectory(header, this.device.read(at + RECORD_HEADER_SIZE + header.dataBytes, header.dirBytes), at);
      if (typeof ops === "string") return this.commitIndex(tornHere(ops));
      if (at + header.size === size && !ops.every((op) => op.kind !== OP_PUT || this.checksumOk(op.ref))) {
        return this.commitIndex(at); // the last record's values were not all written
      }
      for (const op of ops) this.applyToIndex(op);
      at += header.size;
    }
    return this.commitIndex(at);
  }

  private commitIndex(end: number): number {
    this.db.run("COMMIT");
    return end;
  }

  /** Whether no valid record follows the place `at` (so what is there was the last append). */
  private isLastRecord(at: number): boolean {
    // A torn append leaves garbage only up to the end of the log: look for any later record,
    // reading the rest of the log a block at a time and checking only where the magic is.
    const size = this.device.size;
    const BLOCK = 1 << 20;
    for (let start = at + 8; start + RECORD_HEADER_SIZE <= size; start += BLOCK) {
      const block = this.device.read(start, Math.min(BLOCK, size - start));
      const words = new Uint32Array(block.buffer, block.byteOffset, block.length >>> 2);
      for (let w = 0; w < words.length; w += 2) {
        if (words[w] !== RECORD_MAGIC) continue;
        const p = start + w * 4;
        if (p + RECORD_HEADER_SIZE > size) break;
        const h = readRecordHeader(this.device.read(p, RECORD_HEADER_SIZE));
        if (typeof h === "string" || p + h.size > size) continue;
        if (typeof readDirectory(h, this.device.read(p + RECORD_HEADER_SIZE + h.dataBytes, h.dirBytes), p) !== "string") return false;
      }
    }
    return true;
  }

  private checksumOk(ref: ValueRef): boolean {
    return checksum(this.device.read(ref.offset, ref.length)) === ref.sum;
  }

  private applyToIndex(op: ReadOp): void {
    if (op.kind === OP_DELETE) {
      this.removeRow(op.key);
      return;
    }
    const head = this.device.read(op.ref.offset, Math.min(op.ref.length, SUMMARY_PREFIX));
    let summary: ReturnType<typeof summarizeEncoded>;
    try {
      summary = summarizeEncoded(head);
    } catch (e) {
      throw this.corrupt(`value of key ${JSON.stringify(op.key)}: ${(e as Error).message}`);
    }
    this.writeRow(op.key, summary, op.ref, op.meta, op.created, op.updated, this.row(op.key));
  }

  /** Sets a key's row; `old` is its current row (looked up by the caller, who needed it too). */
  private writeRow(
    key: string,
    s: ReturnType<typeof summarizeEncoded>,
    ref: ValueRef,
    meta: Uint8Array | undefined,
    created: number,
    updated: number,
    old: StoredRow | undefined,
  ): void {
    if (old) this.liveBytes -= old.ref.length;
    const matrix = s.type === "matrix" && s.shape;
    this.sql("INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
      key,
      s.type,
      s.dtype ?? null,
      matrix ? s.shape![0] : null,
      matrix ? s.shape![1] : null,
      s.shape ? JSON.stringify(s.shape) : null,
      encodeRef(ref),
      meta ?? null,
      created,
      updated,
    ]);
    this.liveBytes += ref.length;
  }

  /** Removes a key's row; returns its creation time, or undefined when there was none. */
  private removeRow(key: string): number | undefined {
    const old = this.row(key);
    if (!old) return undefined;
    this.liveBytes -= old.ref.length;
    this.sql("DELETE FROM objects WHERE key = ?", [key]);
    return old.created;
  }

  private row(key: string): StoredRow | undefined {
    const r = this.sql("SELECT value, created, meta FROM objects WHERE key = ?", [key]);
    if (!r) return undefined;
    return { ref: decodeRef(r[0] as Uint8Array)!, created: r[1] as number, meta: r[2] as Uint8Array | null };
  }

  private checkOpen(): void {
    if (this.closed) throw HostError.of("StoreClosed", this.device.name);
  }

  // ------------------------------------------------------------ reading

  /** The bytes of a value in the log (committed or written by the open transaction), checked. */
  valueBytes(ref: ValueRef, key = "?"): Uint8Array {
    const bytes = this.device.read(ref.offset, ref.length);
    if (checksum(bytes) !== ref.sum) throw this.corrupt(`value of key ${JSON.stringify(key)} fails its checksum`);
    return bytes;
  }

  /** The value stored under `key`; 8001 when there is none. */
  get(key: string): StoredValue {
    this.checkOpen();
    const r = this.row(key);
    if (!r) throw HostError.of("MissingStoredKey", JSON.stringify(key));
    return this.decode(this.valueBytes(r.ref, key), key);
  }

  /** The metadata map stored with `key` (empty when none); 8001 when the key is missing. */
  meta(key: string): StoredValue {
    this.checkOpen();
    const r = this.row(key);
    if (!r) throw HostError.of("MissingStoredKey", JSON.stringify(key));
    return r.meta ? this.decode(r.meta, key) : new Map();
  }

  decode(bytes: Uint8Array, key: string): StoredValue {
    try {
      return decodeValue(bytes);
    } catch (e) {
      throw this.corrupt(`value of key ${JSON.stringify(key)}: ${(e as Error).message}`);
    }
  }

  has(key: string): boolean {
    this.checkOpen();
    return this.sql("SELECT 1 FROM objects WHERE key = ?", [key]) !== undefined;
  }

  /** Keys that start with `prefix`, in order. */
  keys(prefix = ""): string[] {
    this.checkOpen();
    return this.rows("SELECT key FROM objects WHERE substr(key, 1, ?) = ? ORDER BY key", [prefix.length, prefix]).map((r) => r[0] as string);
  }

  /**
   * Runs an MQL query (a single SELECT over `objects`); rows as maps of column to value. With a
   * memory limit (bytes), a query that needs more fails with 4001.
   */
  query(sql: string, params: StoredValue[] = [], memoryLimit = 0): Map<string, StoredValue>[] {
    this.checkOpen();
    return runQuery(this.db, sql, params, this.queryContext, memoryLimit);
  }

  /** What the index knows of every key, in key order, without reading any value. */
  entries(): StoreEntry[] {
    return this.rows("SELECT key, type, dtype, shape, value, created, updated FROM objects ORDER BY key").map((r) => ({
      key: r[0] as string,
      type: r[1] as string,
      dtype: (r[2] as string | null) ?? undefined,
      shape: r[3] === null ? undefined : (JSON.parse(r[3] as string) as number[]),
      bytes: decodeRef(r[4] as Uint8Array)!.length,
      created: r[5] as number,
      updated: r[6] as number,
    }));
  }

  stats(): StoreStats {
    const keys = this.sql("SELECT count(*) FROM objects")![0] as number;
    return { keys, logBytes: this.device.size, liveBytes: this.liveBytes };
  }

  // ------------------------------------------------------------ writing

  /** Stores `value` under `key` with optional metadata (a map); in its own transaction if none is open. */
  put(key: string, value: StoredValue, meta?: StoredValue): MaybePromise {
    this.checkOpen();
    const bytes = encodeStorable(value, this.encoder);
    const metaBytes = meta === undefined || meta === null || (meta instanceof Map && meta.size === 0) ? undefined : encodeStorable(meta);
    return this.inTransaction(() => {
      const time = this.now();
      const old = this.row(key);
      const created = old?.created ?? time;
      const ref = this.addToRecord({ kind: OP_PUT, key, value: bytes, meta: metaBytes, created, updated: time })!;
      this.writeRow(key, summarizeEncoded(bytes), ref, metaBytes, created, time, old);
    });
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: string): boolean | Promise<boolean> {
    this.checkOpen();
    if (!this.has(key)) return false;
    const done = this.inTransaction(() => {
      this.addToRecord({ kind: OP_DELETE, key });
      this.removeRow(key);
    });
    return done instanceof Promise ? done.then(() => true) : true;
  }

  /** Adds an operation to the open transaction, writing its value out to the log at once. */
  private addToRecord(op: LogOp): ValueRef | undefined {
    const record = this.record!;
    try {
      if (this.device.size === record.at) this.device.write(record.start());
      const put = record.add(op);
      if (put) this.device.write(put.parts);
      return put?.ref;
    } catch (e) {
      if (e instanceof HostError) throw e;
      throw HostError.of("CommitFailed", `${this.device.name}: ${(e as Error).message}`);
    }
  }

  private inTransaction(change: () => void): MaybePromise {
    const own = this.record === undefined;
    if (own) this.begin();
    try {
      change();
    } catch (e) {
      if (own) this.rollback();
      throw e;
    }
    return own ? this.commit() : undefined;
  }

  /** Told of each transaction made durable, with how long its commit took (ms). */
  observeCommits(observer: ((ms: number) => void) | undefined): void {
    this.commitObserver = observer;
  }
  private commitObserver: ((ms: number) => void) | undefined;

  /** Whether a transaction is open. */
  get inProgress(): boolean {
    return this.record !== undefined;
  }

  /** Opens a transaction, or a savepoint inside the open one. */
  begin(): void {
    this.checkOpen();
    if (this.device.readOnly) throw HostError.of("CommitFailed", `${this.device.name} is open read-only`);
    if (this.record) {
      this.savepoints.push({ ...this.record.mark(), logSize: this.device.size });
      this.db.run(`SAVEPOINT s${this.savepoints.length}`);
      return;
    }
    this.db.run("BEGIN");
    this.record = new RecordBuilder(this.device.size);
  }

  /**
   * Commits the innermost transaction. The outermost one writes its record's directory and
   * header and syncs the log: durable when this returns (or its promise resolves); 8003 if not.
   */
  commit(): MaybePromise {
    const record = this.record;
    if (!record) throw HostError.of("CommitFailed", "no transaction is open");
    if (this.savepoints.length) {
      this.db.run(`RELEASE s${this.savepoints.length}`);
      this.savepoints.pop();
      return;
    }
    let finish = (): void => {
      this.db.run("COMMIT");
      this.record = undefined;
    };
    const failed = (e: unknown): never => {
      this.rollback();
      throw HostError.of("CommitFailed", `${this.device.name}: ${(e as Error).message}`);
    };
    if (record.isEmpty) {
      if (this.device.size > record.at) settle(this.device.truncate(record.at)); // a header with nothing after it
      return finish();
    }
    const observer = this.commitObserver;
    if (observer) {
      // timed from here to durable: what a caller of commit waits for
      const started = performance.now();
      const done = finish;
      finish = () => {
        done();
        observer(performance.now() - started);
      };
    }
    let synced: MaybePromise;
    try {
      const { directory, header } = record.finish();
      this.device.write([directory]);
      this.device.writeAt(record.at, header);
      synced = this.device.sync();
    } catch (e) {
      return failed(e);
    }
    if (synced instanceof Promise) return synced.then(finish, failed);
    finish();
  }

  /** Undoes the innermost transaction (back to its savepoint, or all of it) and what it wrote. */
  rollback(): void {
    const record = this.record;
    if (!record) return;
    const mark = this.savepoints.pop();
    if (mark) {
      const n = this.savepoints.length + 1;
      this.db.run(`ROLLBACK TO s${n}`);
      this.db.run(`RELEASE s${n}`);
      record.rollbackTo(mark);
      this.cutLog(mark.logSize);
      return;
    }
    this.db.run("ROLLBACK");
    this.record = undefined;
    this.cutLog(record.at);
    this.recountLive();
  }

  /** Drops what a rolled back transaction wrote; if that fails, reopening drops it anyway. */
  private cutLog(size: number): void {
    if (this.device.size <= size) return;
    try {
      settle(this.device.truncate(size));
    } catch {
      // an unsynced, unfinished record at the end is a torn tail to the next open
    }
  }

  private recountLive(): void {
    this.liveBytes = this.rows("SELECT value FROM objects").reduce((n, r) => n + decodeRef(r[0] as Uint8Array)!.length, 0);
  }

  /**
   * Runs `fn` as one transaction, after every transaction started earlier this way has ended:
   * commits when it returns (or its promise resolves), rolls back and re-throws when it throws.
   * `fn` gets a `savepoint` function that runs a nested transaction the same way.
   */
  transaction<T>(fn: (tx: { savepoint: <U>(inner: () => U | Promise<U>) => Promise<U> }) => T | Promise<T>): Promise<T> {
    const turn = this.queue.then(() => this.atomically(() => fn({ savepoint: (inner) => this.atomically(inner) })));
    this.queue = turn.catch(() => {});
    return turn;
  }

  private async atomically<T>(fn: () => T | Promise<T>): Promise<T> {
    this.begin();
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      this.rollback();
      throw e;
    }
    await this.commit();
    return result;
  }

  /** Rewrites the log with only the current values (space of overwritten and deleted ones back). */
  async compact(): Promise<void> {
    this.checkOpen();
    if (this.record) throw HostError.of("CommitFailed", "cannot compact during a transaction");
    const rows = this.rows("SELECT key, value, meta, created, updated FROM objects ORDER BY key");
    const record = new RecordBuilder(FILE_HEADER_SIZE);
    const values: Uint8Array[] = [];
    const puts = rows.map((r) => {
      const key = r[0] as string;
      const value = this.valueBytes(decodeRef(r[1] as Uint8Array)!, key);
      const meta = (r[2] as Uint8Array | null) ?? undefined;
      const put = record.add({ kind: OP_PUT, key, value, meta, created: r[3] as number, updated: r[4] as number })!;
      values.push(...put.parts);
      return { key, ref: put.ref };
    });
    const { directory, header } = record.finish();
    await this.device.replace(concatBytes([fileHeader(), header, ...values, directory]));
    this.db.run("BEGIN");
    for (const p of puts) this.sql("UPDATE objects SET value = ? WHERE key = ?", [encodeRef(p.ref), p.key]);
    this.db.run("COMMIT");
  }

  close(): MaybePromise {
    if (this.closed) return;
    if (this.record) {
      this.savepoints.length = 0;
      this.rollback();
    }
    this.closed = true;
    this.db.close();
    return this.device.close();
  }
}

/** Lets an asynchronous device's step go on in the background; its failure shows on the next commit. */
function settle(step: MaybePromise): void {
  if (step instanceof Promise) step.catch(() => {});
}

/** The codec bytes of a value (in the encoder's buffer when given); functions are 8007. */
function encodeStorable(v: StoredValue, encoder?: ValueEncoder): Uint8Array {
  try {
    return encoder ? encoder.encode(v) : encodeValue(v);
  } catch (e) {
    if (e instanceof TypeError) throw HostError.of("NotStorable", e.message);
    throw e;
  }
}
