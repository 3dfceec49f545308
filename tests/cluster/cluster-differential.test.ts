// The differential suite's programs, and the project's conformance programs that spawn tasks or
// actors, on a cluster of two nodes over a real nats-server: each must print exactly what it
// prints in one VM (stdout, stderr and exit code), as with workers on one machine.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../differential/cli-runner.js";
import { REFERENCE, type RunConfiguration } from "../differential/configurations.js";
import { difference } from "../differential/outcome.js";
import { conformancePrograms, programsIn } from "../differential/program-files.js";
import { ROOT } from "../helpers.js";
import { TestCluster } from "./cluster-fixture.js";
import { natsSuiteRuns } from "./nats-server.js";

/** Programs that differ on a cluster today, with how: each a defect to fix. */
const KNOWN_ON_CLUSTER = new Map<string, string>([]);

/** Programs whose output says where they run: on a cluster it differs by design. */
const WHERE_THEY_RUN = new Set(["tests/conformance/programs/46_std_cluster.nc"]);

const concurrent = (path: string) => /\bspawn\b|\bpmap\b/.test(readFileSync(path, "utf8"));
const programs = [
  ...programsIn(join(ROOT, "tests/differential/programs")),
  ...conformancePrograms()
    .filter((s) => s.suite === conformancePrograms()[0].suite)
    .flatMap((s) => s.programs)
    .filter((p) => concurrent(p.path) && !WHERE_THEY_RUN.has(p.name)),
];

describe.runIf(natsSuiteRuns())("differential: programs on a cluster of two nodes", () => {
  let cluster: TestCluster;
  let onCluster: RunConfiguration;
  beforeAll(async () => {
    cluster = await TestCluster.start(["d1", "d2"]);
    onCluster = { name: "cluster", args: ["--cluster", cluster.url] };
  }, 60_000);
  afterAll(() => cluster?.stop());

  it("has programs to run", () => expect(programs.length).toBeGreaterThanOrEqual(10));

  for (const program of programs) {
    const known = KNOWN_ON_CLUSTER.get(program.name);
    (known ? it.fails : it)(
      `${program.name} prints the same on the cluster${known ? ` (known: ${known})` : ""}`,
      async () => {
        const [want, got] = await Promise.all([runCli(program, REFERENCE, 30_000), runCli(program, onCluster, 30_000)]);
        expect(difference(want, got, 30_000)).toBeUndefined();
      },
      70_000,
    );
  }
});
