// The host side of `std/db`: the `__db_*` host builtins a VM calls, over stores it opened. A
// program sees a store as a number (its handle here) wrapped by std/db's functions.
import type { VM } from "../runtime/vm.js";
import { HostError } from "../runtime/host-calls.js";
import type { JsValue } from "../runtime/values.js";
import { Store } from "./store.js";
import { MemoryLog, type LogDevice } from "./log-device.js";
import { loadSqlite, type SqlJsStatic, type SqliteOptions } from "./sqlite.js";
import { ArrayKernels } from "./kernels.js";
import type { StoredValue } from "./codec.js";
import type { NbcModule } from "../bytecode/module.js";

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

/** Registers std/db's host builtins in `vm`, over stores opened in `env`. */
export function installStorage(vm: VM, env: StorageEnvironment): void {
  const stores = new Map<number, Store>();
  const names = new Map<number, string>();
  let next = 1;
  const store = (h: JsValue): Store => {
    const s = typeof h === "number" ? stores.get(h) : undefined;
    if (!s) throw HostError.of("StoreClosed", names.get(h as number) ?? String(h));
    return s;
  };
  const keep = (s: Store): number => {
    stores.set(next, s);
    names.set(next, s.name);
    return next++;
  };
  vm.registerHost("__db_open", ([path]) => {
    const s = openStore(env, path === null ? undefined : text(path, "db.open"));
    return s instanceof Promise ? s.then(keep) : keep(s);
  });
  vm.registerHost("__db_close", ([h]) => {
    const s = store(h);
    stores.delete(h as number);
    return s.close();
  });
  vm.registerHost("__db_put", ([h, key, value, meta]) => store(h).put(text(key, "put"), value as StoredValue, meta as StoredValue));
  vm.registerHost("__db_get", ([h, key]) => store(h).get(text(key, "get")));
  vm.registerHost("__db_has", ([h, key]) => store(h).has(text(key, "has")));
  vm.registerHost("__db_delete", ([h, key]) => store(h).delete(text(key, "delete")));
  vm.registerHost("__db_keys", ([h, prefix]) => store(h).keys(prefix === null ? "" : text(prefix, "keys")));
  vm.registerHost("__db_begin", ([h]) => store(h).begin());
  vm.registerHost("__db_commit", ([h]) => store(h).commit());
  vm.registerHost("__db_rollback", ([h]) => store(h).rollback());
  vm.registerHost("__db_query", ([h, sql, params]) => {
    if (params !== null && !Array.isArray(params)) throw HostError.of("InvalidArgument", "query");
    return store(h).query(text(sql, "query"), (params ?? []) as StoredValue[]);
  });
}
