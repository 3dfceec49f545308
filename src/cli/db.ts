// `noodle db ls|get|query FILE ...`: looking into a store from the command line. Values print as
// Noodle prints them; listings and query results as a table.
import { existsSync, statSync } from "node:fs";
import type { StoredValue } from "../codec/value-codec.js";
import { formatError } from "../errors/table.js";
import { FileLog } from "../node/file-log.js";
import { nodeStorage } from "../node/storage.js";
import { HostError } from "../runtime/host-calls.js";
import { VM } from "../runtime/vm.js";
import { Store } from "../store/store.js";

/** Widest a table cell is shown; longer text is cut with an ellipsis. */
const MAX_CELL = 60;

export class DbUsageError extends Error {}

/** Runs a `db` subcommand; returns the exit code. */
export async function dbCommand(args: string[], out: (text: string) => void): Promise<number> {
  const [sub, path, ...rest] = args;
  const wanted = { ls: 0, get: 1, query: 1 }[sub as "ls" | "get" | "query"];
  if (wanted === undefined) throw new DbUsageError(sub ? `unknown db command '${sub}'` : "missing db command");
  if (!path || rest.length !== wanted)
    throw new DbUsageError(`'db ${sub}' takes ${wanted === 0 ? "a FILE" : sub === "get" ? "a FILE and a KEY" : "a FILE and a query"}`);
  // reading must never create a store where there was none
  if (!existsSync(path)) throw new DbUsageError(`no store at '${path}'`);
  if (statSync(path).isDirectory()) {
    // a store is one file; a folder is reported as any other file that is not a store
    process.stderr.write(`error[8004]: ${formatError("CorruptData", { detail: `${path}: a directory, not a Noodle store` })}\n`);
    return 1;
  }
  const [storage, vm] = await Promise.all([nodeStorage(), VM.create({ stdout: () => {}, stderr: () => {} })]);
  // as `str` shows it: strings raw, everything else as printed
  const show = (v: StoredValue): string => {
    const o = vm.applyBuiltin("str", [v]);
    return o.ok ? String(o.value) : "?";
  };
  let store: Store | undefined;
  try {
    // read-only: no lock, so a store can be looked into while a program writes it
    store = Store.open(FileLog.open(path, { readOnly: true }), storage.sqlite, storage.kernels);
    if (sub === "ls") out(table(["key", "type", "dtype", "shape", "bytes", "updated"], listing(store)));
    else if (sub === "get") out(show(store.get(rest[0])) + "\n");
    else {
      const rows = store.query(rest[0]);
      const columns = rows.length ? [...rows[0].keys()] : [];
      out(
        table(
          columns,
          rows.map((r) => columns.map((c) => show(r.get(c) ?? null))),
        ),
      );
      out(`(${rows.length} row${rows.length === 1 ? "" : "s"})\n`);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof HostError)) throw e;
    process.stderr.write(`error[${e.code}]: ${e.message}\n`);
    return 1;
  } finally {
    store?.close();
  }
}

function listing(store: Store): string[][] {
  return store.entries().map((e) => [e.key, e.type, e.dtype ?? "", e.shape?.join("x") ?? "", String(e.bytes), new Date(e.updated).toISOString()]);
}

/** Columns padded to their widest cell, a rule under the header. */
function table(columns: string[], rows: string[][]): string {
  const cut = (s: string) => (s.length > MAX_CELL ? s.slice(0, MAX_CELL - 1) + "…" : s).replace(/\n/g, " ");
  const cells = rows.map((r) => r.map(cut));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd() + "\n";
  return line(columns) + line(widths.map((w) => "-".repeat(w))) + cells.map(line).join("");
}
