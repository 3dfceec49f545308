// What a node says about itself in the membership bucket, and the checks a record read from the
// network must pass before anything uses it.
import { NAME_PATTERN } from "./subjects.js";

export interface NodeRecord {
  name: string;
  /** Worker threads (or Web Workers) the node runs programs on. */
  workers: number;
  /** How busy it is: work waiting or running per worker. */
  load: number;
  /** Tasks running now. */
  tasks: number;
  /** Actors it hosts. */
  actors: number;
  /** When it started, in milliseconds since 1970 (its own clock). */
  startedAt: number;
  labels: string[];
}

/** Bounds on what a record may hold: a stranger's record cannot make readers allocate much. */
const MAX_RECORD_BYTES = 8192;
const MAX_LABELS = 32;
const LABEL_PATTERN = /^[\x21-\x7e]{1,64}$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export function encodeNodeRecord(record: NodeRecord): Uint8Array {
  return encoder.encode(JSON.stringify(record));
}

/**
 * The record stored under `key`, or undefined when it is not one: not JSON, another shape, counts
 * that are not whole and non-negative, or a name other than its key.
 */
export function decodeNodeRecord(bytes: Uint8Array, key: string): NodeRecord | undefined {
  if (bytes.length > MAX_RECORD_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  const count = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
  if (typeof r.name !== "string" || r.name !== key || !NAME_PATTERN.test(r.name)) return undefined;
  if (!count(r.workers) || !count(r.tasks) || !count(r.actors) || !count(r.startedAt)) return undefined;
  if (typeof r.load !== "number" || !Number.isFinite(r.load) || r.load < 0) return undefined;
  if (!Array.isArray(r.labels) || r.labels.length > MAX_LABELS || !r.labels.every((l) => typeof l === "string" && LABEL_PATTERN.test(l))) return undefined;
  return {
    name: r.name,
    workers: r.workers as number,
    load: r.load,
    tasks: r.tasks as number,
    actors: r.actors as number,
    startedAt: r.startedAt as number,
    labels: [...(r.labels as string[])],
  };
}

/** A record this node may publish: the same checks, so that a bad one fails here and not in every reader. */
export function isValidNodeRecord(record: NodeRecord): boolean {
  return decodeNodeRecord(encodeNodeRecord(record), record.name) !== undefined;
}
