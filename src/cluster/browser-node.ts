// A cluster node in a web page (dist/browser/cluster-node.js): the same ClusterNode as
// `noodle node`, connected over NATS WebSocket, its workers Web Workers that connect the same
// way. Programs it runs have no file system and the page's own limits. Closing the page leaves
// the cluster: the node says so if it can, else it is declared dead as any silent node is.
import { ERRORS, formatError } from "../errors/table.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";
import { ClusterNode } from "./node.js";
import { NAME_PATTERN } from "./subjects.js";
import { webNodeThreads } from "./web-threads.js";
import { connectClusterWs } from "./ws-connect.js";

export { ClusterNode } from "./node.js";
export { parseWsClusterUrl } from "./ws-connect.js";

export interface BrowserNodeOptions {
  /** The server's WebSocket listener, with credentials: ws://user:password@host:port (wss:// for TLS). */
  url: string;
  /** The node's name in the cluster; `browser-` and 8 random hex digits by default. */
  name?: string;
  /** Web Workers offered to each program; the browser's hardwareConcurrency by default. */
  workers?: number;
  labels?: string[];
  /** Limits of the programs running here, whatever they ask (bytes, steps). */
  maxMemory?: number;
  maxSteps?: number;
  /** The Web Workers' script; cluster-node-worker.js beside this module by default. */
  workerScript?: string | URL;
}

/** Joins the cluster as a node; `close()` on the result drains it (finishes what it holds, then leaves). */
export async function startBrowserNode(options: BrowserNodeOptions): Promise<ClusterNode> {
  const name = options.name ?? `browser-${randomHex(4)}`;
  if (!NAME_PATTERN.test(name)) throw badOption(`a node's name must be 1 to 64 letters, digits, '-' or '_', got '${name}'`);
  const workers = options.workers ?? Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 2);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw badOption(`workers must be a whole number from 1 to 256, got ${workers}`);
  const nc = await connectClusterWs(options.url, { name });
  const node = await ClusterNode.start(
    nc,
    {
      url: options.url,
      name,
      workers,
      labels: options.labels ?? [],
      // no roots: a page lends its cores, not its files (there are none to lend)
      policy: { maxMemory: options.maxMemory, maxSteps: options.maxSteps, permissions: {} },
    },
    webNodeThreads(options.workerScript),
  );
  // the page's workers and connections end with it: leave at once, while the page can still speak
  globalThis.addEventListener?.("pagehide", () => void node.stop(), { once: true });
  return node;
}

function badOption(detail: string): NoodleRuntimeError {
  return new NoodleRuntimeError(ERRORS.BadOption.code, formatError("BadOption", { detail }), []);
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}
