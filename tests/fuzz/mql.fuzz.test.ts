// MQL takes query text from programs, so it treats it as hostile: random queries, queries damaged
// anywhere, and hostile ones (other statements, attached databases, pragmas, SQLite's own tables,
// comments, quotes, Unicode) give rows or a coded error -- 8005 (syntax) or 8006 (not one SELECT),
// or the code of a value function's error (5001 for det of a tensor, 5002 for a shape, ...) --
// never a JavaScript exception, and never change the store.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ERRORS } from "../../src/errors/table.js";
import { HostError } from "../../src/runtime/host-calls.js";
import { MemoryLog, prepareStorage, Store, type StoredValue } from "../../src/store/index.js";
import { FUZZ_TIMEOUT, fuzzParameters } from "./fuzz.js";

let s: Store;

function matrix(r: number, c: number, values: number[], dtype: "f64" | "f32" = "f64"): StoredValue {
  return { kind: "matrix", shape: [r, c], dtype, data: dtype === "f64" ? Float64Array.from(values) : Float32Array.from(values) };
}

beforeAll(async () => {
  const env = await prepareStorage();
  s = Store.open(new MemoryLog(), env.sqlite, env.kernels);
  s.put(
    "A",
    matrix(2, 2, [1, 2, 3, 4]),
    new Map<StoredValue, StoredValue>([
      ["tag", "demo"],
      ["run", 1],
    ]),
  );
  s.put("B", matrix(2, 2, [2, 0, 0, 5], "f32"), new Map<StoredValue, StoredValue>([["tag", "é🍜"]]));
  s.put("C", matrix(1, 3, [1, 2, 3]));
  s.put("E", matrix(0, 0, []));
  s.put("T", { kind: "tensor", shape: [2, 1, 2], dtype: "f64", data: Float64Array.from([1, 2, 3, 4]) });
  s.put("n", 7);
  s.put("text", "it's");
  s.put("list", [1, "two", null]);
});

/** Codes a query may end with: its own, and those of the value functions' errors (a tensor's det, an empty mean, ...). */
const CODES = new Set(Object.values(ERRORS).map((e) => e.code));

/** What a query gives: "rows" or its error's code; anything else fails the test. */
function outcome(sql: string, params: StoredValue[] = []): string {
  let rows: Map<string, StoredValue>[];
  try {
    rows = s.query(sql, params);
  } catch (e) {
    if (!(e instanceof HostError) || !CODES.has(e.code))
      throw new Error(
        `${JSON.stringify(sql)} threw ${e instanceof Error ? `${e.constructor.name} ${(e as { code?: number }).code ?? ""}: ${e.message}` : String(e)}`,
      );
    return String(e.code);
  }
  if (!Array.isArray(rows) || !rows.every((r) => r instanceof Map)) throw new Error(`${JSON.stringify(sql)} gave ${String(rows)}`);
  return "rows";
}

// ---------------------------------------------------------------- random queries

const column = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom("key", "type", "dtype", "rows", "cols", "shape", "value", "meta", "created", "updated", "objects.key") },
  { weight: 1, arbitrary: fc.constantFrom("*", "nosuch") },
);
const literal = fc.oneof(
  fc.integer({ min: -3, max: 5 }).map(String),
  fc.constantFrom("0.5", "1e3", "0x1F", "NULL", "'A'", "'it''s'", "'é🍜'", "x'4e5601'", "x'4e56010300000000000000f03f'", "''", "'%'", "-0.0"),
);
const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small" },
    column,
    literal,
    fc.constant("?"),
    // the value functions mostly on values (where they fail with a code less often)
    fc
      .tuple(fc.constantFrom("det", "trace", "norm", "sum", "mean"), fc.oneof({ weight: 4, arbitrary: fc.constant("value") }, tie("expr")))
      .map(([f, x]) => `${f}(${x})`),
    fc.tuple(fc.constantFrom("abs", "length", "upper", "typeof", "hex", "count", "max", "min", "total", "quote"), tie("expr")).map(([f, x]) => `${f}(${x})`),
    fc
      .tuple(fc.oneof({ weight: 4, arbitrary: fc.constant("value") }, tie("expr")), fc.integer({ min: -1, max: 2 }), fc.integer({ min: -1, max: 2 }))
      .map(([x, i, j]) => `elem(${x}, ${i}, ${j})`),
    fc
      .tuple(fc.oneof({ weight: 4, arbitrary: fc.constant("meta") }, tie("expr")), fc.constantFrom("'tag'", "'run'", "1", "NULL"))
      .map(([x, f]) => `meta(${x}, ${f})`),
    fc
      .tuple(tie("expr"), fc.constantFrom("+", "-", "*", "/", "%", "||", "=", "<>", "<", ">=", "AND", "OR", "LIKE", "IS", "IS NOT"), tie("expr"))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(tie("expr"), tie("expr"), tie("expr")).map(([a, b, c]) => `CASE WHEN ${a} THEN ${b} ELSE ${c} END`),
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `substr(${a}, ${b})`),
    fc.tuple(tie("expr"), fc.constantFrom("INTEGER", "TEXT", "REAL", "BLOB")).map(([a, t]) => `CAST(${a} AS ${t})`),
    tie("expr").map((x) => `(SELECT ${x} FROM objects LIMIT 1)`),
    tie("expr").map((x) => `NOT ${x}`),
  ),
}));

