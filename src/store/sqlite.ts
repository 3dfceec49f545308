// sql.js (SQLite compiled to WebAssembly), loaded once per process or page. In Node it finds its
// .wasm beside its own script; pages and workers pass where to fetch it from.
import initSqlJs from "sql.js";
import type { SqlJsStatic } from "sql.js";

export type { SqlJsStatic, Database, Statement, SqlValue } from "sql.js";

export interface SqliteOptions {
  /** Where the browser build fetches `sql-wasm-browser.wasm` from (a URL). */
  wasmUrl?: string;
  /** The .wasm bytes themselves. */
  wasmBinary?: ArrayBuffer;
}

let loading: Promise<SqlJsStatic> | undefined;

export function loadSqlite(options: SqliteOptions = {}): Promise<SqlJsStatic> {
  loading ??= initSqlJs({
    ...(options.wasmBinary ? { wasmBinary: options.wasmBinary } : {}),
    ...(options.wasmUrl ? { locateFile: () => options.wasmUrl! } : {}),
  }).catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}
