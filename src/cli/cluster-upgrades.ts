// The program side of `noodle upgrade --cluster`: a program run with `--cluster` takes the
// upgrade requests naming its file, compiles the source it is sent as its next version, and rolls
// it out over the nodes (docs/upgrade.md). What happened goes back to the command, and to stderr
// as `--watch` says it.
import type { Cluster } from "../cluster/cluster.js";
import { serveUpgradeRequests, type UpgradeAnswer, type UpgradeRequest } from "../cluster/upgrade-requests.js";
import type { Install } from "../compiler/codegen.js";
import { compile } from "../compiler/compile.js";
import { renderDiagnostic } from "../compiler/diagnostics.js";
import type { UpgradeEvent, Upgrades } from "../runtime/upgrade.js";
import type { VM } from "../runtime/vm.js";
import { describeUpgrade } from "./watch.js";

export interface ClusterUpgradeOptions {
  /** What version 1 installs (its compile result's `installs`). */
  first: readonly Install[];
  readFile: (path: string) => string | undefined;
  persistentActors?: string[];
  stderr: (text: string) => void;
}

/** The health window of each node when the request gives none (the runtime's default). */
const DEFAULT_WINDOW_MS = 10_000;

/** Serves upgrade requests for `vm`'s program in `path` until the returned function is called. */
export function serveClusterUpgrades(vm: VM, cluster: Cluster, path: string, options: ClusterUpgradeOptions): () => void {
  const up = vm.upgrades(options.first);
  up.onEvent((e) => describeUpgrade(e, options.stderr));
  // one request at a time: the next waits for the one before to be out everywhere
  let busy: Promise<void> = Promise.resolve();
  return serveUpgradeRequests(
    cluster.nc,
    path,
    (request, answer) => {
      busy = busy.then(() => upgradeFrom(up, cluster, path, request, options, answer));
    },
    (reason) => cluster.refused(reason),
  );
}

async function upgradeFrom(
  up: Upgrades,
  cluster: Cluster,
  path: string,
  request: UpgradeRequest,
  options: ClusterUpgradeOptions,
  answer: (a: UpgradeAnswer) => void,
): Promise<void> {
  const session = cluster.session;
  const nodes = [...new Set(cluster.membership.live().map((n) => n.name))].sort();
  const windowMs = request.healthWindowMs ?? DEFAULT_WINDOW_MS;
  // every node watched in turn, and the time to check and switch
  answer({ session, step: "accepted", nodes, deadlineMs: (nodes.length + 1) * windowMs + 30_000 });
  const c = compile(request.source, { file: path, readFile: options.readFile, persistentActors: options.persistentActors, upgrade: up.base() });
  if (!c.ok) {
    const text = c.diagnostics.map((d) => renderDiagnostic(d, c.sources.get(d.file))).join("\n");
    options.stderr(`${text}\nnot upgraded: version ${up.version} keeps running\n`);
    return answer({ session, step: "failed", error: text });
  }
  const ended = outcomeOf(up);
  const outcome = await up.upgrade({ module: c.module!, installs: c.installs! }, { healthWindowMs: windowMs }, "manual");
  if (!outcome.ok) {
    ended.cancel();
    options.stderr(`${outcome.error.render()}\n`);
    return answer({ session, step: "failed", error: outcome.error.render() });
  }
  const end = await ended.promise;
  if (end.kind === "healthy") answer({ session, step: "upgraded", version: end.version, nodes: end.nodes });
  else answer({ session, step: "failed", error: `rolled back to version ${end.to} (${end.trigger}: ${end.reason})` });
}

/** How the next upgrade ends: healthy on every node it reached, or rolled back. */
function outcomeOf(up: Upgrades): { promise: Promise<Ended>; cancel(): void } {
  const nodes: string[] = [];
  let cancel = () => {};
  const promise = new Promise<Ended>((resolve) => {
    cancel = up.onEvent((e) => {
      if (e.kind === "node-switched") return void nodes.push(e.node);
      if (e.kind === "healthy") resolve({ kind: "healthy", version: e.version, nodes });
      else if (e.kind === "rolled-back") resolve(e);
      else return;
      cancel();
    });
  });
  return { promise, cancel: () => cancel() };
}

type Ended = { kind: "healthy"; version: number; nodes: string[] } | Extract<UpgradeEvent, { kind: "rolled-back" }>;