const query = fc
  .record({
    distinct: fc.boolean(),
    columns: fc.array(fc.tuple(expr, fc.option(fc.constantFrom("d", "x", '"quoted name"', "[br]"), { nil: undefined })), { minLength: 1, maxLength: 3 }),
    from: fc.constantFrom("objects", "objects o", "objects a, objects b", "(SELECT * FROM objects)", "objects JOIN objects AS p ON objects.key = p.key", ""),
    where: fc.option(expr, { nil: undefined }),
    group: fc.option(expr, { nil: undefined }),
    order: fc.option(fc.tuple(expr, fc.constantFrom("", " ASC", " DESC")), { nil: undefined }),
    limit: fc.option(fc.oneof(fc.nat(5).map(String), fc.constant("?"), fc.constant("-1")), { nil: undefined }),
    end: fc.constantFrom("", ";", " -- trailing", " /* c */", ";\n"),
  })
  .map((q) => {
    const cols = q.columns.map(([e, a]) => (a ? `${e} AS ${a}` : e)).join(", ");
    let sql = `SELECT ${q.distinct ? "DISTINCT " : ""}${cols}`;
    if (q.from) sql += ` FROM ${q.from}`;
    if (q.where) sql += ` WHERE ${q.where}`;
    if (q.group) sql += ` GROUP BY ${q.group}`;
    if (q.order) sql += ` ORDER BY ${q.order[0]}${q.order[1]}`;
    if (q.limit) sql += ` LIMIT ${q.limit}`;
    return sql + q.end;
  });

/** Parameters for a query: usually as many as it has `?`, sometimes not. */
function withParams(q: fc.Arbitrary<string>): fc.Arbitrary<[string, StoredValue[]]> {
  const param = fc.oneof(fc.integer({ min: -2, max: 3 }), fc.constantFrom("A", "tag", "", "é"), fc.constant(null), fc.boolean(), fc.double());
  const off = fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, fc.constantFrom(-1, 1));
  return fc.tuple(q, off, fc.array(param, { maxLength: 8 })).map(([sql, off, pool]) => {
    const n = Math.max(0, (sql.match(/\?/g)?.length ?? 0) + off);
    const params: StoredValue[] = Array.from({ length: n }, (_, i) => pool[i % Math.max(1, pool.length)] ?? i);
    return [sql, params];
  });
}

// ---------------------------------------------------------------- damage

const HOSTILE = [
  ";",
  "; DELETE FROM objects",
  "; SELECT 1",
  "--",
  "/*",
  "*/",
  "'",
  '"',
  "[",
  "]",
  "`",
  "(",
  ")",
  ",",
  "?",
  "?7",
  ":name",
  "@p",
  "$v",
  "ATTACH 'x.db' AS x",
  "DETACH x",
  "PRAGMA writable_schema = 1",
  "VACUUM",
  "INSERT INTO objects(key) VALUES ('z')",
  "UPDATE objects SET key = 'z'",
  "DROP TABLE objects",
  "CREATE TABLE t(x)",
  "sqlite_master",
  "sqlite_schema",
  "pragma_table_info('objects')",
  "UNION ALL SELECT * FROM sqlite_master",
  "UNION SELECT 1",
  "load_extension('x')",
  "x'00'",
  "x'4e56'",
  "é",
  "🍜",
  "\u0000",
  "\u202e",
  "\ufeff",
  "\n",
  "\t",
  " OR 1=1",
  "NOT",
  "NULL",
  "*",
  "%",
  "||",
  "->",
  "->>",
  "ESCAPE",
  "COLLATE NOCASE",
  "GLOB",
  "REGEXP",
  "MATCH",
  "zeroblob(4)",
  "randomblob(4)",
];

type Edit =
  | { op: "insert"; at: number; text: string }
  | { op: "delete"; at: number; n: number }
  | { op: "duplicate"; at: number; n: number }
  | { op: "char"; at: number; c: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: fc.constantFrom(...HOSTILE) }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 20 }) }),
  // any character but a digit: digits joined to a number could ask SQLite for a huge blob (see below)
  fc.record({ op: fc.constant("char" as const), at: fc.nat(), c: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }).filter((c) => !/\d/.test(c)) }),
);

