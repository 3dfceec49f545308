// A cluster for tests: a real nats-server on a random loopback port and node processes started
// through the command line (`noodle node`), each ended by the test that started it or by stop().
import { type ChildProcess, spawn } from "node:child_process";
import { type LocalNats, type LocalNatsOptions, startLocalNats } from "../../src/cluster/local-server.js";
import { ROOT } from "../helpers.js";

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** A process of ours: its output so far, and its end. */
export interface Started {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the text once the process printed it on stdout (rejects after `ms`). */
  printed(text: string, ms?: number): Promise<void>;
  ended: Promise<Ran>;
}

export class TestCluster {
  readonly nodes = new Map<string, Started>();
  private readonly processes = new Set<ChildProcess>();

  private constructor(
    readonly url: string,
    readonly plainUrl: string,
    readonly server: LocalNats,
  ) {}

  static async start(nodes: string[], workers = 2, options: LocalNatsOptions = {}): Promise<TestCluster> {
    const server = await startLocalNats(options);
    const cluster = new TestCluster(server.url, server.plainUrl, server);
    await Promise.all(nodes.map((name) => cluster.startNode(name, workers)));
    return cluster;
  }

  /** `noodle node` named `name`, once it has joined. */
  async startNode(name: string, workers = 2, extra: string[] = []): Promise<Started> {
    const node = this.cli(["node", "--nats", this.url, "--name", name, "--workers", String(workers), ...extra]);
    this.nodes.set(name, node);
    await node.printed(`node ${name} joined`);
    return node;
  }

  /** `noodle ARGS` in the background. */
  cli(args: string[]): Started {
    const child = spawn(process.execPath, [ROOT + "bin/noodle.js", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    this.processes.add(child);
    let stdout = "";
    let stderr = "";
    const waiters: (() => void)[] = [];
    child.stdout!.on("data", (d) => {
      stdout += d;
      for (const w of waiters.splice(0)) w();
    });
    child.stderr!.on("data", (d) => (stderr += d));
    const ended = new Promise<Ran>((resolve) =>
      child.on("close", (code, signal) => {
        this.processes.delete(child);
        for (const w of waiters.splice(0)) w();
        resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr });
      }),
    );
    const printed = (text: string, ms = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not printed within ${ms} ms: ${text}\nstdout: ${stdout}\nstderr: ${stderr}`)), ms);
        const look = () => {
          if (stdout.includes(text)) {
            clearTimeout(timer);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            reject(new Error(`ended before printing ${text}\nstdout: ${stdout}\nstderr: ${stderr}`));
          } else waiters.push(look);
        };
        look();
      });
    return { process: child, stdout: () => stdout, stderr: () => stderr, printed, ended };
  }

  /** `noodle run --cluster URL ARGS`, killed after `ms` (a hang shows as exit code -1). */
  run(args: string[], ms = 60_000): Promise<Ran> {
    const run = this.cli(["run", "--cluster", this.url, ...args]);
    const timer = setTimeout(() => run.process.kill("SIGKILL"), ms);
    return run.ended.finally(() => clearTimeout(timer));
  }

  kill(name: string, signal: NodeJS.Signals = "SIGKILL"): Promise<Ran> {
    const node = this.nodes.get(name)!;
    node.process.kill(signal);
    return node.ended;
  }

  async stop(): Promise<void> {
    for (const p of this.processes) p.kill("SIGKILL");
    await this.server.stop();
  }
}

/** A job of 40 tasks of 0.4 s each, printing "spawned" once they are, then 780: what a draining node must finish. */
export const DRAINED_PROGRAM = `func slow(i) { await sleep(400); return i }
var fs = []
for i in range(0, 40) { fs = push(fs, spawn slow(i)) }
print("spawned")
var total = 0
for r in await all(fs) { total = total + r }
print(total)
`;
