// `noodle cluster up`: a cluster for development on this machine, in one command: a nats-server
// on a loopback port (JetStream, random credentials) and N nodes, until SIGINT or SIGTERM, when
// the nodes drain and everything it started ends.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startLocalNats } from "../cluster/local-server.js";

/** The command itself: bin/noodle.js (the same path from src/cli/ and dist/bundle/). */
const NOODLE = fileURLToPath(new URL("../../bin/noodle.js", import.meta.url));
/** How long nodes may take to join, and to drain once told to stop (ms). */
const JOIN_MS = 20_000;
const DRAIN_MS = 10_000;

export async function clusterUpCommand(nodes: number, workers: number | undefined, write: (text: string) => void): Promise<number> {
  const server = await startLocalNats();
  const started: ChildProcess[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((p) => ended(p, DRAIN_MS)));
    await server.stop();
  };
  let stop: Promise<string>;
  try {
    const names = Array.from({ length: nodes }, (_, i) => `node-${i + 1}`);
    await Promise.all(
      names.map((name) => {
        const args = [NOODLE, "node", "--nats", server.url, "--name", name, ...(workers ? ["--workers", String(workers)] : [])];
        const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
        started.push(child);
        return joined(child, name);
      }),
    );
    // listening before the banner: whoever reads it may signal at once
    stop = new Promise<string>((done) => {
      process.once("SIGINT", () => done("SIGINT"));
      process.once("SIGTERM", () => done("SIGTERM"));
    });
    write(
      [
        `cluster up: nats-server at ${server.url} with ${nodes} node(s): ${names.join(", ")}`,
        "Run a program on it:",
        `  NOODLE_NATS=${server.url} noodle run --cluster ${server.url} FILE.nc`,
        `  noodle cluster status --nats ${server.url}`,
        "Ctrl-C stops it.",
        "",
      ].join("\n"),
    );
  } catch (e) {
    await stopAll();
    throw e;
  }
  const signal = await stop;
  write(`cluster up: ${signal}, stopping the nodes and the server\n`);
  await stopAll();
  return 0;
}

/** Resolves once `child` prints that node `name` joined; rejects if it ends or takes too long. */
function joined(child: ChildProcess, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`node ${name} did not join within ${JOIN_MS / 1000} s`)), JOIN_MS);
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes(`node ${name} joined`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`node ${name} ended (code ${code}) before it joined`));
    });
  });
}

/** Asks `child` to drain and waits for its end, killing it after `ms`. */
function ended(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
