// A session: one program run's use of the cluster's nodes. The program asks a node to start a
// worker for it (an open request), names the session in every subject its workers use, and
// signs every frame with the session's token; it says it is alive every second, and a node drops
// a session it has not heard from for SESSION_SILENT_MS.

import { NAME_PATTERN } from "./subjects.js";

/** How often a program tells the nodes its session is alive (ms). */
export const SESSION_ALIVE_MS = 1000;
/** A session silent this long is over: its node stops its workers (ms). */
export const SESSION_SILENT_MS = 5000;

/** Start worker `worker` (a subject token) of session `session`, whose frames carry `token` (16 bytes, base64). */
export interface OpenRequest {
  session: string;
  worker: string;
  token: string;
}

export type OpenReply = { ok: true } | { ok: false; error: string };

/** A request to end one worker of a session, or all of them. */
export interface CloseRequest {
  session: string;
  worker?: string;
}

/** An open request from the network, checked field by field; undefined when it is not one. */
export function readOpenRequest(data: Uint8Array): (OpenRequest & { tokenBytes: Uint8Array }) | undefined {
  const r = readJson(data) as Partial<OpenRequest> | undefined;
  if (!r || !isName(r.session) || !isName(r.worker) || typeof r.token !== "string") return undefined;
  const tokenBytes = fromBase64(r.token);
  if (tokenBytes?.length !== 16) return undefined;
  return { session: r.session, worker: r.worker, token: r.token, tokenBytes };
}

export function readCloseRequest(data: Uint8Array): CloseRequest | undefined {
  const r = readJson(data) as Partial<CloseRequest> | undefined;
  if (!r || !isName(r.session) || (r.worker !== undefined && !isName(r.worker))) return undefined;
  return { session: r.session, worker: r.worker };
}

export function isName(x: unknown): x is string {
  return typeof x === "string" && NAME_PATTERN.test(x);
}

function readJson(data: Uint8Array): unknown {
  if (data.length > 4096) return undefined;
  try {
    const v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

export function fromBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}
