// Strangers on the cluster's subjects: 10 000 malformed records published onto every subject a
// running program and its nodes use (frames with another token or none, truncated and random
// bytes, open and close requests that are not JSON) are refused and counted; no node dies, the
// program's output is what one VM prints, and the cluster serves the next program.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/cluster/cluster.js";
import { connectCluster } from "../../src/cluster/connect.js";
import { subjects } from "../../src/cluster/subjects.js";
import { compile, VM } from "../../src/index.js";
import { scratchFolder } from "../helpers.js";
import { TestCluster } from "./cluster-fixture.js";
import { natsSuiteRuns } from "./nats-server.js";

const programs = scratchFolder("noodle-hostile-");

/** Deterministic bytes, so that a failure can be replayed. */
function garbage(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe.runIf(natsSuiteRuns())("a cluster under malformed records", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.start(["h1", "h2"]);
  }, 60_000);
  afterAll(() => cluster?.stop());

  it("refuses and counts 10 000 malformed records while a program runs, and no node dies", async () => {
    const { module } = compile(
      `actor Sum { var t = 0
  func add(k) { t = t + k; return t } }
let s = spawn Sum()
func work(i) { await sleep(2); await s.add(i); return i }
var fs = []
for i in range(0, 400) { fs = push(fs, spawn work(i)) }
await all(fs)
print(await s.add(0))
`,
      { file: "hostile.nc" },
    );
    const stranger = await connectCluster(cluster.url);
    const connected = await Cluster.connect(cluster.url);
    // the stranger listens to the session's subjects to learn its workers' names
    const workers = new Set<string>();
    const listening = stranger.subscribe(`noodle.session.${connected.session}.>`, {
      callback: (_, msg) => {
        const [, , , worker, way] = msg.subject.split(".");
        if (way === "out") workers.add(worker);
      },
    });
    let out = "";
    const vm = await VM.create({ stdout: (t) => (out += t) });
    connected.attach(vm);
    try {
      const running = vm.runAsync(module!);
      while (workers.size === 0) await new Promise((r) => setTimeout(r, 5));
      let sent = 0;
      for (let i = 0; sent < 10_000; i++) {
        const bytes = garbage(i, (i * 37) % 300);
        for (const w of workers) {
          stranger.publish(subjects.toWorker(connected.session, w), bytes);
          stranger.publish(subjects.fromWorker(connected.session, w), bytes);
          sent += 2;
        }
        stranger.publish(subjects.open("h1"), bytes);
        stranger.publish(subjects.close("h2"), bytes);
        stranger.publish(subjects.alive(connected.session), bytes);
        sent += 3;
        if (i % 200 === 0) await stranger.flush();
      }
      await stranger.flush();
      const result = await running;
      expect(result.ok).toBe(true);
      expect(out).toBe(`${(400 * 399) / 2}\n`);
      expect(connected.refusals + connected.framesRefused()).toBeGreaterThan(0);
    } finally {
      listening.unsubscribe();
      await connected.close();
      await stranger.close();
    }
    for (const [name, node] of cluster.nodes) expect(node.process.exitCode, `node ${name}`).toBe(null);
    // the cluster serves the next program
    const next = await cluster.run([programs.file("next.nc", `func f(x) { return x + 1 }\nprint(await spawn f(41))\n`)]);
    expect(next).toEqual({ code: 0, stdout: "42\n", stderr: "" });
  }, 90_000);
});
