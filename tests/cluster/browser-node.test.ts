// A page in headless Chromium joins a real nats-server's cluster as a node over NATS WebSocket
// (dist/browser/cluster-node.js): `noodle cluster status` lists it, programs run with
// `noodle run --cluster` (over TCP) place their tasks and actors on its Web Workers and print
// what one VM prints, a page with wrong credentials is refused with 6002, and a node that leaves
// (node.close(), or the page closed in the middle of a job) has its work run again elsewhere.
import { spawnSync } from "node:child_process";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/cluster/cluster.js";
import type { NodeRecord } from "../../src/cluster/node-record.js";
import { compile, VM } from "../../src/index.js";
import { type ChromiumPage, hasChromium, openChromiumPage, skipNote } from "../browser/chromium-page.js";
import { ROOT, scratchFolder } from "../helpers.js";
import { DRAINED_PROGRAM, TestCluster } from "./cluster-fixture.js";
import { natsSuiteRuns, until } from "./nats-server.js";

type Started = { ok: true; name: string } | { ok: false; code: number; message: string };

declare global {
  interface Window {
    browserNodePageReady?: boolean;
    startNode(options: { url: string; name?: string; workers?: number; labels?: string[] }): Promise<Started>;
    nodeRecord(): NodeRecord;
    closeNode(): Promise<string>;
  }
}

const PAGE = "tests/cluster/browser-node-page.html";
const BUNDLES = ["dist/browser/cluster-node.js", "dist/browser/cluster-node-worker.js"];
const programs = scratchFolder("noodle-browser-node-");

if (!hasChromium) console.warn(`[browser node tests${skipNote}]`);

/** The program run in one VM by the command, for comparison. */
function alone(path: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [ROOT + "bin/noodle.js", "run", path], { encoding: "utf8", timeout: 30_000, cwd: ROOT });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function openNodePage(): Promise<ChromiumPage> {
  const browser = await openChromiumPage(PAGE, BUNDLES);
  await browser.page.waitForFunction(() => window.browserNodePageReady === true);
  return browser;
}

