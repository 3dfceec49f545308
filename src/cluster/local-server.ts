// A nats-server for development and tests (Node only): a fresh temporary folder with its config,
// JetStream store and log, loopback ports the system picks, credentials, and a stop that leaves
// no process and no folder behind.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatError } from "../errors/table.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";

export interface NatsConfigOptions {
  /** The client port; -1 lets the system pick a free one. */
  port: number;
  /** The JetStream store folder. */
  storeDir: string;
  user: string;
  password: string;
  /** A `websocket` block on this port (-1: the system picks), without TLS: loopback only. */
  wsPort?: number;
  /** Where the server writes its log; standard error when absent. */
  logFile?: string;
  /** Where the server writes the ports it listens on (`nats-server_PID.ports`, JSON). */
  portsFileDir?: string;
  /** A `tls` block: clients must then connect with TLS (`tls://` URLs). */
  tls?: { certFile: string; keyFile: string };
}

/** The config text of a loopback nats-server with JetStream and a user (the one docs/cluster.md shows). */
export function natsServerConfig(o: NatsConfigOptions): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    `listen: ${q(`127.0.0.1:${o.port}`)}`,
    "jetstream {",
    `  store_dir: ${q(o.storeDir)}`,
    "  max_memory_store: 256MB",
    "  max_file_store: 1GB",
    "}",
    "authorization {",
    `  user: ${q(o.user)}`,
    `  password: ${q(o.password)}`,
    "}",
  ];
  if (o.tls !== undefined) lines.push("tls {", `  cert_file: ${q(o.tls.certFile)}`, `  key_file: ${q(o.tls.keyFile)}`, "}");
  if (o.wsPort !== undefined) lines.push("websocket {", `  listen: ${q(`127.0.0.1:${o.wsPort}`)}`, "  no_tls: true", "}");
  if (o.logFile !== undefined) lines.push(`log_file: ${q(o.logFile)}`);
  if (o.portsFileDir !== undefined) lines.push(`ports_file_dir: ${q(o.portsFileDir)}`);
  return lines.join("\n") + "\n";
}

export interface LocalNatsOptions {
  /** Default "noodle". */
  user?: string;
  /** Default: 24 random hex digits. */
  password?: string;
  /** Also listen for NATS over WebSocket (browser nodes). */
  websocket?: boolean;
  /** The nats-server program; default `nats-server` on the PATH (Debian puts it in /usr/sbin). */
  binary?: string;
  /** How long the server may take to listen; default 5000 ms. */
  readyTimeoutMs?: number;
  /** Require TLS with this certificate and key (the URLs are then `tls://`). */
  tls?: { certFile: string; keyFile: string };
}

export interface LocalNats {
  /** With the credentials: nats://user:password@127.0.0.1:PORT. */
  url: string;
  /** Without them: nats://127.0.0.1:PORT. */
  plainUrl: string;
  port: number;
  /** ws://127.0.0.1:PORT, with `websocket` set. */
  wsUrl?: string;
  user: string;
  password: string;
  /** The server's process id. */
  pid: number;
  /** Its folder (config, JetStream store, log), removed by stop. */
  dir: string;
  /** Ends the server (SIGTERM, then SIGKILL if it lingers) and removes its folder. */
  stop(): Promise<void>;
}

/** How long a stopping server may take before it is killed. */
const STOP_GRACE_MS = 2000;

/** Starts a nats-server on loopback and waits until it listens. */
export async function startLocalNats(options: LocalNatsOptions = {}): Promise<LocalNats> {
  const user = options.user ?? "noodle";
  const password = options.password ?? randomBytes(12).toString("hex");
  const dir = mkdtempSync(join(tmpdir(), "noodle-nats-"));
  const logFile = join(dir, "nats-server.log");
  const configFile = join(dir, "nats-server.conf");
  writeFileSync(
    configFile,
    natsServerConfig({
      port: -1,
      storeDir: join(dir, "jetstream"),
      user,
      password,
      wsPort: options.websocket ? -1 : undefined,
      logFile,
      portsFileDir: dir,
      tls: options.tls,
    }),
  );
  const binary = options.binary ?? "nats-server";
  const child = spawn(binary, ["-c", configFile], { stdio: "ignore", env: { ...process.env, PATH: `${process.env.PATH ?? ""}:/usr/sbin:/usr/local/sbin` } });
  // should this process end without stopping the server, the server ends with it
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const cleanUp = async (): Promise<void> => {
    await endProcess(child, exited);
    process.off("exit", killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports = await readyPorts(child, dir, logFile, binary, options.readyTimeoutMs ?? 5000);
    const port = Number(new URL(ports.nats[0]).port);
    const credentials = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
    const scheme = options.tls ? "tls" : "nats";
    let stopped: Promise<void> | undefined;
    return {
      url: `${scheme}://${credentials}@127.0.0.1:${port}`,
      plainUrl: `${scheme}://127.0.0.1:${port}`,
      port,
      wsUrl: ports.websocket?.[0],
      user,
      password,
      pid: child.pid as number,
      dir,
      stop: () => {
        stopped ??= cleanUp();
        return stopped;
      },
    };
  } catch (e) {
    await cleanUp();
    throw e;
  }
}

interface PortsFile {
  nats: string[];
  websocket?: string[];
}

/** Waits for the ports file the server writes once it listens; fails if it exits or takes too long. */
async function readyPorts(child: ChildProcess, dir: string, logFile: string, binary: string, timeoutMs: number): Promise<PortsFile> {
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once("error", (e) => (spawnError = e));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError?.code === "ENOENT")
      throw new NoodleRuntimeError(9001, formatError("BadOption", { detail: `${binary} is not installed: install it with 'apt-get install nats-server'` }), []);
    if (spawnError) throw unreachable(`cannot start ${binary}: ${spawnError.message}`);
    const file = readdirSync(dir).find((f) => f.endsWith(".ports"));
    if (file) {
      try {
        const ports = JSON.parse(readFileSync(join(dir, file), "utf8")) as PortsFile;
        if (Array.isArray(ports.nats) && ports.nats.length > 0) return ports;
      } catch {
        // written but not yet complete: read it again
      }
    }
    if (child.exitCode !== null || child.signalCode !== null) throw unreachable(`nats-server ended before it listened: ${lastLogLine(logFile)}`);
    if (Date.now() > deadline) throw unreachable(`nats-server did not listen within ${timeoutMs} ms: ${lastLogLine(logFile)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function unreachable(detail: string): NoodleRuntimeError {
  return new NoodleRuntimeError(7005, formatError("ClusterUnreachable", { url: "127.0.0.1", detail }), []);
}

/** The server's last error line (or last line), which says why it did not start. */
function lastLogLine(logFile: string): string {
  if (!existsSync(logFile)) return "no log";
  const lines = readFileSync(logFile, "utf8").trim().split("\n");
  const line = [...lines].reverse().find((l) => /\[(ERR|FTL)\]/.test(l)) ?? lines[lines.length - 1];
  return line.replace(/^\[\d+\] \S+ \S+ /, "") || "no log";
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process has ended. */
async function endProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), STOP_GRACE_MS)));
  if ((await Promise.race([exited, late])) === "late") {
    child.kill("SIGKILL");
    await exited;
  }
  clearTimeout(timer);
}