function applyEdit(sql: string, e: Edit): string {
  const at = sql.length === 0 ? 0 : e.at % (sql.length + 1);
  switch (e.op) {
    case "insert":
      return sql.slice(0, at) + (e.at % 2 ? " " : "") + e.text + " " + sql.slice(at);
    case "delete":
      return sql.slice(0, at) + sql.slice(at + e.n);
    case "duplicate":
      return sql.slice(0, at) + sql.slice(at, at + e.n) + sql.slice(at);
    case "char":
      return sql.slice(0, at) + e.c + sql.slice(at);
  }
}

// A recursive WITH can run forever, and blobs of a size the query names (zeroblob, randomblob,
// printf widths) take that much memory and time: MQL bounds neither yet (it is to refuse WITH), so
// the generated queries leave them out; the fixed hostile ones below keep their sizes small.
const unbounded = (sql: string) => /\bwith\b/i.test(sql) || /(zeroblob|randomblob|printf|format)\s*\(\s*[^)]*\d{5}/i.test(sql);

describe("MQL", () => {
  it(
    "answers random queries with rows or a coded error",
    () => {
      const seen = new Map<string, number>();
      fc.assert(
        fc.property(withParams(query), ([sql, params]) => {
          const o = outcome(sql, params);
          seen.set(o, (seen.get(o) ?? 0) + 1);
        }),
        fuzzParameters(31),
      );
      expect(seen.get("rows")).toBeGreaterThan(0);
      expect(seen.get("8005")).toBeGreaterThan(0);
      expect(s.keys().length).toBe(8);
    },
    FUZZ_TIMEOUT,
  );

  it(
    "answers damaged queries with rows or a coded error, and never writes",
    () => {
      const seen = new Map<string, number>();
      const damaged = fc
        .tuple(query, fc.array(edit, { minLength: 1, maxLength: 4 }))
        .map(([sql, edits]) => edits.reduce(applyEdit, sql))
        .filter((sql) => !unbounded(sql));
      fc.assert(
        fc.property(withParams(damaged), ([sql, params]) => {
          const o = outcome(sql, params);
          seen.set(o, (seen.get(o) ?? 0) + 1);
        }),
        fuzzParameters(32),
      );
      expect(seen.get("rows")).toBeGreaterThan(0);
      expect(seen.get("8005")).toBeGreaterThan(0);
      expect(seen.get("8006")).toBeGreaterThan(0);
      expect(s.keys().length).toBe(8);
      expect(outcome("SELECT count(*) FROM objects")).toBe("rows");
    },
    FUZZ_TIMEOUT,
  );

  it(
    "answers random text with rows or a coded error",
    () => {
      fc.assert(
        fc.property(
          fc
            .oneof(
              fc.string({ maxLength: 40 }),
              fc.string({ unit: "binary", maxLength: 40 }).map((t) => "SELECT " + t),
            )
            .filter((sql) => !unbounded(sql)),
          (sql) => {
            outcome(sql);
          },
        ),
        fuzzParameters(33),
      );
      expect(s.keys().length).toBe(8);
    },
    FUZZ_TIMEOUT,
  );

  it("refuses hostile statements with 8006 and leaves the store as it was", () => {
    for (const sql of [
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c",
      "ATTACH DATABASE ':memory:' AS other",
      "PRAGMA writable_schema = ON",
      "SELECT 1; DELETE FROM objects",
      "SELECT 1; ATTACH ':memory:' AS x",
      "SELECT * FROM sqlite_master",
      "SELECT * FROM pragma_table_info('objects')",
      'SELECT name FROM "sqlite_schema"',
      "SELECT * FROM [sqlite_temp_master]",
      "/* only a comment */",
      "-- only a comment",
      "DELETE FROM objects -- SELECT",
      "select 1 union all select 2; drop table objects",
    ]) {
      expect(outcome(sql), sql).toBe("8006");
    }
    for (const sql of [
      "SELECT 'é🍜' AS ü",
      "SELECT key FROM objects WHERE key = '\u202e'",
      "SELECT length(zeroblob(4))",
      "SELECT hex(randomblob(4)) IS NOT NULL",
      "SELECT 1 /* c */ -- d",
    ]) {
      expect(outcome(sql), sql).toBe("rows");
    }
    for (const sql of ["SELECT load_extension('x')", "SELECT det(x'4e5601')", "SELECT * FROM objects WHERE", "SELECT 'unterminated", "SELECT \u0000"]) {
      expect(outcome(sql), sql).toBe("8005");
    }
    expect(s.keys().length).toBe(8);
  });
});
