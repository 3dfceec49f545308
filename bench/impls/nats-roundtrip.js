// Plain NATS request/reply between this process and another (peers/js/nats_echo.js) on the
// cluster suite's server: the floor under a task's round trip to another node. A run makes
// WARMUP requests, then TIMED timed one by one into the latencies; its output is their count.

import { spawn } from "node:child_process";
import { connect } from "@nats-io/transport-node";
import { recordLatencies } from "../latencies.js";
import { clusterFixture } from "../node/cluster-fixture.js";
import { benchPath, projectRoot } from "../node/host.js";

export function natsImpl(timed, warmup) {
  let nc;
  const echoes = [];
  return {
    name: "nats",
    lang: "nats",
    async init() {
      const { url } = await clusterFixture();
      const u = new URL(url);
      nc = await connect({ servers: `${u.hostname}:${u.port}`, user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) });
      return { ok: true, fields: { client: "@nats-io/transport-node" } };
    },
    async close() {
      for (const echo of echoes) echo.kill("SIGKILL");
      await nc?.close();
    },
    async prepare(_c, path) {
      const { url } = await clusterFixture();
      const echo = spawn(process.execPath, [benchPath(path), url], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
      echoes.push(echo);
      await new Promise((resolve) => echo.stdout.once("data", resolve));
      const payload = new Uint8Array(32);
      return {
        run: async () => {
          for (let i = 0; i < warmup; i++) await nc.request("bench.echo", payload);
          const times = [];
          for (let i = 0; i < timed; i++) {
            const t0 = performance.now();
            await nc.request("bench.echo", payload);
            times.push(performance.now() - t0);
          }
          recordLatencies(times);
          return `${timed}\n`;
        },
      };
    },
  };
}
