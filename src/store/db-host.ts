// The host side of `std/db`: the `__db_*` host builtins a VM calls, over stores it opened. A
// program sees a store as a number (its handle here) wrapped by std/db's functions.

import type { NbcModule } from "../bytecode/module.js";
import type { StoredValue } from "../codec/value-codec.js";
import { Matrix, Tensor } from "../math/arrays.js";
import { absolutePath, resolvedPath, validPath } from "../runtime/file-system.js";
import { HostError } from "../runtime/host-calls.js";
import { type JsValue, STRUCT_NAME } from "../runtime/values.js";
import type { VM } from "../runtime/vm.js";
import { ArrayKernels } from "./kernels.js";
import { type LogDevice, MemoryLog } from "./log-device.js";
import { loadSqlite, type SqliteOptions, type SqlJsStatic } from "./sqlite.js";
import { Store } from "./store.js";
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

/** Whether a module imports std/db (and so needs storage installed in its VM). */
export function usesStorage(m: NbcModule): boolean {
  return m.files.includes("std/db");
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

/** Registers std/db's host builtins in `vm`, over stores opened in `env`. */
export function installStorage(vm: VM, env: StorageEnvironment): void {
  const stores = new Map<number, { store: Store; gate: TransactionGate }>();
  const names = new Map<number, string>();
  let next = 1;
  const entry = (h: JsValue) => {
    const e = typeof h === "number" ? stores.get(h) : undefined;
    if (!e) throw HostError.of("StoreClosed", names.get(h as number) ?? String(h));
    return e;
  };
  const keep = (s: Store): number => {
    stores.set(next, { store: s, gate: new TransactionGate() });
    names.set(next, s.name);
    return next++;
  };
  /** Registers a store operation: it runs for the calling task once no other task's transaction is open. */
  const op = (name: string, run: (s: Store, gate: TransactionGate, task: number, args: StoredValue[]) => unknown): void => {
    vm.registerHost(name, ([h, ...rest]) => {
      const { store, gate } = entry(h);
      const task = vm.core.currentFiber();
      return gate.enter(task, () => run(store, gate, task, rest as StoredValue[]));
    });
  };
  const deferring = (args: JsValue[]): StoredValue[] => args.map(detach);

  vm.registerHost("__db_open", ([path]) => {
    const name = path === null ? undefined : validPath(text(path as JsValue, "db.open"), "db.open");
    // a store with a name is kept outside the VM: only under the write roots (spec section 8)
    if (name !== undefined) vm.permissions.check("write", resolvedPath(name), name, absolutePath(name));
    const s = openStore(env, name);
    return s instanceof Promise ? s.then(keep) : keep(s);
  });
  op("__db_close", (s, gate) => {
    for (const [h, e] of stores) if (e.store === s) stores.delete(h);
    gate.reset();
    return s.close();
  });
  vm.registerHost("__db_put", ([h, key, value, meta]) => {
    const { store, gate } = entry(h);
    const task = vm.core.currentFiber();
    const k = text(key, "put");
    const put = (v: StoredValue, m: StoredValue) => store.put(k, v, m);
    if (gate.free(task)) return put(value as StoredValue, meta as StoredValue);
    const [v, m] = deferring([value, meta]);
    return gate.enter(task, () => put(v, m));
  });
  op("__db_get", (s, _g, _t, [key]) => s.get(text(key as JsValue, "get")));
  op("__db_has", (s, _g, _t, [key]) => s.has(text(key as JsValue, "has")));
  op("__db_delete", (s, _g, _t, [key]) => s.delete(text(key as JsValue, "delete")));
  op("__db_keys", (s, _g, _t, [prefix]) => s.keys(prefix === null ? "" : text(prefix as JsValue, "keys")));
  op("__db_begin", (s, gate, task) => {
    s.begin();
    gate.begin(task);
  });
  op("__db_commit", (s, gate) => {
    let done: ReturnType<typeof s.commit>;
    try {
      done = s.commit();
    } catch (e) {
      gate.end(); // a failed commit rolled the transaction back
      throw e;
    }
    if (!(done instanceof Promise)) return gate.end();
    return done.finally(() => gate.end());
  });
  op("__db_rollback", (s, gate) => {
    s.rollback();
    gate.end();
  });
  op("__db_query", (s, _g, _t, [sql, params]) => {
    if (params !== null && !Array.isArray(params)) throw HostError.of("InvalidArgument", "query");
    return s.query(text(sql as JsValue, "query"), (params ?? []) as StoredValue[], vm.limits.maxMemory ?? 0);
  });
}
