// `noodle run --metrics PORT`: a real HTTP client scrapes /metrics while the program runs, and the
// text is read by a strict Prometheus reader: the runtime's series move as the program runs, a
// program's std/metrics series show what it counted (from tasks on workers too), and the pool's
// workers are there. Bad flags and a port in use are coded errors, never a stack trace; the log
// goes to a file under the write roots as JSON lines, and at the default level the program's
// stderr is its own.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, scratchFolder } from "../helpers.js";
import { type Family, parsePrometheusText, sampleValue } from "./prometheus-text.js";

const scratch = scratchFolder("noodle-metrics-cli-");
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

interface Running {
  /** Resolves with the metrics address once the run printed it. */
  address: Promise<string>;
  ended: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** `noodle ARGS` in the background, in the scratch folder, killed after 60 s at most. */
function noodle(args: string[]): Running {
  const child = spawn(process.execPath, [join(ROOT, "bin/noodle.js"), ...args], { cwd: scratch.dir });
  children.add(child);
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  let stdout = "";
  let stderr = "";
  let found: (a: string) => void = () => {};
  const address = new Promise<string>((resolve) => (found = resolve));
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => {
    stderr += d;
    const m = /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)\n/.exec(stderr);
    if (m) found(m[1]);
  });
  const ended = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      found("");
      resolve({ code, stdout, stderr });
    }),
  );
  return { address, ended };
}

async function scrape(url: string): Promise<Map<string, Family>> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheusText(await res.text());
}

/** Polls until `ok` holds of a scrape (the program reaches a point), for at most 20 s. */
async function scrapeUntil(url: string, ok: (f: Map<string, Family>) => boolean): Promise<Map<string, Family>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const f = await scrape(url);
    if (ok(f) || Date.now() > deadline) return f;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Counts to 3 in phases the test follows by the gauge `phase`; the loop makes instructions grow. */
const PHASED = `import "std/metrics" as metrics
let phase = metrics.gauge("phase", "How far the program is")
func job(i) {
  metrics.counter("jobs_done_total", "Jobs done").inc()
  return i * 2
}
var s = 0
for i in 0..20000 { s += i }
phase.set(1)
await sleep(600)
for i in 0..20000 { s += i }
let rs = await all([spawn job(1), spawn job(2), spawn job(3)])
phase.set(2)
await sleep(1500)
print(s, rs)
`;

