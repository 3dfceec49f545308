// Noodle programs whose tasks and actors run on a cluster's nodes: each run is a fresh VM with
// one Cluster (session) attached, as `noodle run --cluster URL` does. A program may leave
// per-call times in its global `latencies` (see noodle-workers.js). A case with `kills` is a
// recovery: once the program prints the node its actor lives on, that node is killed, and the
// program's first answer from elsewhere (`sys.now()` on its last line) gives the time to recover.

import { recordLatencies } from "../latencies.js";
import { clusterFixture, stopClusterFixture } from "../node/cluster-fixture.js";
import { nodeHost } from "./node-host.js";
import { compiled, library } from "./noodle-pool.js";

export function clusterImpl(name = "noodle") {
  let lib, host, fixture, cluster;
  /** Every recovery measured so far, warm-up runs included. */
  const recoveries = [];

  async function execute(module, kills) {
    // a recovery loses a node: its run gets a session of its own, on the nodes as they are now
    const session = kills ? await lib.Cluster.connect(fixture.url) : cluster;
    let out = "";
    let killedAt;
    const killing = [];
    const vm = await lib.VM.create({
      stdout: (text) => {
        out += text;
        if (kills && killedAt === undefined && out.includes("\n")) {
          const victim = out.split("\n")[0];
          killedAt = Date.now();
          killing.push(fixture.kill(victim).then(() => fixture.startNode(victim)));
        }
      },
    });
    session.attach(vm);
    const r = await vm.runAsync(module);
    await Promise.all(killing);
    if (kills) await session.close();
    if (!r.ok) throw new Error(`run failed: error[${r.error.code}]: ${r.error.message}`);
    const at = module.globals.indexOf("latencies");
    if (at >= 0) recordLatencies(vm.global(module.globalBase + at));
    if (!kills) return out;
    if (killedAt === undefined) throw new Error("the program never said where its actor lives");
    const lines = out.trim().split("\n");
    recoveries.push(Number(lines.at(-1)) - killedAt);
    recordLatencies(recoveries);
    // the program's output without the node's name and the time, which differ from run to run
    return lines.slice(1, -1).join("\n") + "\n";
  }

  return {
    name,
    lang: "cluster",
    async init() {
      host = await nodeHost();
      lib = await library();
      fixture = await clusterFixture();
      return { ok: true, fields: { nodes: fixture.nodes.size } };
    },
    async close() {
      await cluster?.close();
      await stopClusterFixture();
    },
    async prepare(c, path) {
      const module = compiled(lib, await host.readText(path), host.rootRelative(path));
      // a session per case
      await cluster?.close();
      cluster = c.kills ? undefined : await lib.Cluster.connect(fixture.url);
      return { run: () => execute(module, c.kills === true) };
    },
  };
}
