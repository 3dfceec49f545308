// `noodle upgrade --cluster URL FILE.nc` rolls a new version out to a program running on a cluster
// of two node processes, node by node, and rolls it back everywhere when a node fails its health
// window. The program's actors live on both nodes and are messaged all along: none is lost.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchFolder } from "../helpers.js";
import { type Started, TestCluster } from "./cluster-fixture.js";
import { natsSuiteRuns } from "./nats-server.js";

const folder = scratchFolder("noodle-cluster-upgrade-");

// counters on both nodes, messaged until the file `stop` appears; `inc` is the version's own
const program = (version: number, inc: string) => `import "std/cluster" as cluster
import "std/fs" as fs
actor Counter {
  var count = 0
  var seen = 0
  func inc() { ${inc} }
  func get() { return [count, seen, ${version}] }
  func where() { return cluster.here() }
  func migrate(old) { count = old["count"]; seen = old["seen"] }
}
func version() { return ${version} }
// counters on both nodes: a node that joined the run late gets its worker a moment later
var cs = []
var places = {}
while len(cs) < 4 or len(keys(places)) < 2 {
  let c = spawn Counter()
  places[await c.where()] = true
  push(cs, c)
  if len(cs) >= 4 { await sleep(5) }
}
var sent = 0
var failures = 0
print("running")
while !fs.exists(STOP) {
  for c in cs {
    try { await c.inc() } catch e { failures += 1 }
  }
  sent += 1
  await sleep(2)
}
var counted = []
for c in cs { push(counted, await c.get()) }
print(version(), sent, failures, counted)
`;

const COUNT = "count += 1\n  seen += 1";

describe.runIf(natsSuiteRuns())("noodle upgrade --cluster", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.start(["n1", "n2"], 1);
  }, 60_000);
  afterAll(() => cluster?.stop());

  /** Starts version 1 from a folder of its own as `app.nc`; the file `stop` there ends its loop. */
  async function started(name: string): Promise<{ run: Started; stop: () => void }> {
    const dir = join(folder.dir, name);
    mkdirSync(dir);
    const stopFile = join(dir, "stop");
    const source = program(1, COUNT).replace("STOP", JSON.stringify(stopFile));
    const path = join(dir, "app.nc");
    writeFileSync(path, source);
    const run = cluster.cli(["run", "--cluster", cluster.url, path]);
    await run.printed("running\n");
    return { run, stop: () => writeFileSync(stopFile, "") };
  }

  /** `noodle upgrade` with the source of `version`, as `app.nc` from another folder. */
  function upgrade(name: string, source: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const dir = join(folder.dir, name);
    mkdirSync(dir);
    const path = join(dir, "app.nc");
    writeFileSync(path, source.replace("STOP", '"unused"'));
    return cluster.cli(["upgrade", "--cluster", cluster.url, "--window", "400", path]).ended;
  }

  it("switches node by node, each after the one before was healthy, with no message lost", async () => {
    const { run, stop } = await started("v1-ok");
    const r = await upgrade("v2-ok", program(2, COUNT));
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^program \S+: upgraded to version 2 on n1, n2\n$/);
    expect(r.code).toBe(0);
    stop();
    const ended = await run.ended;
    expect(ended.code).toBe(0);
    // n1 switched with the program's VM, n2 once n1 had passed its window
    expect(ended.stderr).toBe("upgraded to version 2\nversion 2 switched on node n1\nversion 2 switched on node n2\n");
    const m = /running\n2 (\d+) 0 (\[.*\])\n$/.exec(ended.stdout);
    expect(m).not.toBeNull();
    // every actor answers on version 2, having counted every message once
    for (const counted of JSON.parse(m![2])) expect(counted).toEqual([Number(m![1]), Number(m![1]), 2]);
  }, 60_000);

  it("rolls back on every node when one fails its health window", async () => {
    const { run, stop } = await started("v1-bad");
    // the new version's handlers fail on n2 only: n1 passes its window, n2 does not
    const r = await upgrade("v2-bad", program(2, `if cluster.here() == "n2" { throw "broken on n2" }\n  ${COUNT}`));
    expect(r.stdout).toMatch(/^program \S+: rolled back to version 1 \(error-rate: \d+ of \d+ messages failed in the health window of n2\)\n$/);
    expect(r.code).toBe(1);
    stop();
    const ended = await run.ended;
    expect(ended.code).toBe(0);
    expect(ended.stderr).toMatch(
      /^upgraded to version 2\nversion 2 switched on node n1\nversion 2 switched on node n2\nrolled back to version 1 \(error-rate: .* of n2\)\n$/,
    );
    const m = /running\n1 (\d+) (\d+) (\[.*\])\n$/.exec(ended.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThan(0);
    // a handler that throws restarts its actor with its initial state (on n2); back on version 1
    // every actor counts each message once, and none counted more than was sent
    const counted: [number, number, number][] = JSON.parse(m![3]);
    // the actors on n1, which had switched, are back on version 1 too
    expect(counted.length).toBeGreaterThanOrEqual(4);
    expect(counted.map(([, , version]) => version)).toEqual(counted.map(() => 1));
    const handled = counted.reduce((n, [, seen]) => n + seen, 0);
    expect(handled + Number(m![2])).toBeLessThanOrEqual(counted.length * Number(m![1]));
    for (const [count, seen] of counted) expect(count).toBe(seen);
  }, 60_000);

  it("says when no program runs the file (7008), and refuses a file that is not source", async () => {
    const r = await upgrade("nobody", program(2, COUNT).replace("app.nc", "x"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[7008\]: no program running app\.nc answered on the cluster at nats:\/\/noodle@127\.0\.0\.1:\d+ within 2000 ms\n$/);
    expect(r.stderr).not.toMatch(/password|secret/);
    const bad = await cluster.cli(["upgrade", "--cluster", cluster.url, "app.nbc"]).ended;
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/noodle upgrade takes the new version's source, a FILE\.nc/);
  }, 30_000);
});
