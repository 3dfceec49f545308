// MQL: read-only SQL over a store's `objects` table, with functions on the stored values.
//
// A query must be one SELECT statement (8006); it runs on the store's index database, which holds
// nothing but `objects`, and names of SQLite's own tables and table-valued functions are refused
// (8006), so a query reaches only that table. `WITH` is refused anywhere (8006): a recursive
// common table expression could run for ever. Under a memory limit, SQLite's heap and the rows
// a query returns stay within it (4001). SQLite's syntax and name errors become 8005 with a
// line:column position found by tokenizing the query. In results, `value` references and any
// blob holding codec bytes (`meta`) come back as Noodle values.

import { type ArrayValue, decodeValue, type StoredValue } from "../codec/value-codec.js";
import { ERRORS } from "../errors/table.js";
import { HostError } from "../runtime/host-calls.js";
import { memoryLimitMessage, NoodleRuntimeError } from "../runtime/runtime-error.js";
import { ARRAY_FUNCTIONS, type ArrayKernels } from "./kernels.js";
import { decodeRef, type ValueRef } from "./log-format.js";
import type { Database } from "./sqlite.js";

/** What MQL's functions use; one per database (the one given with its first query is kept). */
export interface QueryContext {
  /** The stored value a `value` reference points at. */
  value(ref: ValueRef): StoredValue;
  kernels: ArrayKernels;
}

interface Token {
  text: string;
  /** Offset in the query. */
  at: number;
  kind: "word" | "string" | "number" | "param" | "punct" | "quoted";
}

// ---------------------------------------------------------------- tokens

const WORD = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/y;
const NUMBER = /(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/y;
const PARAM = /(?:\?\d*|[:@$][A-Za-z0-9_]+)/y;
const PUNCT = /(?:\|\||<<|>>|<=|>=|==|!=|<>|->>|->|[-+*/%<>=~&|(),.;])/y;

function position(sql: string, at: number): string {
  const before = sql.slice(0, at).split("\n");
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

function syntaxError(sql: string, at: number, detail: string): HostError {
  return HostError.of("QuerySyntax", position(sql, at), detail);
}

/** The query's tokens (comments and white space dropped); 8005 for text SQL cannot lex. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(sql);
    return m?.[0];
  };
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (sql.startsWith("--", i)) {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end + 1;
      continue;
    }
    if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) throw syntaxError(sql, i, "unterminated comment");
      i = end + 2;
      continue;
    }
    const quote = c === "'" ? "'" : c === '"' ? '"' : c === "`" ? "`" : c === "[" ? "]" : undefined;
    if (quote || ((c === "x" || c === "X") && sql[i + 1] === "'")) {
      const start = i;
      const close = quote ?? "'";
      let j = quote ? i + 1 : i + 2;
      for (;;) {
        const end = sql.indexOf(close, j);
        if (end < 0) throw syntaxError(sql, start, quote === "'" ? "unterminated string" : "unterminated quoted name");
        if (close !== "]" && sql[end + 1] === close) j = end + 2;
        else {
          j = end + 1;
          break;
        }
      }
      out.push({ text: sql.slice(start, j), at: start, kind: c === "'" || !quote ? "string" : "quoted" });
      i = j;
      continue;
    }
    const word = match(WORD);
    const token =
      word !== undefined
        ? { text: word, kind: "word" as const }
        : match(NUMBER) !== undefined
          ? { text: match(NUMBER)!, kind: "number" as const }
          : match(PARAM) !== undefined
            ? { text: match(PARAM)!, kind: "param" as const }
            : match(PUNCT) !== undefined
              ? { text: match(PUNCT)!, kind: "punct" as const }
              : undefined;
    if (!token) throw syntaxError(sql, i, `unexpected character ${JSON.stringify(c)}`);
    out.push({ ...token, at: i });
    i += token.text.length;
  }
  return out;
}

/** The name a word or quoted-name token stands for. */
function nameOf(t: Token): string | undefined {
  if (t.kind === "word") return t.text.toLowerCase();
  if (t.kind === "quoted") return t.text.slice(1, -1).toLowerCase();
  return undefined;
}

/** Checks that the query is one SELECT that reaches only `objects`; returns it without a final `;`. */
export function checkQuery(sql: string): { text: string; tokens: Token[] } {
  const tokens = tokenize(sql);
  if (tokens.length === 0) throw HostError.of("QueryNotSelect", "the query is empty");
  const semi = tokens.findIndex((t) => t.text === ";");
  if (semi >= 0 && semi < tokens.length - 1)
    throw HostError.of("QueryNotSelect", `more than one statement (a second one starts at ${position(sql, tokens[semi + 1].at)})`);
  const first = tokens[0];
  if (nameOf(first) !== "select" || first.kind !== "word") {
    throw HostError.of("QueryNotSelect", `${JSON.stringify(first.text)} at ${position(sql, first.at)} does not start a SELECT`);
  }
  for (const t of tokens) {
    const name = nameOf(t);
    if (name && (name.startsWith("sqlite_") || name.startsWith("pragma_"))) {
      throw HostError.of("QueryNotSelect", `${t.text} at ${position(sql, t.at)}: MQL reads only the objects table`);
    }
    // a common table expression can recurse without end, even inside a subquery
    if (t.kind === "word" && name === "with") {
      throw HostError.of("QueryNotSelect", `${t.text} at ${position(sql, t.at)}: MQL takes no WITH clauses (common table expressions)`);
    }
  }
  const body = semi >= 0 ? tokens.slice(0, semi) : tokens;
  return { text: semi >= 0 ? sql.slice(0, tokens[semi].at) : sql, tokens: body };
}

/** 8005 for an error SQLite reported, placed at the token it names when it names one. */
function sqliteError(sql: string, tokens: Token[], message: string): HostError {
  const detail = message.replace(/^SQLITE_\w+:\s*/, "");
  const near = /near "([^"]*)"/.exec(detail)?.[1] ?? /no such (?:column|function|table): (?:\w+\.)?(\S+)/.exec(detail)?.[1];
  const tok = near !== undefined ? tokens.find((t) => t.text === near || nameOf(t) === near.toLowerCase()) : undefined;
  const at = tok ? tok.at : /incomplete input/.test(detail) ? sql.trimEnd().length : 0;
  return syntaxError(sql, at, detail);
}

