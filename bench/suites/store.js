// The `store` suite: durable storage of 64x64 f64 matrices (32 KiB each).
//
// Cases (each implementation works on its own files in a fresh temporary folder):
//   bulk-put        10 000 puts in one transaction, into a new store; durable at the end
//   single-puts     10 000 transactions of one put each, into a new store; each durable
//   single-puts-100 the first 100 of those (the peer runs this one: see below)
//   commit-300mb    one single-put transaction on a store that already holds the 10 000
//                   matrices (about 330 MB); the median of the runs is the commit time
//   get-random      1 000 gets of random keys from that store
//   mql-det         det(value) of every matrix in that store (an MQL query for Noodle)
//   reopen          opening that store again (the index rebuilt or the image loaded)
//
// The peer `sqljs-export` is what one would write with sql.js alone: BLOBs in a table of an
// in-memory database, made durable by exporting the database image to a file (and fsync) at every
// commit. It skips single-puts (every commit exports the whole growing image: hours for 10 000)
// and runs single-puts-100; its mql-det registers a JavaScript determinant. Every run's output is
// a digest of what it stored or read, so both must agree. New stores get a new file name each
// run, so deleting the last run's file is not timed.

import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { moduleUrl } from "../node/host.js";
import * as plain from "../peers/dense/plain.js";

export const name = "store";

/** One run of the big cases takes seconds: fewer runs than the harness's default. */
export const defaults = { warmup: 0, runs: 3 };

const COUNT = 10_000;
const N = 64;
const GETS = 1_000;
const SHORT_SINGLES = 100;

/** The i-th matrix: deterministic, well-conditioned (diagonally dominant), distinct per i. */
function matrixData(i) {
  const d = new Float64Array(N * N);
  let s = (i * 2654435761) >>> 0;
  for (let k = 0; k < d.length; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    d[k] = s / 2 ** 32 - 0.5;
  }
  for (let k = 0; k < N; k++) d[k * N + k] += N / 4;
  return d;
}

let dataCache;
const data = () => (dataCache ??= Array.from({ length: COUNT }, (_, i) => matrixData(i)));

/** Random keys for the gets, the same for every implementation. */
const getKeys = (() => {
  let s = 42;
  return Array.from({ length: GETS }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % COUNT;
  });
})();

/** A digest of matrices read back: the sum of their first and last elements, rounded. */
const digest = (arrays) => `${arrays.length} values, digest ${arrays.reduce((t, a) => t + a[0] + a[a.length - 1], 0).toFixed(6)}\n`;
const detDigest = (dets) => `${dets.length} dets, log-sum ${dets.reduce((t, d) => t + Math.log(Math.abs(d)), 0).toFixed(3)}\n`;

function fsyncFile(path) {
  const fd = openSync(path, "r+");
  fsyncSync(fd);
  closeSync(fd);
}

// ------------------------------------------------------------------ Noodle

async function loadNoodle() {
  const store = await import(moduleUrl("../dist/store/index.js"));
  const { FileLog } = await import(moduleUrl("../dist/node/file-log.js"));
  const env = await store.prepareStorage((path) => FileLog.open(path));
  const open = (path) => store.Store.open(FileLog.open(path), env.sqlite, env.kernels);
  const asValue = (d) => ({ kind: "matrix", shape: [N, N], dtype: "f64", data: d });
  return {
    version: "noodle store (log + sql.js index)",
    open,
    fill(s, singles = 0) {
      const list = singles ? data().slice(0, singles) : data();
      if (!singles) s.begin();
      list.forEach((d, i) => s.put(`m${i}`, asValue(d)));
      if (!singles) s.commit();
    },
    putOne: (s, key, d) => s.put(key, asValue(d)),
    get: (s, i) => s.get(`m${i}`).data,
    dets: (s) => s.query("SELECT det(value) AS d FROM objects WHERE key LIKE 'm%'").map((r) => r.get("d")),
    count: (s) => s.keys("m").length,
    close: (s) => s.close(),
  };
}

// ------------------------------------------------------------------ sql.js with export

