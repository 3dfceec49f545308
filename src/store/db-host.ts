// The host side of `std/db`: the `__db_*` host builtins a VM calls, over stores it opened. A
// program sees a store as a number (its handle here) wrapped by std/db's functions.

import type { StoredValue } from "../codec/value-codec.js";
import { Matrix, Tensor } from "../math/arrays.js";
import { storeCommits } from "../metrics/store-metrics.js";
import { absolutePath, resolvedPath, validPath } from "../runtime/file-system.js";
import { HostError } from "../runtime/host-calls.js";
import { type JsValue, STRUCT_NAME } from "../runtime/values.js";
import type { VM } from "../runtime/vm.js";
import { ArrayKernels } from "./kernels.js";
import { type LogDevice, MemoryLog } from "./log-device.js";
import { loadSqlite, type SqliteOptions, type SqlJsStatic } from "./sqlite.js";
import { Store } from "./store.js";
import { STORE_OPS, type StoreOp } from "./store-ops.js";
import { TransactionGate } from "./transaction-gate.js";

/** What storage needs on a platform: how to open a named store's log, sql.js, the kernels. */
export interface StorageEnvironment {
  /** Opens the log of the store named `path` (a file in Node); without it only in-memory stores open. */
  openLog?: (path: string) => LogDevice | Promise<LogDevice>;
  sqlite: SqlJsStatic;
  kernels: ArrayKernels;
}

/** Loads what stores need (sql.js, a kernels core); once per process is enough. */
export async function prepareStorage(openLog?: StorageEnvironment["openLog"], sqlite?: SqliteOptions): Promise<StorageEnvironment> {
  const [sql, kernels] = await Promise.all([loadSqlite(sqlite), ArrayKernels.create()]);
  return { openLog, sqlite: sql, kernels };
}

/**
 * Opens a store: at `path` through the environment's opener, in memory without a path. A promise
 * when the opener is asynchronous (IndexedDB).
 */
export function openStore(env: StorageEnvironment, path?: string): Store | Promise<Store> {
  if (path === undefined) return Store.open(new MemoryLog(), env.sqlite, env.kernels);
  if (!env.openLog) throw HostError.of("CommitFailed", `cannot open '${path}': this platform has no persistent storage configured`);
  const failed = (e: unknown): never => {
    if (e instanceof HostError) throw e;
    throw HostError.of("CommitFailed", `cannot open '${path}': ${(e as Error).message}`);
  };
  let device: LogDevice | Promise<LogDevice>;
  try {
    device = env.openLog(path);
  } catch (e) {
    return failed(e);
  }
  if (device instanceof Promise) return device.then((d) => Store.open(d, env.sqlite, env.kernels), failed);
  return Store.open(device, env.sqlite, env.kernels);
}

function text(v: JsValue, fn: string): string {
  if (typeof v !== "string") throw HostError.of("InvalidArgument", fn);
  return v;
}

/**
 * A copy of a value that stays valid after the host call returns: matrices and tensors given to a
 * host function are views into VM memory, released when the call ends, so an operation that has
 * to wait for another task's transaction keeps their data instead.
 */
function detach(v: JsValue): StoredValue {
  if (v instanceof Matrix || v instanceof Tensor) return { kind: v.kind, shape: [...v.shape], dtype: v.dtype, data: v.data.slice() };
  if (Array.isArray(v)) return v.map(detach);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, detach(x)]));
  if (v !== null && typeof v === "object" && STRUCT_NAME in v) {
    const out: Record<string | symbol, StoredValue> = {};
    Object.defineProperty(out, STRUCT_NAME, { value: (v as Record<symbol, unknown>)[STRUCT_NAME], enumerable: false });
    for (const [k, x] of Object.entries(v)) out[k] = detach(x as JsValue);
    return out as StoredValue;
  }
  return v as StoredValue;
}

/**
 * Who calls a store operation: a task of the program's own VM (its fiber), or a task or actor
 * the program runs on a pool's worker (a text naming the worker and its fiber there).
 */
export type StoreCaller = number | string;

/**
 * The stores a program opened, and std/db's operations on them for any caller: the program's
 * own tasks, and its tasks and actors on a pool's workers, whose calls travel here
 * (store-ops.ts). A store is named by its handle here, wherever the call comes from.
 */
export class ProgramStores {
  private readonly stores = new Map<number, { store: Store; gate: TransactionGate }>();
  private readonly names = new Map<number, string>();
  private next = 1;
  /** Callers whose worker was lost: what they still asked is refused. */
  private readonly gone = new Set<string>();

  constructor(
    private readonly vm: VM,
    private readonly env: StorageEnvironment,
  ) {}

