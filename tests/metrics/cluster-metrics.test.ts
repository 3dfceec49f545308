// A cluster's metrics: `noodle node --metrics 0` serves the node's series over HTTP, and
// `noodle cluster metrics` gathers every live node's over NATS into one Prometheus text whose
// samples carry their node's name. A real nats-server on a loopback port; every process started
// here is ended here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatherNodeMetrics } from "../../src/metrics/gather.js";
import { type Started, TestCluster } from "../cluster/cluster-fixture.js";
import { natsSuiteRuns } from "../cluster/nats-server.js";
import { scratchFolder } from "../helpers.js";
import { type Family, parsePrometheusText, sampleValue } from "./prometheus-text.js";

describe("gathering nodes' metrics", () => {
  it("labels every sample with its node and keeps each family together", () => {
    const a = '# HELP up Up\n# TYPE up gauge\nup 1\n# HELP h H\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n';
    const b = '# HELP up Up\n# TYPE up gauge\nup 0\n# HELP w W\n# TYPE w gauge\nw{state="busy"} 2\n';
    const text = gatherNodeMetrics(
      new Map([
        ["a", a],
        ['b"2', b],
      ]),
    );
    const families = parsePrometheusText(text);
    expect([...families.keys()]).toEqual(["up", "h", "w"]);
    expect(sampleValue(families, "up", { node: "a" })).toBe(1);
    expect(sampleValue(families, "up", { node: 'b"2' })).toBe(0);
    expect(sampleValue(families, "h_bucket", { node: "a", le: "+Inf" })).toBe(2);
    expect(sampleValue(families, "w", { node: 'b"2', state: "busy" })).toBe(2);
  });
});

const TASKS = `func square(i) { return i * i }
var fs = []
for i in 0..8 { fs = push(fs, spawn square(i)) }
var total = 0
for r in await all(fs) { total = total + r }
print(total)
// the session stays open a moment, so that the nodes hear what their workers did
await sleep(700)
`;

const programs = scratchFolder("noodle-cluster-metrics-");

describe.runIf(natsSuiteRuns())("the metrics of cluster nodes", () => {
  let cluster: TestCluster;
  let first: Started;
  beforeAll(async () => {
    cluster = await TestCluster.start([]);
    first = await cluster.startNode("metrics-a", 2, ["--metrics", "0", "--log-level", "debug"]);
    await cluster.startNode("metrics-b", 1);
  }, 60_000);
  afterAll(() => cluster?.stop());

  async function scrapeNode(): Promise<Map<string, Family>> {
    const url = /metrics at (\S+)\n/.exec(first.stderr())?.[1];
    expect(url).toBeDefined();
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    return parsePrometheusText(await res.text());
  }

  it("serves a node's series over HTTP", async () => {
    const families = await scrapeNode();
    expect(sampleValue(families, "noodle_node_up")).toBe(1);
    expect(sampleValue(families, "noodle_node_sessions")).toBe(0);
    expect(sampleValue(families, "noodle_node_workers_lost_total")).toBe(0);
    expect(sampleValue(families, "noodle_node_workers", { state: "spare" })).toBe(2);
  });

  it("gathers every node's series with `noodle cluster metrics`, which count the work they ran", async () => {
    const ran = await cluster.run([programs.file("tasks.nc", TASKS)]);
    expect(ran).toMatchObject({ code: 0, stdout: "140\n" });
    const deadline = Date.now() + 15_000;
    let families: Map<string, Family>;
    for (;;) {
      const r = await cluster.cli(["cluster", "metrics", "--nats", cluster.url]).ended;
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      families = parsePrometheusText(r.stdout);
      const tasks = ["metrics-a", "metrics-b"].map((node) => sampleValue(families, "noodle_node_tasks_total", { node }));
      if (tasks[0] + tasks[1] === 8 || Date.now() > deadline) break;
    }
    expect(sampleValue(families, "noodle_node_up", { node: "metrics-a" })).toBe(1);
    expect(sampleValue(families, "noodle_node_up", { node: "metrics-b" })).toBe(1);
    expect(
      sampleValue(families, "noodle_node_tasks_total", { node: "metrics-a" }) + sampleValue(families, "noodle_node_tasks_total", { node: "metrics-b" }),
    ).toBe(8);
    expect(families.get("noodle_node_workers")?.samples.length).toBe(4);
  });

  it("serves a run's cluster series: the nodes it sees and its workers' messages", async () => {
    const run = cluster.cli(["run", "--cluster", cluster.url, "--metrics", "0", programs.file("served.nc", `${TASKS}print("ran")\nawait sleep(3000)\n`)]);
    await run.printed("ran");
    const url = /metrics at (\S+)\n/.exec(run.stderr())?.[1];
    expect(url).toBeDefined();
    const families = parsePrometheusText(await (await fetch(url!)).text());
    expect(sampleValue(families, "noodle_cluster_nodes")).toBe(2);
    // at least each task out and its answer back
    expect(sampleValue(families, "noodle_cluster_messages_total", { direction: "sent" })).toBeGreaterThan(0);
    expect(sampleValue(families, "noodle_cluster_messages_total", { direction: "received" })).toBeGreaterThan(0);
    expect(sampleValue(families, "noodle_cluster_refused_total")).toBe(0);
    expect(sampleValue(families, "noodle_workers", { state: "up" })).toBeGreaterThan(0);
    expect(await run.ended).toMatchObject({ code: 0, stdout: "140\nran\n" });
  });

  it("logs the nodes a run sees join and die", async () => {
    const run = cluster.cli([
      "run",
      "--cluster",
      cluster.url,
      "--log-level",
      "info",
      programs.file("waits.nc", 'print("started")\nawait sleep(5000)\nprint("done")\n'),
    ]);
    await run.printed("started");
    const late = await cluster.startNode("metrics-c", 1);
    const lines = () =>
      run
        .stderr()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l));
    const deadline = Date.now() + 10_000;
    while (!lines().some((e) => e.event === "node_joined") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    late.process.kill("SIGKILL");
    while (!lines().some((e) => e.event === "node_dead") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const ended = await run.ended;
    expect(ended).toMatchObject({ code: 0, stdout: "started\ndone\n" });
    const events = lines().filter((e) => e.peer === "metrics-c");
    expect(events.map((e) => [e.event, e.level])).toEqual([
      ["node_joined", "info"],
      ["node_dead", "warn"],
    ]);
    expect(events[0]).toMatchObject({ node: null, task: null, actor: null });
  });

  it("logs a node's workers ending as JSON lines with the node's name", () => {
    const events = first
      .stderr()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e).toMatchObject({ node: "metrics-a", event: "worker_ended", level: "debug" });
  });
});