// ---------------------------------------------------------------- functions

type SqlValue = number | string | Uint8Array | null;

/** A stored value from a function argument: a `value` reference or codec bytes. */
function argValue(ctx: QueryContext, x: unknown, fn: string): StoredValue {
  if (x instanceof Uint8Array) {
    const ref = decodeRef(x);
    return ref ? ctx.value(ref) : decodeValue(x);
  }
  throw new Error(`${fn} takes a stored value (the value column)`);
}

function arrayArg(ctx: QueryContext, x: unknown, fn: string): ArrayValue {
  const v = argValue(ctx, x, fn) as ArrayValue;
  if (
    v === null ||
    typeof v !== "object" ||
    (v.kind !== "matrix" && v.kind !== "tensor") ||
    !(v.data instanceof Float64Array || v.data instanceof Float32Array)
  ) {
    throw new Error(`${fn} takes a matrix or tensor`);
  }
  return v;
}

/** A Noodle value as an SQL result: numbers, strings and nil as such, bools as 1/0, others null. */
function toSql(v: StoredValue): SqlValue {
  if (v === null || typeof v === "number" || typeof v === "string") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return null;
}

/**
 * Registers MQL's functions. sql.js turns an exception thrown in one into a plain error of the
 * query; the first such exception is kept so that its code (8004 for damaged data, 5002 for a
 * shape that does not fit, ...) reaches the caller.
 */
/** Databases whose MQL functions are registered, with the list their errors go to. */
const registered = new WeakMap<Database, unknown[]>();

function registerFunctions(db: Database, ctx: QueryContext, failures: unknown[]): void {
  const define = (name: string, f: (...args: never[]) => SqlValue): void => {
    const guarded = (...args: never[]): SqlValue => {
      try {
        return f(...args);
      } catch (e) {
        failures.push(e);
        throw e;
      }
    };
    // sql.js takes a function's arity from its length
    Object.defineProperty(guarded, "length", { value: f.length });
    db.create_function(name, guarded);
  };
  for (const fn of ARRAY_FUNCTIONS) {
    define(fn, (x: unknown) => (x === null ? null : ctx.kernels.apply(fn, arrayArg(ctx, x, fn))));
  }
  define("elem", (x: unknown, i: unknown, j: unknown) => {
    if (x === null) return null;
    const a = arrayArg(ctx, x, "elem");
    if (a.shape.length !== 2 || typeof i !== "number" || typeof j !== "number") throw new Error("elem takes a matrix and two indices");
    const [r, c] = a.shape;
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= r || j >= c) return null;
    return a.data[i * c + j];
  });
  define("meta", (m: unknown, field: unknown) => {
    if (m === null) return null;
    const v = argValue(ctx, m, "meta");
    return v instanceof Map ? toSql((v as Map<StoredValue, StoredValue>).get(field as StoredValue) ?? null) : null;
  });
}