describe.runIf(natsSuiteRuns() && hasChromium)("a browser page as a cluster node", () => {
  let cluster: TestCluster;
  let browser: ChromiumPage | undefined;
  let page: Page;
  /** ws://user:password@127.0.0.1:PORT */
  let wsUrl: string;

  const start = (p: Page, options: Parameters<Window["startNode"]>[0]) => p.evaluate((o) => window.startNode(o), options);
  const record = (p: Page) => p.evaluate(() => window.nodeRecord());
  const status = async (): Promise<NodeRecord[]> => {
    const r = await cluster.cli(["cluster", "status", "--nats", cluster.url, "--json"]).ended;
    expect(r.stderr).toBe("");
    return JSON.parse(r.stdout).nodes;
  };

  beforeAll(async () => {
    cluster = await TestCluster.start([], 2, { websocket: true });
    const ws = new URL(cluster.server.wsUrl!);
    ws.username = cluster.server.user;
    ws.password = cluster.server.password;
    wsUrl = ws.href.replace(/\/$/, "");
    browser = await openNodePage();
    page = browser.page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  }, 60_000);

  it("joins over WebSocket, and noodle cluster status lists it with its workers and label", async () => {
    expect(await start(page, { url: wsUrl, name: "page-1", workers: 2, labels: ["browser"] })).toEqual({ ok: true, name: "page-1" });
    const nodes = await status();
    expect(nodes.map((n) => [n.name, n.workers, n.labels])).toEqual([["page-1", 2, ["browser"]]]);
    expect(browser!.errors).toEqual([]);
  }, 60_000);

  it("runs a program's tasks in its Web Workers, printing what one VM prints, cluster.here() naming it", async () => {
    const path = programs.file(
      "tasks.nc",
      `import "std/cluster" as cluster
func square(i) {
  var x = 0
  for k in range(0, 2000) { x = x + 1 }
  return [i * i, cluster.here()]
}
func where() { return cluster.here() }
var fs = []
for i in range(0, 200) { fs = push(fs, spawn square(i)) }
var total = 0
var seen = {}
for r in await all(fs) {
  total = total + r[0]
  seen[r[1]] = true
}
print(total, keys(seen))
print(await spawn where())
func boom() { throw error(5555, "boom") }
try { await spawn boom() } catch e { print("caught", e.code) }
print(await spawn boom())
`,
    );
    const one = alone(path);
    expect(one.stdout).toBe(`2646700 ["local"]\nlocal\ncaught 5555\n`);
    expect(one.code).toBe(1);
    const r = await cluster.run([path]);
    expect(r).toEqual({ ...one, stdout: `2646700 ["page-1"]\npage-1\ncaught 5555\n` });
    expect(browser!.errors).toEqual([]);
  }, 60_000);

  it("hosts an actor that answers calls from the program and from its tasks", async () => {
    const path = programs.file(
      "actor.nc",
      `import "std/cluster" as cluster
actor Counter {
  var count = 0
  func add(k) { count = count + k; return count }
  func where() { return cluster.here() }
}
let c = spawn Counter()
for i in range(1, 11) { await c.add(i) }
print(await c.add(0), await c.where())
func viaTask(n) { return await c.add(n) }
print(await spawn viaTask(100))
`,
    );
    const one = alone(path);
    expect(one).toEqual({ code: 0, stdout: "55 local\n155\n", stderr: "" });
    expect(await cluster.run([path])).toEqual({ code: 0, stdout: "55 page-1\n155\n", stderr: "" });
  }, 60_000);

  it("gives its tasks the program's files and environment, as one VM does: std/fs and sys.env go to the program", async () => {
    const path = programs.file(
      "files.nc",
      `import "std/fs" as fs
import "std/sys" as sys
func read() { return fs.read("package.json") }
func home() { return sys.env("HOME") }
try { print(len(await spawn read()) > 0) } catch e { print("refused", e.code, e.message) }
try { print(await spawn home() == sys.env("HOME")) } catch e { print("refused", e.code) }
`,
    );
    // the page has no file system and no environment of its own: the calls run in the program
    expect(await cluster.run(["--allow-env", path])).toEqual({ code: 0, stdout: "true\ntrue\n", stderr: "" });
    // and under the program's permissions: without --allow-env, 6001 as in one VM
    const refused = alone(path);
    expect(refused).toEqual({ code: 0, stdout: "true\nrefused 6001\n", stderr: "" });
    expect(await cluster.run([path])).toEqual(refused);
  }, 60_000);

  it("refuses a page without valid credentials with 6002, an address with nothing there with 7005, and a bad URL, name or worker count with 9001", async () => {
    const port = new URL(wsUrl).port;
    const wrong = await start(page, { url: `ws://${cluster.server.user}:not-the-password@127.0.0.1:${port}`, name: "intruder" });
    expect(wrong).toEqual({
      ok: false,
      code: 6002,
      message: `the cluster at ws://${cluster.server.user}@127.0.0.1:${port} refused the credentials: wrong user, password or token`,
    });
    const none = await start(page, { url: `ws://127.0.0.1:${port}`, name: "intruder" });
    expect(none).toMatchObject({ ok: false, code: 6002, message: expect.stringContaining("none were given") });
    const nothing = await start(page, { url: `ws://${cluster.server.user}:x@127.0.0.1:1`, name: "intruder" });
    expect(nothing).toMatchObject({ ok: false, code: 7005, message: expect.stringMatching(/^no cluster reachable at ws:\/\/noodle@127\.0\.0\.1:1: /) });
    const badUrl = await start(page, { url: `nats://127.0.0.1:${port}`, name: "intruder" });
    expect(badUrl).toMatchObject({ ok: false, code: 9001 });
    expect(await start(page, { url: wsUrl, name: "two words" })).toMatchObject({ ok: false, code: 9001 });
    expect(await start(page, { url: wsUrl, name: "idle", workers: 0 })).toMatchObject({ ok: false, code: 9001 });
    // a name a live node holds
    expect(await start(page, { url: wsUrl, name: "page-1" })).toEqual({ ok: false, code: 9001, message: "a node named page-1 is already in the cluster" });
    expect((await status()).map((n) => n.name)).toEqual(["page-1"]);
  }, 60_000);

  it("drains on node.close(): what it holds finishes, then it leaves", async () => {
    const path = programs.file("slow.nc", DRAINED_PROGRAM);
    const run = cluster.cli(["run", "--cluster", cluster.url, path]);
    await run.printed("spawned");
    // the page is the only node: were its work not finished, the program would have nowhere to run it
    const closing = page.evaluate(() => window.closeNode());
    expect(await run.ended).toEqual({ code: 0, stdout: "spawned\n780\n", stderr: "" });
    expect(await closing).toBe("closed");
    expect(await status()).toEqual([]);
  }, 60_000);

  it("takes runs placed by its label or name, and runs again elsewhere the tasks of a page closed in the middle of a job, each result once", async () => {
    await cluster.startNode("node-a", 2);
    const second = await openNodePage();
    try {
      expect(await start(second.page, { url: wsUrl, name: "page-2", workers: 2, labels: ["browser"] })).toEqual({ ok: true, name: "page-2" });
      // beside a node process, a run placed by the page's label or name goes to the page only
      const { module: where } = compile(
        `import "std/cluster" as cluster
func where(i) { await sleep(10); return cluster.here() }
var seen = {}
for w in await all([spawn where(1), spawn where(2), spawn where(3), spawn where(4)]) { seen[w] = true }
print(sort(keys(seen)))
`,
        { file: "where.nc" },
      );
      for (const placement of [{ label: "browser" }, { node: "page-2" }]) {
        const placed = await Cluster.connect(cluster.url, { placement });
        let seen = "";
        const vm = await VM.create({ stdout: (t) => (seen += t) });
        placed.attach(vm);
        try {
          expect((await vm.runAsync(where!)).ok).toBe(true);
        } finally {
          await placed.close();
        }
        expect(seen).toBe(`["page-2"]\n`);
      }
      const { module } = compile(
        `import "std/cluster" as cluster
func square(i) {
  // slow on the page, so that it still holds work when it closes
  var n = 2000
  if cluster.here() == "page-2" { n = 2000000 }
  var x = 0
  for k in range(0, n) { x = x + 1 }
  return i * i
}
var fs = []
for i in range(0, 1000) { fs = push(fs, spawn square(i)) }
var total = 0
for r in await all(fs) { total = total + r }
print(len(fs), total)
`,
        { file: "job.nc" },
      );
      const connected = await Cluster.connect(cluster.url);
      let out = "";
      const vm = await VM.create({ stdout: (t) => (out += t) });
      connected.attach(vm);
      try {
        const running = vm.runAsync(module!);
        // the page holds some of the job before it goes
        let done = 0;
        const poll = setInterval(() => {
          void record(second.page).then(
            (r) => (done = r.tasks),
            () => undefined,
          );
        }, 50);
        await until(() => done > 0, 30_000, "the page to run tasks").finally(() => clearInterval(poll));
        await second.close();
        const result = await running;
        expect(result.ok).toBe(true);
        // the sum of i*i for i < 1000: every result counted exactly once
        expect(out).toBe("1000 332833500\n");
        expect(connected.pool.retries).toBeGreaterThan(0);
      } finally {
        await connected.close();
      }
      expect((await status()).map((n) => n.name)).toEqual(["node-a"]);
    } finally {
      await second.close();
    }
  }, 90_000);
});
