// `noodle upgrade --cluster URL FILE.nc` reaches the programs running on a cluster: it publishes
// the new source on `noodle.upgrade`, and each running program whose main file has the same name
// compiles it as its next version and rolls it out node by node (src/runtime/upgrade.ts). A
// program answers twice on the request's reply subject: at once that it took the request (with
// the nodes it will roll through and how long that may take), then how it ended. Requests that
// are not JSON of this shape are counted as refused and never answered.
import type { Msg, NatsConnection, Subscription } from "@nats-io/nats-core";
import { subjects } from "./subjects.js";

/** What the command sends. */
export interface UpgradeRequest {
  /** The program's main file name (its last path segment is what programs match). */
  file: string;
  source: string;
  /** Each node's health window (ms); the program's default (10 000) when absent. */
  healthWindowMs?: number;
}

/** What a program answers: that it took the request, then how the upgrade ended. */
export type UpgradeAnswer =
  | { session: string; step: "accepted"; nodes: string[]; deadlineMs: number }
  | { session: string; step: "upgraded"; version: number; nodes: string[] }
  | { session: string; step: "failed"; error: string };

/** The largest source a request carries (NATS's default payload limit is 1 MiB). */
export const MAX_SOURCE = 900 * 1024;

/** The file name a path ends with, as programs compare them. */
export function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Reads a request, or undefined when the bytes are not one. */
export function readUpgradeRequest(data: Uint8Array): UpgradeRequest | undefined {
  if (data.length > MAX_SOURCE + 4096) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { file, source, healthWindowMs } = value as Record<string, unknown>;
  if (typeof file !== "string" || typeof source !== "string" || file === "") return undefined;
  if (healthWindowMs !== undefined && !(typeof healthWindowMs === "number" && healthWindowMs >= 0 && healthWindowMs <= 3_600_000)) return undefined;
  return { file, source, healthWindowMs: healthWindowMs as number | undefined };
}

/**
 * Answers the cluster's upgrade requests for the program in `path`: `upgrade` is called with each
 * request naming it, and answers through `answer` (first "accepted", then the end). Returns what
 * stops listening.
 */
export function serveUpgradeRequests(
  nc: NatsConnection,
  path: string,
  upgrade: (request: UpgradeRequest, answer: (a: UpgradeAnswer) => void) => void,
  refused: (reason: string) => void,
): () => void {
  const name = fileNameOf(path);
  const sub: Subscription = nc.subscribe(subjects.upgrade, {
    callback: (error, msg: Msg) => {
      if (error || !msg.reply) return;
      const request = readUpgradeRequest(msg.data);
      if (!request) return refused("an upgrade request that is not one");
      if (fileNameOf(request.file) !== name) return;
      upgrade(request, (a) => {
        if (!nc.isClosed()) msg.respond(JSON.stringify(a));
      });
    },
  });
  return () => sub.unsubscribe();
}
