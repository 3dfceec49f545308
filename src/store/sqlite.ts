// sql.js (SQLite compiled to WebAssembly), loaded once per process or page, and only when a store
// is used. In Node it finds its .wasm beside its own script; in a browser bundle it looks beside
// the bundle, unless told where to fetch it from.
import type { SqlJsStatic } from "sql.js";

export type { Database, SqlJsStatic, SqlValue, Statement } from "sql.js";

export interface SqliteOptions {
  /** Where the browser build fetches `sql-wasm-browser.wasm` from (a URL). */
  wasmUrl?: string;
  /** The .wasm bytes themselves. */
  wasmBinary?: ArrayBuffer;
}

let loading: Promise<SqlJsStatic> | undefined;

/** In a browser the bundle (dist/browser/noodle.js) has the .wasm beside it. */
const inBrowser = "document" in globalThis || "WorkerGlobalScope" in globalThis;
const besideBundle = (): string => new URL("./sql-wasm-browser.wasm", import.meta.url).href;

export function loadSqlite(options: SqliteOptions = {}): Promise<SqlJsStatic> {
  const wasmUrl = options.wasmUrl ?? (inBrowser && !options.wasmBinary ? besideBundle() : undefined);
  loading ??= import("sql.js")
    .then(({ default: initSqlJs }) =>
      initSqlJs({
        ...(options.wasmBinary ? { wasmBinary: options.wasmBinary } : {}),
        ...(wasmUrl ? { locateFile: () => wasmUrl } : {}),
      }),
    )
    .catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
  return loading;
}