// ---------------------------------------------------------------- running

function bindable(v: StoredValue, i: number, sql: string): SqlValue {
  if (v === null || typeof v === "number" || typeof v === "string") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw syntaxError(sql, 0, `parameter ${i + 1} must be a number, string, bool or nil`);
}

/** SQLite binds nil to a parameter left out; MQL asks for exactly one value per `?`. */
function checkParameterCount(sql: string, tokens: Token[], given: number): void {
  const params = tokens.filter((t) => t.kind === "param");
  const named = params.find((t) => t.text[0] !== "?");
  if (named) throw syntaxError(sql, named.at, `named parameters are not supported; use ?`);
  let count = 0;
  for (const t of params) count = t.text.length > 1 ? Math.max(count, Number(t.text.slice(1))) : count + 1;
  if (count !== given) throw syntaxError(sql, params[0]?.at ?? 0, `the query takes ${count} parameter(s), ${given} given`);
}

/** A result cell as a Noodle value: references and codec bytes decoded, other blobs as byte lists. */
function cellValue(ctx: QueryContext, x: SqlValue): StoredValue {
  if (!(x instanceof Uint8Array)) return x;
  const ref = decodeRef(x);
  if (ref) return ctx.value(ref);
  if (x[0] === 0x4e && x[1] === 0x56) {
    try {
      return decodeValue(x);
    } catch {
      // not codec bytes after all: a blob the query made
    }
  }
  return Array.from(x);
}

/** Bytes a result row is counted as beyond its cells' own (a map and its entries). */
const ROW_OVERHEAD = 64;
/** Bytes a number, nil or reference cell is counted as. */
const CELL_BYTES = 16;

/** 4001 for a query that needs more memory than `limit` bytes. */
function memoryError(limit: number): HostError {
  return new HostError(ERRORS.MemoryLimit.code, [], `${memoryLimitMessage(limit, 0)}: the query needs more`);
}

/**
 * Runs an MQL query. `memoryLimit` (bytes, 0 for none): SQLite's heap may not grow past it while
 * the query runs (its sorts and temporary tables included), nor may the rows it returns.
 */
export function runQuery(db: Database, sql: string, params: StoredValue[], ctx: QueryContext, memoryLimit = 0): Map<string, StoredValue>[] {
  const { text, tokens } = checkQuery(sql);
  // the functions are registered once per database; the errors they record, once per query
  let failures = registered.get(db);
  if (!failures) {
    failures = [];
    registerFunctions(db, ctx, failures);
    registered.set(db, failures);
    // sorts and temporary tables in SQLite's heap, where the limit counts them, not in files
    db.run("PRAGMA temp_store = MEMORY");
  }
  failures.length = 0;
  // the limit is SQLite's, for every database of this sql.js instance: set for this query only
  db.run(`PRAGMA hard_heap_limit = ${Math.max(0, Math.floor(memoryLimit))}`);
  let stmt: ReturnType<typeof db.prepare>;
  try {
    stmt = db.prepare(text);
  } catch (e) {
    db.run("PRAGMA hard_heap_limit = 0");
    if (memoryLimit > 0 && /out of memory/i.test((e as Error).message)) throw memoryError(memoryLimit);
    throw sqliteError(sql, tokens, (e as Error).message);
  }
  const rows: Map<string, StoredValue>[] = [];
  let bytes = 0;
  try {
    checkParameterCount(sql, tokens, params.length);
    stmt.bind(params.map((p, i) => bindable(p, i, sql)));
    const columns = stmt.getColumnNames();
    while (stmt.step()) {
      const values = stmt.get() as SqlValue[];
      if (memoryLimit > 0) {
        bytes += ROW_OVERHEAD;
        for (const v of values) bytes += typeof v === "string" ? 2 * v.length : v instanceof Uint8Array ? v.length : CELL_BYTES;
        if (bytes > memoryLimit) throw memoryError(memoryLimit);
      }
      rows.push(new Map(columns.map((c, i) => [c, cellValue(ctx, values[i])])));
    }
  } catch (e) {
    if (e instanceof HostError) throw e;
    const cause = failures[0];
    if (cause instanceof HostError) throw cause;
    if (cause instanceof NoodleRuntimeError) throw new HostError(cause.code, [], cause.message);
    if (memoryLimit > 0 && /out of memory/i.test((e as Error).message)) throw memoryError(memoryLimit);
    throw sqliteError(sql, tokens, (e as Error).message);
  } finally {
    stmt.free();
    db.run("PRAGMA hard_heap_limit = 0");
  }
  return rows;
}
