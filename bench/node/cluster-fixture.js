// The cluster the `cluster` suite runs on: a nats-server on a loopback port and NODES node
// processes (`noodle node`), started once per benchmark process and ended when it exits.

import { spawn } from "node:child_process";
import { moduleUrl, projectRoot } from "./host.js";

/** Nodes in the cluster: 2 unless CLUSTER_NODES says otherwise; workers per node: 1 unless CLUSTER_WORKERS says otherwise. */
export const NODES = Number(process.env.CLUSTER_NODES ?? 2);
export const NODE_WORKERS = Number(process.env.CLUSTER_WORKERS ?? 1);

let fixture = null;

/** Ends the cluster's nodes and server, when it was started. */
export async function stopClusterFixture() {
  const started = await fixture;
  fixture = null;
  await started?.stop();
}

/** The cluster: `{ url, startNode(name), kill(name), nodes }`, started on first use. */
export function clusterFixture() {
  fixture ??= start();
  return fixture;
}

async function start() {
  const { startLocalNats } = await import(moduleUrl("../dist/cluster/local-server.js"));
  const server = await startLocalNats();
  const nodes = new Map();
  const startNode = (name) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["bin/noodle.js", "node", "--nats", server.url, "--name", name, "--workers", String(NODE_WORKERS)], {
        cwd: projectRoot,
        stdio: ["ignore", "pipe", "inherit"],
      });
      nodes.set(name, child);
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes(`node ${name} joined`)) resolve(child);
      });
      child.once("exit", (code) => reject(new Error(`node ${name} ended (code ${code}) before it joined`)));
    });
  const kill = (name) =>
    new Promise((resolve) => {
      const child = nodes.get(name);
      nodes.delete(name);
      child.once("exit", () => resolve(undefined));
      child.kill("SIGKILL");
    });
  // the server ends with the process by itself (local-server.ts); the nodes are ended here
  process.once("exit", () => {
    for (const child of nodes.values()) child.kill("SIGKILL");
  });
  const stop = async () => {
    await Promise.all([...nodes.keys()].map(kill));
    await server.stop();
  };
  await Promise.all(Array.from({ length: NODES }, (_, i) => startNode(`bench-${i + 1}`)));
  return { url: server.url, startNode, kill, nodes, stop };
}