async function loadSqljs() {
  const initSqlJs = (await import("sql.js")).default;
  const SQL = await initSqlJs();
  const bytesOf = (d) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  const persist = (s) => {
    writeFileSync(s.path, s.db.export());
    fsyncFile(s.path);
  };
  return {
    version: `sql.js ${JSON.parse(readFileSync(new URL("../../node_modules/sql.js/package.json", import.meta.url), "utf8")).version}, image exported per commit`,
    open(path) {
      let db;
      try {
        db = new SQL.Database(readFileSync(path));
      } catch {
        db = new SQL.Database();
        db.run("CREATE TABLE objects(key TEXT PRIMARY KEY, value BLOB)");
      }
      return { db, path, insert: db.prepare("INSERT OR REPLACE INTO objects VALUES (?, ?)"), select: db.prepare("SELECT value FROM objects WHERE key = ?") };
    },
    fill(s, singles = 0) {
      const list = data();
      if (!singles) {
        s.db.run("BEGIN");
        list.forEach((d, i) => s.insert.run([`m${i}`, bytesOf(d)]));
        s.db.run("COMMIT");
        persist(s);
        return;
      }
      for (let i = 0; i < singles; i++) {
        s.insert.run([`m${i}`, bytesOf(list[i])]);
        persist(s);
      }
    },
    putOne(s, key, d) {
      s.insert.run([key, bytesOf(d)]);
      persist(s);
    },
    get(s, i) {
      s.select.bind([`m${i}`]);
      s.select.step();
      const blob = s.select.get()[0];
      s.select.reset();
      return new Float64Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
    },
    dets(s) {
      s.db.create_function("det", (blob) => plain.det(new Float64Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)), N));
      return s.db.exec("SELECT det(value) FROM objects WHERE key LIKE 'm%'")[0].values.map((r) => r[0]);
    },
    count: (s) => s.db.exec("SELECT count(*) FROM objects WHERE key LIKE 'm%'")[0].values[0][0],
    close(s) {
      s.insert.free();
      s.select.free();
      s.db.close();
    },
  };
}

// ------------------------------------------------------------------ the cases on one implementation

function storeImpl(implName, lang, load) {
  let api;
  let dir;
  let made = 0;
  let big; // the 10 000-matrix store, built once, open between the cases that use it
  const bigPath = () => join(dir, "big.db");
  const openBig = () => {
    if (!big) {
      rmSync(bigPath(), { force: true });
      big = api.open(bigPath());
      api.fill(big, false);
    }
    return big;
  };
  const fresh = (file) => api.open(join(dir, `${made++}-${file}`));
  const runs = {
    "bulk-put": () => {
      const s = fresh("bulk.db");
      api.fill(s, false);
      const n = api.count(s);
      api.close(s);
      return `${n} stored\n`;
    },
    "single-puts": () => {
      const s = fresh("singles.db");
      api.fill(s, COUNT);
      api.close(s);
      return "stored one per transaction\n";
    },
    "single-puts-100": () => {
      const s = fresh("singles100.db");
      api.fill(s, SHORT_SINGLES);
      api.close(s);
      return "stored one per transaction\n";
    },
    "commit-300mb": () => {
      const s = openBig();
      api.putOne(s, "extra", data()[0]);
      return "committed\n";
    },
    "get-random": () => {
      const s = openBig();
      return digest(getKeys.map((i) => api.get(s, i)));
    },
    "mql-det": () => detDigest(api.dets(openBig())),
    reopen: () => {
      openBig();
      api.close(big);
      big = api.open(bigPath());
      return `${api.count(big)} values\n`;
    },
  };
  return {
    name: implName,
    lang,
    async init() {
      try {
        api = await load();
      } catch (e) {
        return { ok: false, reason: e instanceof Error ? e.message : String(e) };
      }
      dir = mkdtempSync(join(tmpdir(), `noodle-bench-${implName}-`));
      process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
      return { ok: true, fields: { version: api.version } };
    },
    async prepare(c) {
      if (!c.name.includes("put")) openBig(); // not timed
      return { run: runs[c.name] };
    },
  };
}

export const peers = [storeImpl("noodle", "store", loadNoodle), storeImpl("sqljs-export", "sqljs", loadSqljs)];

const perTransaction = (line) => ({ ms_per_transaction: Math.round((line.ms / line.count) * 1000) / 1000 });
const BOTH = { store: "suites/store.js", sqljs: "suites/store.js" };

export const cases = [
  { name: "bulk-put", params: { count: COUNT, n: N, dtype: "f64" }, expected: `${COUNT} stored\n`, sources: BOTH },
  {
    name: "single-puts",
    params: { count: COUNT, n: N, dtype: "f64" },
    expected: "stored one per transaction\n",
    derive: perTransaction,
    sources: { store: "suites/store.js" },
  },
  {
    name: "single-puts-100",
    params: { count: SHORT_SINGLES, n: N, dtype: "f64" },
    expected: "stored one per transaction\n",
    derive: perTransaction,
    sources: BOTH,
  },
  { name: "commit-300mb", params: { count: 1, n: N, dtype: "f64", store_values: COUNT }, expected: "committed\n", sources: BOTH },
  { name: "get-random", params: { count: GETS, n: N, dtype: "f64" }, sources: BOTH },
  { name: "mql-det", params: { count: COUNT, n: N, dtype: "f64" }, sources: BOTH },
  { name: "reopen", params: { store_values: COUNT }, expected: `${COUNT} values\n`, sources: BOTH },
];
