// plot.show from tasks and actors on a cluster's nodes: the figures travel to the program, which
// writes and prints them as in one VM (the same files, the same lines).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestCluster } from "../cluster/cluster-fixture.js";
import { natsSuiteRuns } from "../cluster/nats-server.js";
import { cli, scratchFolder } from "../helpers.js";

const scratch = scratchFolder("noodle-plot-cluster-");

const PROGRAM = `import "std/plot" as plot
import "std/cluster" as cluster
func draw(k) {
  plot.show(plot.scatter([1, 2, 3], [k, k + 1, k + 2], {"title": "task \${k}"}))
  return cluster.here() != "local"
}
actor Painter {
  func paint(M) { plot.show(plot.heatmap(M)); return "painted" }
}
print(await spawn draw(1))
print(await spawn draw(2))
print(await (spawn Painter()).paint([1, 2; 3, 4]))
`;

describe.runIf(natsSuiteRuns())("plot.show on a cluster's nodes", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.start(["p1", "p2"]);
  }, 60_000);
  afterAll(() => cluster?.stop());

  it("writes the same files and prints the same lines as one VM", async () => {
    const program = scratch.file("program.nc", PROGRAM);
    const files = (dir: string) =>
      readdirSync(dir)
        .sort()
        .map((f) => readFileSync(join(dir, f), "utf8"));
    const alone = cli(["run", "--plots", join(scratch.dir, "alone"), program]);
    const onNodes = await cluster.run(["--plots", join(scratch.dir, "nodes"), program]);
    expect(onNodes.stderr).toBe("");
    // tasks ran on the nodes there, in the program here
    expect(alone.stdout.replaceAll(join(scratch.dir, "alone"), "DIR")).toBe("DIR/plot-1.svg\nfalse\nDIR/plot-2.svg\nfalse\nDIR/plot-3.svg\npainted\n");
    expect(onNodes.stdout.replaceAll(join(scratch.dir, "nodes"), "DIR")).toBe("DIR/plot-1.svg\ntrue\nDIR/plot-2.svg\ntrue\nDIR/plot-3.svg\npainted\n");
    expect(files(join(scratch.dir, "nodes"))).toEqual(files(join(scratch.dir, "alone")));
  }, 60_000);
});
