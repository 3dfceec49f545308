// The cluster's commands: `noodle cluster up` starts a server and nodes a program can run on and
// ends them all on Ctrl-C; `noodle node` without valid credentials is refused with 6002; and
// std/cluster outside a cluster says "local" with no nodes.
import { spawn, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runSource, scratchFolder } from "../helpers.js";
import { TestCluster } from "./cluster-fixture.js";
import { natsSuiteRuns } from "./nats-server.js";

const programs = scratchFolder("noodle-cluster-commands-");

describe.runIf(natsSuiteRuns())("noodle cluster up", () => {
  it("starts a server and N nodes, a program runs on them, and Ctrl-C ends everything", async () => {
    const up = spawn(process.execPath, [ROOT + "bin/noodle.js", "cluster", "up", "--nodes", "2", "--workers", "1"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    up.stdout.on("data", (d) => (out += d));
    const ended = new Promise<number | null>((resolve) => up.on("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!out.includes("Ctrl-C stops it") && Date.now() < deadline && up.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain("with 2 node(s): node-1, node-2");
      const url = /nats-server at (\S+)/.exec(out)![1];
      const path = programs.file(
        "up.nc",
        `import "std/cluster" as cluster
func where(i) { await sleep(20); return cluster.here() }
var seen = {}
for w in await all([spawn where(1), spawn where(2), spawn where(3), spawn where(4)]) { seen[w] = true }
print(sort(keys(seen)))
`,
      );
      const run = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", "--cluster", url, path], { encoding: "utf8", timeout: 30_000 });
      expect({ code: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ code: 0, stdout: `["node-1", "node-2"]\n`, stderr: "" });
      up.kill("SIGINT");
      expect(await ended).toBe(0);
      // the server is gone with it
      const after = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "cluster", "status", "--nats", url], { encoding: "utf8", timeout: 30_000 });
      expect(after.status).toBe(1);
      expect(after.stderr).toContain("error[7005]");
    } finally {
      up.kill("SIGKILL");
    }
  }, 90_000);
});

describe.runIf(natsSuiteRuns())("noodle node", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.start([]);
  }, 30_000);
  afterAll(() => cluster?.stop());

  it("is refused with 6002 without valid credentials, and says nothing of the password", () => {
    for (const url of [cluster.plainUrl, cluster.url.replace(/:[^:@/]+@/, ":wrong-password@")]) {
      const r = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "node", "--nats", url, "--name", "intruder"], { encoding: "utf8", timeout: 30_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^error\[6002\]/);
      expect(r.stderr).not.toContain("wrong-password");
      expect(r.stderr).not.toContain("    at ");
    }
  }, 60_000);

  it("names the cluster it joined without the password", async () => {
    const node = await cluster.startNode("shown", 1);
    const password = decodeURIComponent(new URL(cluster.url).password);
    expect(node.stdout()).toMatch(/^node shown joined the cluster at nats:\/\/\w+@127\.0\.0\.1:\d+ with 1 worker\(s\)\n/);
    expect(node.stdout()).not.toContain(password);
    expect((await cluster.kill("shown", "SIGTERM")).code).toBe(0);
  }, 30_000);

  it("refuses a name that is not one subject token", () => {
    const r = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "node", "--nats", cluster.url, "--name", "a.b"], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(64);
    expect(r.stderr).toContain("--name must be 1 to 64 letters, digits, '-' or '_'");
  });
});

describe("std/cluster without a cluster", () => {
  it("runs here, 'local', and lists no nodes", async () => {
    const r = await runSource(`import "std/cluster" as cluster\nprint(cluster.here(), cluster.nodes())\n`);
    expect(r.output).toBe("local []\n");
  });
});
