// The log a store keeps its committed transactions in: a file header, then one record per
// transaction. A record is appended in one write and made durable before the commit returns, so
// after a crash only the last record can be incomplete; everything before it was synced first.
//
//   file header (16 bytes)  "NOODLEDB"  u32 format version  u32 0
//   record                  header (24 bytes): u32 RECORD_MAGIC, u32 data bytes,
//                           u32 directory bytes, u32 checksum(directory), u32 op count, u32 0
//                           data: the values' codec bytes, each padded to a multiple of 8
//                           directory: one entry per operation (below), then zero padding to 8
//   directory entry         u8 kind (1 put, 2 delete), 3 zero bytes, u32 key bytes,
//                           u32 meta bytes, u32 value bytes, u32 checksum(value),
//                           u32 value offset in the data, f64 created, f64 updated,
//                           key (UTF-8), meta (codec bytes; none when 0)
//
// Values come first so that their place in the file is known as soon as they are added to a
// transaction. Opening reads every header and directory (small) and checks the directories'
// checksums; the values' checksums are checked when they are read, and, for the last record, on
// opening too.
// All integers and doubles are little-endian; every record starts at a multiple of 8.
import { checksum } from "./checksum.js";

export const FILE_MAGIC = "NOODLEDB";
export const LOG_VERSION = 1;
export const FILE_HEADER_SIZE = 16;
export const RECORD_MAGIC = 0x4345524e; // "NREC"
export const RECORD_HEADER_SIZE = 24;
const ENTRY_FIXED = 40;

export const OP_PUT = 1;
export const OP_DELETE = 2;

export interface PutOp {
  kind: typeof OP_PUT;
  key: string;
  value: Uint8Array;
  /** Codec bytes of the metadata map, or undefined for none. */
  meta: Uint8Array | undefined;
  created: number;
  updated: number;
}

export interface DeleteOp {
  kind: typeof OP_DELETE;
  key: string;
}

export type LogOp = PutOp | DeleteOp;

/** Where a value lives in the log, and its checksum. */
export interface ValueRef {
  offset: number;
  length: number;
  sum: number;
}

/** An operation read back from the log; a put's value is a reference, not the bytes. */
export type ReadOp =
  | { kind: typeof OP_PUT; key: string; meta: Uint8Array | undefined; created: number; updated: number; ref: ValueRef }
  | { kind: typeof OP_DELETE; key: string };

const utf8enc = new TextEncoder();
const utf8dec = new TextDecoder("utf-8", { fatal: true });

const align8 = (n: number): number => (n + 7) & ~7;

export function fileHeader(): Uint8Array {
  const h = new Uint8Array(FILE_HEADER_SIZE);
  h.set(utf8enc.encode(FILE_MAGIC));
  new DataView(h.buffer).setUint32(8, LOG_VERSION, true);
  return h;
}

/** Whether `h` is a store file's header; a reason when it is not. */
export function checkFileHeader(h: Uint8Array): string | undefined {
  if (h.length < FILE_HEADER_SIZE || utf8dec.decode(h.subarray(0, 8)) !== FILE_MAGIC) return "not a Noodle store";
  const version = new DataView(h.buffer, h.byteOffset, h.byteLength).getUint32(8, true);
  if (version !== LOG_VERSION) return `store format version ${version} is not supported (this is version ${LOG_VERSION})`;
  return undefined;
}

/**
 * Builds the record of one transaction as its operations come. A record is appended at a known
 * file offset, so each value's final place is known when it is added: the index can point at it
 * before the commit, and reads of uncommitted values are served from here.
 */
export class RecordBuilder {
  private ops: LogOp[] = [];
  /** The puts' values in order, with their references (offsets increase). */
  private values: { ref: ValueRef; bytes: Uint8Array }[] = [];
  private dataBytes = 0;

  /** `at`: the file offset the record will be appended at (a multiple of 8). */
  constructor(readonly at: number) {}

  get isEmpty(): boolean {
    return this.ops.length === 0;
  }

  /** Adds an operation; a put's value reference is returned. */
  add(op: LogOp): ValueRef | undefined {
    this.ops.push(op);
    if (op.kind !== OP_PUT) return undefined;
    const ref = { offset: this.at + RECORD_HEADER_SIZE + this.dataBytes, length: op.value.length, sum: checksum(op.value) };
    this.values.push({ ref, bytes: op.value });
    this.dataBytes += align8(op.value.length);
    return ref;
  }