describe("noodle run --metrics", () => {
  it("serves Prometheus text whose series move as the program runs", async () => {
    const file = scratch.file("phased.nc", PHASED);
    const run = noodle(["run", "--metrics", "0", file]);
    const url = await run.address;
    expect(url).toMatch(/^http:/);
    const first = await scrapeUntil(url, (f) => sampleValue(f, "phase") >= 1);
    const second = await scrapeUntil(url, (f) => sampleValue(f, "phase") === 2);
    expect(sampleValue(second, "phase")).toBe(2);
    expect(sampleValue(first, "noodle_instructions_total")).toBeGreaterThan(20000);
    expect(sampleValue(second, "noodle_instructions_total")).toBeGreaterThan(sampleValue(first, "noodle_instructions_total") + 20000);
    expect(sampleValue(second, "jobs_done_total")).toBe(3);
    expect(second.get("jobs_done_total")?.help).toBe("Jobs done");
    expect(sampleValue(second, "noodle_heap_bytes", { kind: "in_use" })).toBeGreaterThan(0);
    expect(second.get("noodle_gc_pause_seconds")?.type).toBe("histogram");
    expect(sampleValue(second, "noodle_tasks", { state: "blocked" })).toBe(1);
    for (const name of second.keys()) expect(name.startsWith("noodle_") || ["phase", "jobs_done_total"].includes(name)).toBe(true);
    const notFound = await fetch(url.replace("/metrics", "/other"));
    expect(notFound.status).toBe(404);
    const ended = await run.ended;
    expect(ended.code).toBe(0);
    expect(ended.stdout).toBe("399980000 [2, 4, 6]\n");
    expect(ended.stderr).toBe(`metrics at ${url}\n`);
  });

  it("counts what tasks on workers count, and shows the workers", async () => {
    const file = scratch.file("workers.nc", PHASED);
    const run = noodle(["run", "--workers", "2", "--metrics", "0", file]);
    const url = await run.address;
    const f = await scrapeUntil(url, (m) => sampleValue(m, "phase") === 2);
    expect(sampleValue(f, "jobs_done_total")).toBe(3);
    expect(sampleValue(f, "noodle_workers", { state: "up" })).toBe(2);
    expect(sampleValue(f, "noodle_workers_lost_total")).toBe(0);
    // the workers' VMs, asked for at the scrape: the jobs ran there
    const workers = ["0", "1"];
    const ran = workers.map((w) => sampleValue(f, "noodle_worker_instructions_total", { worker: w }));
    expect(ran.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    for (const w of workers) expect(sampleValue(f, "noodle_worker_heap_bytes", { worker: w, kind: "committed" })).toBeGreaterThan(0);
    expect(f.get("noodle_worker_gc_collections_total")?.type).toBe("counter");
    const ended = await run.ended;
    expect(ended.code).toBe(0);
    expect(ended.stdout).toBe("399980000 [2, 4, 6]\n");
  });
});

describe("bad metrics and log flags", () => {
  const program = () => scratch.file("tiny.nc", 'print("hi")\n');

  it("a port that is not a port is 9010, a level that is not a level 9011", async () => {
    for (const [args, code] of [
      [["--metrics", "http"], 9010],
      [["--metrics", "70000"], 9010],
      [["--log-level", "loud"], 9011],
    ] as const) {
      const r = await noodle(["run", ...args, program()]).ended;
      expect(r.code).toBe(64);
      expect(r.stderr).toContain(`error[${code}]`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe("");
    }
  });

  it("a port in use is 9010 and the program does not run", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as AddressInfo).port;
      const r = await noodle(["run", "--metrics", String(port), program()]).ended;
      expect(r.stderr).toBe(`noodle: error[9010]: cannot serve metrics on 127.0.0.1:${port}: the port is in use\n`);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`noodle: error[9010]: cannot serve metrics on 127.0.0.1:${port}: the port is in use\n`);
      expect(r.stdout).toBe("");
    } finally {
      server.close();
    }
  });

  it("a log file outside the write roots is 6001", async () => {
    const r = await noodle(["run", "--log-file", "/proc/noodle-test.log", program()]).ended;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[6001]");
    expect(r.stderr).toContain("--allow-write");
    expect(r.stdout).toBe("");
  });
});

const RESTARTS = `actor Fragile {
  var n = 0
  func bump() { n += 1; return n }
  func fail() { throw "broken" }
}
let a = spawn Fragile()
print(await a.bump())
try { await a.fail() } catch e { print("caught", e.message) }
print(await a.bump())
`;

describe("the log of runtime events", () => {
  it("writes an actor's restart as a JSON line to --log-file", async () => {
    const file = scratch.file("restarts.nc", RESTARTS);
    const r = await noodle(["run", "--log-level", "info", "--log-file", "events.log", file]).ended;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("1\ncaught broken\n1\n");
    expect(r.stderr).toBe("");
    const lines = readFileSync(join(scratch.dir, "events.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(Object.keys(line).slice(0, 6)).toEqual(["time", "level", "event", "node", "task", "actor"]);
    expect(line).toMatchObject({ level: "warn", event: "actor_restarted", node: null, task: null });
    expect(line.actor).toMatch(/^Fragile@\d+$/);
    expect(Number.isNaN(Date.parse(line.time))).toBe(false);
  });

  it("logs the restart of an actor placed on a worker too, and nothing at the default level", async () => {
    const file = scratch.file("restarts-workers.nc", RESTARTS);
    const logged = await noodle(["run", "--workers", "2", "--log-level", "warn", file]).ended;
    expect(logged.stdout).toBe("1\ncaught broken\n1\n");
    const events = logged.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(["actor_restarted"]);
    expect(events[0].worker).toBeGreaterThanOrEqual(0);
    const quiet = await noodle(["run", "--workers", "2", file]).ended;
    expect(quiet.stdout).toBe("1\ncaught broken\n1\n");
    expect(quiet.stderr).toBe("");
  });
});
