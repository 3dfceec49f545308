// `noodle node`: joins a cluster and serves programs' workers until a signal drains it.
import { availableParallelism, hostname } from "node:os";
import { resolve } from "node:path";
import { clusterUrlFrom, connectCluster, parseClusterUrl } from "../cluster/connect.js";
import { ClusterNode } from "../cluster/node.js";
import { NAME_PATTERN } from "../cluster/subjects.js";
import { observeNode } from "../metrics/node-metrics.js";
import { nodeThreads } from "../node/cluster-threads.js";
import { resolvePath } from "../node/file-system.js";
import { HostError } from "../runtime/host-calls.js";
import { type PermissionOptions, Permissions } from "../runtime/permissions.js";
import { type Observation, observeOptionsFrom, startObservation } from "./observe.js";
import { type OptionValues, UsageError } from "./options.js";

export interface NodeCommandOptions {
  maxMemory?: number;
  maxSteps?: number;
  workers?: number;
}

/** Serves until SIGTERM or SIGINT, then drains; a second signal ends the node at once. */
export async function nodeCommand(values: OptionValues, options: NodeCommandOptions): Promise<number> {
  const url = clusterUrlFrom(values.nats as string | undefined);
  const name = (values.name as string | undefined) ?? defaultName();
  if (!NAME_PATTERN.test(name)) throw UsageError.of("BadOption", { detail: `--name must be 1 to 64 letters, digits, '-' or '_', got '${name}'` });
  const workers = options.workers ?? availableParallelism();
  const observe = observeOptionsFrom(values);
  let observation: Observation;
  try {
    observation = startObservation(observe, Permissions.of(nodePermissions(values), resolvePath), name);
    // the port is taken before the node joins: one in use ends it here, with 9010
    await observation.serve();
  } catch (e) {
    if (!(e instanceof HostError)) throw e;
    process.stderr.write(`noodle: error[${e.code}]: ${e.message}\n`);
    return 1;
  }
  try {
    return await serveNode(values, options, url, name, workers, observation);
  } finally {
    await observation.close();
  }
}

async function serveNode(
  values: OptionValues,
  options: NodeCommandOptions,
  url: string,
  name: string,
  workers: number,
  observation: Observation,
): Promise<number> {
  const nc = await connectCluster(url, { name });
  const node = await ClusterNode.start(
    nc,
    {
      url,
      name,
      workers,
      labels: (values.label as string[] | undefined) ?? [],
      policy: { maxMemory: options.maxMemory, maxSteps: options.maxSteps, permissions: nodePermissions(values) },
      events: observation.events,
      metrics: () => observation.registry.render(),
    },
    nodeThreads,
  );
  observeNode(observation.registry, () => node.health());
  // listening before saying it joined: whoever reads that line may signal at once
  const stop = new Promise<NodeJS.Signals>((done) => {
    process.once("SIGTERM", () => done("SIGTERM"));
    process.once("SIGINT", () => done("SIGINT"));
  });
  process.stdout.write(`node ${name} joined the cluster at ${parseClusterUrl(url).shown} with ${workers} worker(s)\n`);
  const signalled = await stop;
  const now = () => process.exit(0);
  process.once("SIGTERM", now);
  process.once("SIGINT", now);
  process.stdout.write(`node ${name} draining (${signalled}): finishing what it holds\n`);
  await node.drain();
  process.stdout.write(`node ${name} left the cluster\n`);
  return 0;
}

/** What programs may touch on this node: its working directory, and what the --allow-* options add. */
function nodePermissions(values: OptionValues): PermissionOptions {
  const cwd = process.cwd();
  const paths = (flag: string) => ((values[flag] as string[] | undefined) ?? []).map((p) => resolve(p));
  return {
    read: [cwd, ...paths("allow-read")],
    write: [cwd, ...paths("allow-write")],
    env: values["allow-env"] === true,
    all: values["allow-all"] === true,
  };
}

function defaultName(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9_-]/g, "-")
      .slice(0, 40) || "node";
  return `${host}-${process.pid}`;
}