  private entry(h: unknown) {
    const e = typeof h === "number" ? this.stores.get(h) : undefined;
    if (!e) throw HostError.of("StoreClosed", this.names.get(h as number) ?? String(h));
    return e;
  }

  private keep = (s: Store): number => {
    s.observeCommits(storeCommits(this.vm.metrics));
    this.stores.set(this.next, { store: s, gate: new TransactionGate() });
    this.names.set(this.next, s.name);
    return this.next++;
  };

  /**
   * Runs std/db's operation `op` with `args` (the store's handle first, but for `open`) for
   * `caller`: at once, or once no other caller's transaction is open on the store; a promise
   * when it waits or the store answers later. `local`: the arguments are views into the VM's
   * memory, valid only during the call.
   */
  call(caller: StoreCaller, op: StoreOp, args: JsValue[], local: boolean): unknown {
    if (op === "open") return this.open(args[0]);
    const { store, gate } = this.entry(args[0]);
    // an operation that waits keeps copies of the VM's arrays, which go when this call returns
    const rest = local && !gate.free(caller) ? args.slice(1).map(detach) : (args.slice(1) as StoredValue[]);
    return gate.enter(caller, () => {
      if (typeof caller === "string" && this.gone.has(workerOf(caller))) throw HostError.of("WorkerLost", "the caller's worker was lost");
      return this.run(store, gate, caller, op, rest);
    });
  }

  private open(path: JsValue): number | Promise<number> {
    const name = path === null || path === undefined ? undefined : validPath(text(path, "db.open"), "db.open");
    // a store with a name is kept outside the VM: only under the write roots (spec section 8)
    if (name !== undefined) this.vm.permissions.check("write", resolvedPath(name), name, absolutePath(name));
    const s = openStore(this.env, name);
    return s instanceof Promise ? s.then(this.keep) : this.keep(s);
  }

  private run(s: Store, gate: TransactionGate, caller: StoreCaller, op: StoreOp, args: StoredValue[]): unknown {
    switch (op) {
      case "close":
        for (const [h, e] of this.stores) if (e.store === s) this.stores.delete(h);
        gate.reset();
        return s.close();
      case "put":
        return s.put(text(args[0] as JsValue, "put"), args[1], args[2]);
      case "get":
        return s.get(text(args[0] as JsValue, "get"));
      case "has":
        return s.has(text(args[0] as JsValue, "has"));
      case "delete":
        return s.delete(text(args[0] as JsValue, "delete"));
      case "keys":
        return s.keys(args[0] === null || args[0] === undefined ? "" : text(args[0] as JsValue, "keys"));
      case "begin":
        s.begin();
        return gate.begin(caller);
      case "commit": {
        let done: ReturnType<typeof s.commit>;
        try {
          done = s.commit();
        } catch (e) {
          gate.end(); // a failed commit rolled the transaction back
          throw e;
        }
        if (!(done instanceof Promise)) return gate.end();
        return done.finally(() => gate.end());
      }
      case "rollback":
        s.rollback();
        return gate.end();
      case "query": {
        const [sql, params] = args;
        if (params !== null && params !== undefined && !Array.isArray(params)) throw HostError.of("InvalidArgument", "query");
        return s.query(text(sql as JsValue, "query"), (params ?? []) as StoredValue[], this.vm.limits.maxMemory ?? 0);
      }
    }
  }

  /**
   * A worker was lost (`worker`, as its callers are named): the transactions its tasks and
   * actors had open roll back, as if their calls had never come, and what it still asked is
   * refused; the other callers go on.
   */
  workerLost(worker: string): void {
    this.gone.add(worker);
    for (const { store, gate } of this.stores.values()) {
      const owner = gate.holder;
      if (typeof owner !== "string" || workerOf(owner) !== worker) continue;
      while (store.inProgress) store.rollback();
      gate.reset();
    }
  }
}

/** The worker a remote caller's name starts with ("worker/fiber"). */
function workerOf(caller: string): string {
  return caller.slice(0, caller.indexOf("/"));
}

const programStores = new WeakMap<VM, ProgramStores>();

/** The stores of the program `vm` runs, when it has std/db installed. */
export function storesOf(vm: VM): ProgramStores | undefined {
  return programStores.get(vm);
}

/** Registers std/db's host builtins in `vm`, over stores opened in `env`. */
export function installStorage(vm: VM, env: StorageEnvironment): void {
  const stores = new ProgramStores(vm, env);
  programStores.set(vm, stores);
  for (const op of STORE_OPS) vm.registerHost(`__db_${op}`, (args) => stores.call(vm.core.currentFiber(), op, args, true));
}
