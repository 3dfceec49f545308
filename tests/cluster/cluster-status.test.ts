// `noodle cluster status`: the live nodes as a table or JSON, through the real command line. The
// command runs asynchronously so that the nodes announcing in this process keep announcing.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatUptime, statusJson, statusTable } from "../../src/cli/cluster-status.js";
import { connectCluster } from "../../src/cluster/connect.js";
import { type LocalNats, startLocalNats } from "../../src/cluster/local-server.js";
import { NodeAnnouncer } from "../../src/cluster/membership.js";
import { ROOT } from "../helpers.js";
import { natsSuiteRuns, nodeRecord } from "./nats-server.js";

function noodle(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { NOODLE_NATS: _, ...base } = process.env;
  const child = spawn(process.execPath, [`${ROOT}bin/noodle.js`, ...args], { cwd: ROOT, env: { ...base, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("the status table", () => {
  it("shows uptime as people read it", () => {
    expect([0, 12, 59, 60, 184, 3599, 3600, 7260, 86399, 86400 + 4 * 3600].map(formatUptime)).toEqual([
      "0s",
      "12s",
      "59s",
      "1m 00s",
      "3m 04s",
      "59m 59s",
      "1h 00m",
      "2h 01m",
      "23h 59m",
      "1d 04h",
    ]);
  });

  it("aligns its columns, names to the left and numbers to the right", () => {
    const now = 1_000_000;
    const nodes = [
      nodeRecord("a", { workers: 16, load: 0.333333, tasks: 120, actors: 3, startedAt: now - 12_000 }),
      nodeRecord("node-long", { workers: 2, load: 1.5, tasks: 0, actors: 0, startedAt: now - 184_000 }),
    ];
    expect(statusTable(nodes, now)).toBe(
      [
        "name       workers  load  tasks  actors  uptime",
        "---------  -------  ----  -----  ------  ------",
        "a               16  0.33    120       3     12s",
        "node-long        2   1.5      0       0  3m 04s",
        "(2 nodes)",
        "",
      ].join("\n"),
    );
    expect(statusTable([], now)).toBe("name  workers  load  tasks  actors  uptime\n----  -------  ----  -----  ------  ------\n(0 nodes)\n");
  });

  it("prints JSON with the fields the spec names, uptime and labels", () => {
    const now = 100_000;
    const json = JSON.parse(statusJson([nodeRecord("a", { workers: 4, load: 0.5, tasks: 2, actors: 1, startedAt: 40_000, labels: ["gpu"] })], now));
    expect(json).toEqual({ nodes: [{ name: "a", workers: 4, load: 0.5, tasks: 2, actors: 1, uptime_s: 60, labels: ["gpu"] }] });
  });
});

describe("the command without a cluster", () => {
  it("asks for --nats or NOODLE_NATS when given neither (usage, exit 64)", async () => {
    const r = await noodle(["cluster", "status"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("noodle: error[9001]: no cluster given: pass --nats URL or set NOODLE_NATS");
  });

  it("refuses an unknown cluster command (usage, exit 64)", async () => {
    const r = await noodle(["cluster", "sideways", "--nats", "nats://127.0.0.1:1"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("unknown cluster command 'sideways'");
  });

  it("is 7005 and exit 1 for a URL where nothing listens, with no stack trace", async () => {
    const r = await noodle(["cluster", "status", "--nats", "nats://u:hunter2@127.0.0.1:1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error[7005]: no cluster reachable at nats://u@127.0.0.1:1: connection refused\n");
    expect(r.stdout).toBe("");
  });

  it("refuses a URL that is not a cluster's (usage, exit 64), without its password", async () => {
    const r = await noodle(["cluster", "status", "--nats", "http://u:hunter2@127.0.0.1:80"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("noodle: error[9001]: 'http://u@127.0.0.1:80' is not a cluster URL");
    expect(r.stderr).not.toContain("hunter2");
  });

  it("takes the URL from NOODLE_NATS", async () => {
    const r = await noodle(["cluster", "status"], { NOODLE_NATS: "nats://127.0.0.1:1" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[7005]: no cluster reachable at nats://127.0.0.1:1");
  });

  it("has its help", async () => {
    const r = await noodle(["cluster", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("usage: noodle cluster status [--nats URL] [--json]");
    expect(r.stdout).toContain("--nats URL");
    expect(r.stdout).toContain("--json");
  });
});

describe.runIf(natsSuiteRuns())("a server without JetStream", () => {
  let server: ChildProcess | undefined;
  let dir: string;
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const ended = new Promise((r) => server?.once("close", r));
      server.kill("SIGTERM");
      await ended;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("is 7005 saying that JetStream is not enabled", async () => {
    dir = mkdtempSync(join(tmpdir(), "noodle-nats-plain-"));
    const PATH = `${process.env.PATH ?? ""}:/usr/sbin`;
    server = spawn("nats-server", ["-a", "127.0.0.1", "-p", "-1", "--user", "u", "--pass", "p", "--ports_file_dir", dir], {
      stdio: "ignore",
      env: { ...process.env, PATH },
    });
    let ports: string | undefined;
    for (let i = 0; i < 250 && !ports; i++) {
      ports = readdirSync(dir).find((f) => f.endsWith(".ports"));
      if (!ports) await new Promise((r) => setTimeout(r, 20));
    }
    const port = new URL((JSON.parse(readFileSync(join(dir, ports as string), "utf8")) as { nats: string[] }).nats[0]).port;
    const r = await noodle(["cluster", "status", "--nats", `nats://u:p@127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error[7005]: no cluster reachable at nats://127.0.0.1:${port}: JetStream is not enabled on the server (its config needs a jetstream block)\n`,
    );
  });
});

describe.runIf(natsSuiteRuns())("noodle cluster status", () => {
  let nats: LocalNats;
  let nc: NatsConnection;
  const announcers: NodeAnnouncer[] = [];

  beforeAll(async () => {
    nats = await startLocalNats();
    nc = await connectCluster(nats.url);
    const startedAt = Date.now() - 75_000;
    announcers.push(await NodeAnnouncer.start(nc, () => nodeRecord("worker-b", { workers: 2, load: 0.5, tasks: 3, actors: 1, startedAt })));
    announcers.push(await NodeAnnouncer.start(nc, () => nodeRecord("worker-a", { workers: 4, load: 0, tasks: 0, actors: 7, startedAt })));
    announcers.push(await NodeAnnouncer.start(nc, () => nodeRecord("worker-c", { startedAt })));
    // worker-c dies: its record stays in the bucket, but it announces no more (an announcement
    // already on its way when it halts lands before the commands below watch)
    announcers[2].halt();
    await new Promise((r) => setTimeout(r, 600));
  });
  afterAll(async () => {
    await Promise.all(announcers.map((a) => a.stop()));
    await nc?.close();
    await nats?.stop();
  });

  it("prints the live nodes as a table, sorted by name, without the dead one", async () => {
    const r = await noodle(["cluster", "status", "--nats", nats.url]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("name      workers  load  tasks  actors  uptime");
    expect(lines[2]).toMatch(/^worker-a {8}4 {5}0 {6}0 {7}7 {2}1m 1\ds$/);
    expect(lines[3]).toMatch(/^worker-b {8}2 {3}0\.5 {6}3 {7}1 {2}1m 1\ds$/);
    expect(lines.slice(4)).toEqual(["(2 nodes)", ""]);
  });

  it("prints them as JSON with --json", async () => {
    const r = await noodle(["cluster", "status", "--json"], { NOODLE_NATS: nats.url });
    expect(r.code).toBe(0);
    const { nodes } = JSON.parse(r.stdout) as { nodes: Record<string, unknown>[] };
    expect(nodes.map(({ uptime_s: _, ...n }) => n)).toEqual([
      { name: "worker-a", workers: 4, load: 0, tasks: 0, actors: 7, labels: [] },
      { name: "worker-b", workers: 2, load: 0.5, tasks: 3, actors: 1, labels: [] },
    ]);
    expect(nodes[0].uptime_s).toBeGreaterThanOrEqual(75);
  });

  it("is 6002 and exit 1 for a wrong password, which it does not show", async () => {
    const r = await noodle(["cluster", "status", "--nats", `nats://noodle:not-the-password@127.0.0.1:${nats.port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error[6002]: the cluster at nats://noodle@127.0.0.1:${nats.port} refused the credentials: wrong user, password or token\n`);
  });
});
