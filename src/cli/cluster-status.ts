// `noodle cluster status [--nats URL] [--json]`: the cluster's live nodes, as a table or as JSON.
import { clusterUrlFrom, connectCluster } from "../cluster/connect.js";
import { listNodes, type NodeRecord } from "../cluster/membership.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";
import { UsageError } from "./options.js";

/** Prints the live nodes of the cluster at `--nats` (or NOODLE_NATS); returns the exit code. */
export async function clusterStatus(nats: string | undefined, json: boolean, out: (text: string) => void): Promise<number> {
  const url = commandClusterUrl(nats);
  try {
    const nc = await connectCluster(url, { name: "noodle cluster status" });
    let nodes: NodeRecord[];
    try {
      nodes = await listNodes(nc);
    } finally {
      await nc.close();
    }
    const now = Date.now();
    out(json ? statusJson(nodes, now) : statusTable(nodes, now));
    return 0;
  } catch (e) {
    return clusterCommandFailed(e);
  }
}

/** A cluster command's coded failure on stderr, exit 1; 9001 from a URL that cannot be read is the user's to fix, as any other bad option. */
export function clusterCommandFailed(e: unknown): number {
  if (!(e instanceof NoodleRuntimeError)) throw e;
  if (e.code === 9001) throw new UsageError(e.code, e.message);
  process.stderr.write(`error[${e.code}]: ${e.message}\n`);
  return 1;
}

/** Whole seconds since `startedAt`, never negative (the node's clock may be ahead of ours). */
function uptimeSeconds(node: NodeRecord, now: number): number {
  return Math.max(0, Math.floor((now - node.startedAt) / 1000));
}

/** `12s`, `3m 04s`, `2h 01m`, `3d 04h`. */
export function formatUptime(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, "0");
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${two(seconds % 60)}s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${two(Math.floor(seconds / 60) % 60)}m`;
  return `${Math.floor(seconds / 86400)}d ${two(Math.floor(seconds / 3600) % 24)}h`;
}

/** Load with at most two decimals: `0`, `0.5`, `1.25`. */
function formatLoad(load: number): string {
  return String(Math.round(load * 100) / 100);
}

/** Columns padded to their widest cell, numbers to the right, a rule under the header. */
export function statusTable(nodes: NodeRecord[], now: number): string {
  const columns = ["name", "workers", "load", "tasks", "actors", "uptime"];
  const rows = nodes.map((n) => [n.name, String(n.workers), formatLoad(n.load), String(n.tasks), String(n.actors), formatUptime(uptimeSeconds(n, now))]);
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd() + "\n";
  const summary = `(${nodes.length} node${nodes.length === 1 ? "" : "s"})\n`;
  return line(columns) + line(widths.map((w) => "-".repeat(w))) + rows.map(line).join("") + summary;
}

export function statusJson(nodes: NodeRecord[], now: number): string {
  const shown = nodes.map((n) => ({
    name: n.name,
    workers: n.workers,
    load: n.load,
    tasks: n.tasks,
    actors: n.actors,
    uptime_s: uptimeSeconds(n, now),
    labels: n.labels,
  }));
  return JSON.stringify({ nodes: shown }) + "\n";
}

/** The cluster a command names (`--nats`, else NOODLE_NATS); none, or a malformed one, is a usage error. */
export function commandClusterUrl(nats: string | undefined): string {
  try {
    return clusterUrlFrom(nats);
  } catch (e) {
    if (e instanceof NoodleRuntimeError) throw new UsageError(e.code, e.message);
    throw e;
  }
}
