// Programs run on a cluster of three node processes over a real nats-server: their tasks and
// actors are placed across the nodes, print what one VM prints, and survive the loss of a node
// (tasks run again elsewhere, each result delivered once; an actor restarts on another node).
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/cluster/cluster.js";
import { compile, VM } from "../../src/index.js";
import { ROOT, scratchFolder } from "../helpers.js";
import { DRAINED_PROGRAM, TestCluster } from "./cluster-fixture.js";
import { natsSuiteRuns } from "./nats-server.js";

const programs = scratchFolder("noodle-cluster-run-");

function alone(path: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", path], { encoding: "utf8", timeout: 30_000, cwd: ROOT });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(natsSuiteRuns())("a program on a cluster", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.start(["n1", "n2", "n3"]);
  }, 60_000);
  afterAll(() => cluster?.stop());

  it("places its tasks on every node (cluster.here) and its main stays local", async () => {
    const path = programs.file(
      "placement.nc",
      `import "std/cluster" as cluster
func where(i) { await sleep(20); return cluster.here() }
var fs = []
for i in range(0, 24) { fs = push(fs, spawn where(i)) }
var seen = {}
for w in await all(fs) { seen[w] = true }
print(sort(keys(seen)))
print(cluster.here(), len(cluster.nodes()))
`,
    );
    const r = await cluster.run([path]);
    expect(r).toEqual({ code: 0, stdout: `["n1", "n2", "n3"]\nlocal 3\n`, stderr: "" });
  }, 60_000);

  it("takes placement hints from the library: a node's name, a label, packed onto few nodes", async () => {
    await cluster.startNode("labelled", 2, ["--label", "big-memory"]);
    const { module } = compile(
      `import "std/cluster" as cluster
func where(i) { await sleep(10); return cluster.here() }
var seen = {}
for w in await all([spawn where(1), spawn where(2), spawn where(3), spawn where(4), spawn where(5), spawn where(6)]) { seen[w] = true }
print(sort(keys(seen)))
`,
      { file: "hints.nc" },
    );
    const placed = async (options: Parameters<typeof Cluster.connect>[1]) => {
      const connected = await Cluster.connect(cluster.url, options);
      let out = "";
      const vm = await VM.create({ stdout: (t) => (out += t) });
      connected.attach(vm);
      try {
        expect((await vm.runAsync(module!)).ok).toBe(true);
        return out;
      } finally {
        await connected.close();
      }
    };
    expect(await placed({ placement: { node: "n2" } })).toBe(`["n2"]\n`);
    expect(await placed({ placement: { label: "big-memory" } })).toBe(`["labelled"]\n`);
    // two workers packed: both on one node (the first by name of those with the most room used)
    expect(await placed({ placement: "pack", workers: 2 })).toBe(`["labelled"]\n`);
    expect(await placed({ placement: "spread", workers: 2 })).not.toBe(`["labelled"]\n`);
    await expect(Cluster.connect(cluster.url, { placement: { node: "nowhere" } })).rejects.toThrow(/7005|no node fits the placement/);
    await cluster.kill("labelled", "SIGTERM");
  }, 60_000);

  it("waits for a node that the placement names and that is still joining", async () => {
    // the connection starts while "late" is not yet a member: it waits for it, not failing with 7005
    const connecting = Cluster.connect(cluster.url, { placement: { node: "late" }, timeoutMs: 30_000 });
    await cluster.startNode("late", 1);
    const connected = await connecting;
    let out = "";
    const vm = await VM.create({ stdout: (t) => (out += t) });
    connected.attach(vm);
    try {
      const { module } = compile(`import "std/cluster" as cluster\nprint(await spawn cluster.here())\n`, { file: "late.nc" });
      expect((await vm.runAsync(module!)).ok).toBe(true);
    } finally {
      await connected.close();
    }
    expect(out).toBe(`late\n`);
    await cluster.kill("late", "SIGTERM");
  }, 60_000);

  it("prints what one VM prints: tasks, actors called from tasks on other nodes, errors and un-awaited work", async () => {
    const path = programs.file(
      "same.nc",
      `actor Ledger {
  var total = 0
  func add(k) { total = total + k; return total }
  func fail() { throw error(4321, "refused") }
}
let ledger = spawn Ledger()
func work(n) { await ledger.add(n); return n * n }
func late(n) { await sleep(50); print("late", n) }
print(await all([spawn work(1), spawn work(2), spawn work(3)]))
print(await ledger.add(0))
try { await ledger.fail() } catch e { print("caught", e.code) }
spawn late(7)
func boom() { throw error(5555, "boom") }
print(await spawn boom())
`,
    );
    const one = alone(path);
    expect(one.code).toBe(1);
    expect(one.stdout).toBe("[1, 4, 9]\n6\ncaught 4321\n");
    expect(await cluster.run([path])).toEqual(one);
  }, 60_000);

  it("runs the tasks of a node killed in the middle of a 1000-task job again elsewhere, each result once", async () => {
    await cluster.startNode("victim");
    const { module } = compile(
      `func square(i) {
  var x = 0
  for k in range(0, 40000) { x = x + 1 }
  return i * i
}
var fs = []
for i in range(0, 1000) { fs = push(fs, spawn square(i)) }
let results = await all(fs)
var total = 0
for r in results { total = total + r }
print(len(results), total)
`,
      { file: "job.nc" },
    );
    const connected = await Cluster.connect(cluster.url);
    let out = "";
    const vm = await VM.create({ stdout: (t) => (out += t) });
    connected.attach(vm);
    try {
      const running = vm.runAsync(module!);
      // each task takes about a millisecond: the job lasts seconds, and every node holds some of it
      await new Promise((r) => setTimeout(r, 400));
      await cluster.kill("victim");
      const result = await running;
      expect(result.ok).toBe(true);
      // the sum of i*i for i < 1000: every result counted exactly once
      expect(out).toBe("1000 332833500\n");
      expect(connected.pool.retries).toBeGreaterThan(0);
    } finally {
      await connected.close();
    }
  }, 60_000);

  it("restarts an actor whose node is killed on another node, where it answers again", async () => {
    const path = programs.file(
      "actor-moves.nc",
      `import "std/cluster" as cluster
actor Where { func here() { return cluster.here() } }
let a = spawn Where()
let first = await a.here()
print(first)
var next = nil
var tries = 0
while next == nil and tries < 200 {
  await sleep(50)
  tries = tries + 1
  try {
    let w = await a.here()
    if w != first { next = w }
  } catch e { print("lost", e.code) }
}
print(next != nil)
`,
    );
    const run = cluster.cli(["run", "--cluster", cluster.url, path]);
    await run.printed("\n");
    const first = run.stdout().trim();
    await cluster.kill(first);
    const r = await run.ended;
    expect(r.code).toBe(0);
    // a message in flight when the node died fails with 7001; the restarted actor answers elsewhere
    expect(r.stdout.endsWith("true\n")).toBe(true);
    expect(r.stdout.replace(/lost 7001\n/g, "")).toBe(`${first}\ntrue\n`);
    await cluster.startNode(first);
  }, 60_000);

  it("restores a persistent actor's last checkpoint on another node (--persist), and only a persistent one's", async () => {
    const path = programs.file(
      "tally.nc",
      `import "std/cluster" as cluster
actor Tally {
  var count = 0
  var seen = []
  let start = 100
  func add(k) { count = count + k; seen = push(seen, k); return count }
  func where() { return cluster.here() }
  func state() { return [start, count, seen] }
}
let t = spawn Tally()
for k in range(1, 6) { await t.add(k) }
let first = await t.where()
print(first, await t.state())
var moved = false
var tries = 0
while not moved and tries < 200 {
  await sleep(50)
  tries = tries + 1
  try { moved = await t.where() != first } catch e { print("lost", e.code) }
}
print(moved, await t.state(), await t.add(10))
`,
    );
    const ran = async (persist: string[]) => {
      const run = cluster.cli(["run", "--cluster", cluster.url, ...persist, path]);
      await run.printed("\n");
      const first = run.stdout().split(" ")[0];
      await cluster.kill(first);
      const r = await run.ended;
      await cluster.startNode(first);
      return { ...r, stdout: r.stdout.replace(/lost 7001\n/g, "").replaceAll(first, "FIRST") };
    };
    expect(await ran(["--persist", "Tally"])).toEqual({
      code: 0,
      stdout: "FIRST [100, 15, [1, 2, 3, 4, 5]]\ntrue [100, 15, [1, 2, 3, 4, 5]] 25\n",
      stderr: "",
    });
    // without --persist the actor starts again with its initial state
    expect(await ran([])).toEqual({ code: 0, stdout: "FIRST [100, 15, [1, 2, 3, 4, 5]]\ntrue [100, 0, []] 10\n", stderr: "" });
  }, 90_000);

  it("drains a node on SIGTERM: what it holds finishes, then it leaves", async () => {
    await cluster.startNode("drained", 2);
    const path = programs.file("slow.nc", DRAINED_PROGRAM);
    const run = cluster.cli(["run", "--cluster", cluster.url, path]);
    await run.printed("spawned");
    const drained = cluster.kill("drained", "SIGTERM");
    const r = await run.ended;
    expect(r).toEqual({ code: 0, stdout: "spawned\n780\n", stderr: "" });
    const node = await drained;
    expect(node.code).toBe(0);
    expect(node.stdout).toContain("node drained left the cluster");
  }, 60_000);

  it("refuses --workers with --cluster, and --task-retries or --persist without it", () => {
    const both = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", "--workers", "2", "--cluster", cluster.url, "x.nc"], { encoding: "utf8" });
    expect(both.status).toBe(64);
    expect(both.stderr).toContain("error[9001]: --workers and --cluster do not go together");
    const retries = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", "--task-retries", "2", "x.nc"], { encoding: "utf8" });
    expect(retries.status).toBe(64);
    expect(retries.stderr).toContain("--task-retries goes with --cluster");
    const persist = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", "--persist", "Tally", "x.nc"], { encoding: "utf8" });
    expect(persist.status).toBe(64);
    expect(persist.stderr).toContain("--persist goes with --cluster");
    const names = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", "--cluster", cluster.url, "--persist", "A,2b", "x.nc"], { encoding: "utf8" });
    expect(names.status).toBe(64);
    expect(names.stderr).toContain("--persist expects actor names separated by commas, got 'A,2b'");
  });
});