  /** The bytes of a value added here, by its reference; undefined when it is not here. */
  valueAt(ref: ValueRef): Uint8Array | undefined {
    let lo = 0, hi = this.values.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, at = this.values[mid].ref.offset;
      if (at === ref.offset) return this.values[mid].bytes;
      if (at < ref.offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** A point to roll back to (a savepoint). */
  mark(): { ops: number; values: number; dataBytes: number } {
    return { ops: this.ops.length, values: this.values.length, dataBytes: this.dataBytes };
  }

  rollbackTo(m: { ops: number; values: number; dataBytes: number }): void {
    this.ops.length = m.ops;
    this.values.length = m.values;
    this.dataBytes = m.dataBytes;
  }

  /**
   * The record as a list of byte arrays to write one after another: its header, each value and
   * its padding (the values themselves, not copies), then the directory.
   */
  finish(): Uint8Array[] {
    const keys = this.ops.map((op) => utf8enc.encode(op.key));
    let dirBytes = 0;
    this.ops.forEach((op, i) => (dirBytes += ENTRY_FIXED + keys[i].length + (op.kind === OP_PUT ? (op.meta?.length ?? 0) : 0)));
    const dir = new Uint8Array(align8(dirBytes));
    const view = new DataView(dir.buffer);
    const parts: Uint8Array[] = [new Uint8Array(RECORD_HEADER_SIZE)];
    let p = 0, v = 0;
    this.ops.forEach((op, i) => {
      const key = keys[i];
      view.setUint8(p, op.kind);
      view.setUint32(p + 4, key.length, true);
      let meta: Uint8Array = new Uint8Array(0);
      if (op.kind === OP_PUT) {
        const ref = this.values[v++].ref;
        meta = op.meta ?? meta;
        view.setUint32(p + 8, meta.length, true);
        view.setUint32(p + 12, op.value.length, true);
        view.setUint32(p + 16, ref.sum, true);
        view.setUint32(p + 20, ref.offset - this.at - RECORD_HEADER_SIZE, true);
        view.setFloat64(p + 24, op.created, true);
        view.setFloat64(p + 32, op.updated, true);
        parts.push(op.value);
        const pad = align8(op.value.length) - op.value.length;
        if (pad) parts.push(ZEROS.subarray(0, pad));
      }
      dir.set(key, p + ENTRY_FIXED);
      dir.set(meta, p + ENTRY_FIXED + key.length);
      p += ENTRY_FIXED + key.length + meta.length;
    });
    parts.push(dir);
    const header = new DataView(parts[0].buffer);
    header.setUint32(0, RECORD_MAGIC, true);
    header.setUint32(4, this.dataBytes, true);
    header.setUint32(8, dir.length, true);
    header.setUint32(12, checksum(dir), true);
    header.setUint32(16, this.ops.length, true);
    return parts;
  }
}

const ZEROS = new Uint8Array(8);

/** Byte arrays joined into one. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface RecordHeader {
  dirBytes: number;
  dataBytes: number;
  dirCrc: number;
  count: number;
  /** Bytes of the whole record. */
  size: number;
}

/** The header of a record, or a reason it is not one. */
export function readRecordHeader(h: Uint8Array): RecordHeader | string {
  const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
  if (h.length < RECORD_HEADER_SIZE || view.getUint32(0, true) !== RECORD_MAGIC) return "bad record header";
  const dataBytes = view.getUint32(4, true), dirBytes = view.getUint32(8, true);
  if (dirBytes % 8 !== 0 || dataBytes % 8 !== 0 || view.getUint32(20, true) !== 0) return "bad record header";
  return { dirBytes, dataBytes, dirCrc: view.getUint32(12, true), count: view.getUint32(16, true), size: RECORD_HEADER_SIZE + dirBytes + dataBytes };
}

/** The operations listed in a record's directory (the record starting at file offset `at`). */
export function readDirectory(header: RecordHeader, dir: Uint8Array, at: number): ReadOp[] | string {
  if (checksum(dir) !== header.dirCrc) return "record directory checksum mismatch";
  const view = new DataView(dir.buffer, dir.byteOffset, dir.byteLength);
  const dataStart = at + RECORD_HEADER_SIZE;
  const ops: ReadOp[] = [];
  let p = 0;
  for (let i = 0; i < header.count; i++) {
    if (p + ENTRY_FIXED > dir.length) return "record directory is truncated";
    const kind = view.getUint8(p), keyLen = view.getUint32(p + 4, true);
    const metaLen = kind === OP_PUT ? view.getUint32(p + 8, true) : 0;
    const end = p + ENTRY_FIXED + keyLen + metaLen;
    if ((kind !== OP_PUT && kind !== OP_DELETE) || end > dir.length) return "bad record directory entry";
    let key: string;
    try {
      key = utf8dec.decode(dir.subarray(p + ENTRY_FIXED, p + ENTRY_FIXED + keyLen));
    } catch {
      return "key is not UTF-8";
    }
    if (kind === OP_DELETE) ops.push({ kind, key });
    else {
      const length = view.getUint32(p + 12, true), offset = view.getUint32(p + 20, true);
      if (offset % 8 !== 0 || offset + length > header.dataBytes) return "value outside its record";
      ops.push({
        kind,
        key,
        meta: metaLen ? dir.slice(p + ENTRY_FIXED + keyLen, end) : undefined,
        created: view.getFloat64(p + 24, true),
        updated: view.getFloat64(p + 32, true),
        ref: { offset: dataStart + offset, length, sum: view.getUint32(p + 16, true) },
      });
    }
    p = end;
  }
  return ops;
}
