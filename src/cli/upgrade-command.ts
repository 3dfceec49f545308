// `noodle upgrade --cluster URL FILE.nc`: the programs running on the cluster from a file of that
// name compile FILE.nc as their next version and roll it out node by node, each node watched for
// its health window before the next switches (docs/upgrade.md). One line per program says how it
// ended; the exit code is 0 when every one upgraded, 1 otherwise.
import { createInbox, type Msg } from "@nats-io/nats-core";
import { connectCluster, parseClusterUrl } from "../cluster/connect.js";
import { subjects } from "../cluster/subjects.js";
import { fileNameOf, MAX_SOURCE, type UpgradeAnswer, type UpgradeRequest } from "../cluster/upgrade-requests.js";
import { formatError } from "../errors/table.js";
import { readSource } from "../node/files.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";
import { clusterCommandFailed, commandClusterUrl } from "./cluster-status.js";
import { UsageError } from "./options.js";

export interface UpgradeCommandOptions {
  nats: string | undefined;
  /** Each node's health window (ms). */
  windowMs?: number;
  /** How long programs have to say they took the request (ms). */
  answerMs: number;
}

/** Upgrades the programs running `path` on the cluster; returns the exit code. */
export async function upgradeCommand(path: string, options: UpgradeCommandOptions, out: (text: string) => void): Promise<number> {
  const url = commandClusterUrl(options.nats);
  if (!path.endsWith(".nc")) throw UsageError.of("BadArguments", { detail: "noodle upgrade takes the new version's source, a FILE.nc" });
  const source = readSource(path);
  if (source === undefined) throw UsageError.of("BadArguments", { detail: `cannot read ${path}` });
  if (source.length > MAX_SOURCE) throw UsageError.of("BadArguments", { detail: `${path} is larger than an upgrade can carry (${MAX_SOURCE} bytes)` });
  try {
    const nc = await connectCluster(url, { name: "noodle upgrade" });
    try {
      const request: UpgradeRequest = { file: fileNameOf(path), source, healthWindowMs: options.windowMs };
      const ended = await askPrograms(nc, request, options.answerMs);
      if (ended.size === 0) {
        const shown = parseClusterUrl(url).shown;
        throw new NoodleRuntimeError(7008, formatError("NoProgramToUpgrade", { file: request.file, url: shown, ms: options.answerMs }), []);
      }
      let failed = 0;
      for (const [session, end] of [...ended].sort(([a], [b]) => a.localeCompare(b))) {
        if (end === undefined) {
          failed++;
          out(`program ${session}: no answer: it may have ended, or its upgrade is still rolling out\n`);
        } else if (end.step === "upgraded") {
          const on = end.nodes.length > 0 ? ` on ${end.nodes.join(", ")}` : "";
          out(`program ${session}: upgraded to version ${end.version}${on}\n`);
        } else {
          failed++;
          out(`program ${session}: ${end.error}\n`);
        }
      }
      return failed === 0 ? 0 : 1;
    } finally {
      await nc.close();
    }
  } catch (e) {
    return clusterCommandFailed(e);
  }
}

type Ended = Exclude<UpgradeAnswer, { step: "accepted" }>;

/**
 * Publishes the request and gathers the answers: the programs that took it within `answerMs`,
 * each with how it ended (undefined when it did not say so by the deadline it gave).
 */
async function askPrograms(nc: Awaited<ReturnType<typeof connectCluster>>, request: UpgradeRequest, answerMs: number): Promise<Map<string, Ended | undefined>> {
  const inbox = createInbox();
  const ended = new Map<string, Ended | undefined>();
  let deadline = 0;
  let wake = () => {};
  const sub = nc.subscribe(inbox, {
    callback: (error, msg: Msg) => {
      if (error) return;
      let a: UpgradeAnswer;
      try {
        a = msg.json<UpgradeAnswer>();
      } catch {
        return;
      }
      if (typeof a?.session !== "string") return;
      if (a.step === "accepted") {
        if (!ended.has(a.session)) ended.set(a.session, undefined);
        if (typeof a.deadlineMs === "number") deadline = Math.max(deadline, Date.now() + Math.min(a.deadlineMs, 24 * 3600_000));
      } else if (a.step === "upgraded" || a.step === "failed") ended.set(a.session, a);
      wake();
    },
  });
  const acceptBy = Date.now() + answerMs;
  try {
    nc.publish(subjects.upgrade, JSON.stringify(request), { reply: inbox });
    for (;;) {
      const now = Date.now();
      // no program takes the request after its time to; those that did have until their deadline to end
      const open = [...ended.values()].some((e) => e === undefined);
      if (now >= acceptBy && (!open || now >= deadline)) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.max(1, Math.min((now < acceptBy ? acceptBy : deadline) - now, 100)));
      });
    }
  } finally {
    sub.unsubscribe();
  }
  return ended;
}
