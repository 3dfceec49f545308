// A node that joins while a program runs brings its workers to the run: the program's pool
// grows, and new tasks are placed there too (up to the run's `workers`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/cluster/cluster.js";
import { compile, VM } from "../../src/index.js";
import { TestCluster } from "./cluster-fixture.js";
import { natsSuiteRuns } from "./nats-server.js";

// tasks keep coming until one runs on a node other than the first, or for about 6 s
const SOURCE = `import "std/cluster" as cluster
func where(i) { await sleep(20); return cluster.here() }
let first = await spawn where(0)
print("first", first)
var other = nil
var rounds = 0
while other == nil and rounds < 40 {
  rounds = rounds + 1
  var fs = []
  for i in range(0, 8) { fs = push(fs, spawn where(i)) }
  for w in await all(fs) { if w != first { other = w } }
  await sleep(100)
}
print("other", other)
`;

describe.runIf(natsSuiteRuns())("a cluster growing under a running program", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.start(["early"], 2);
  }, 60_000);
  afterAll(() => cluster?.stop());

  async function run(workers: number | undefined): Promise<{ out: string; size: number }> {
    const { module } = compile(SOURCE, { file: "grow.nc" });
    const connected = await Cluster.connect(cluster.url, { workers });
    let out = "";
    const vm = await VM.create({ stdout: (t) => (out += t) });
    connected.attach(vm);
    try {
      const running = vm.runAsync(module!);
      while (!out.includes("first")) await new Promise((r) => setTimeout(r, 20));
      const late = await cluster.startNode(`late${workers ?? ""}`, 2);
      const result = await running;
      expect(result.ok).toBe(true);
      late.process.kill("SIGTERM");
      return { out, size: connected.pool.size };
    } finally {
      await connected.close();
    }
  }

  it("takes the workers of a node that joins, and places tasks there", async () => {
    const { out, size } = await run(undefined);
    expect(out).toBe("first early\nother late\n");
    expect(size).toBe(4);
  }, 60_000);

  it("takes no more than the run's workers", async () => {
    const { out, size } = await run(2);
    expect(out).toBe("first early\nother nil\n");
    expect(size).toBe(2);
  }, 60_000);
});
