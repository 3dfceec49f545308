// The log a store keeps its committed transactions in: a file header, then one record per
// transaction. A record is written at the end of the log and synced before its commit returns,
// so after a crash only the last record can be incomplete; everything before it was synced first.
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
// Values come first so that they can be written out as a transaction adds them, each at a place
// known at once; the directory and then the header (over zeros) are written at the commit, before
// the log is synced. Opening reads every header and directory (small) and checks the
// directories' checksums; the values' checksums are checked when they are read, and, for the
// last record, on opening too.
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

/**
 * In the index (the `value` column), a value is a reference to its place in the log: "NREF",
 * u32 length, f64 log offset, u32 checksum, u32 0.
 */
const REF_MAGIC = 0x4645524e;
const REF_SIZE = 24;

export function encodeRef(r: ValueRef): Uint8Array {
  const b = new Uint8Array(REF_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0, REF_MAGIC, true);
  v.setUint32(4, r.length, true);
  v.setFloat64(8, r.offset, true);
  v.setUint32(16, r.sum, true);
  return b;
}

export function decodeRef(b: Uint8Array): ValueRef | undefined {
  if (b.length !== REF_SIZE) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(0, true) !== REF_MAGIC) return undefined;
  return { length: v.getUint32(4, true), offset: v.getFloat64(8, true), sum: v.getUint32(16, true) };
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
  const magic = utf8enc.encode(FILE_MAGIC);
  if (h.length < FILE_HEADER_SIZE || magic.some((b, i) => h[i] !== b)) return "not a Noodle store";
  const version = new DataView(h.buffer, h.byteOffset, h.byteLength).getUint32(8, true);
  if (version !== LOG_VERSION) return `store format version ${version} is not supported (this is version ${LOG_VERSION})`;
  return undefined;
}

/**
 * Builds the record of one transaction as its operations come. The values are written out as
 * they are added (after a header of zeros that the commit overwrites), so a transaction's size
 * is not bounded by memory and each value's place in the log is known at once; the directory is
 * kept here and written at the commit.
 */
export class RecordBuilder {
  /** Directory entries of the operations so far (puts with their references). */
  private entries: { op: LogOp; ref?: ValueRef }[] = [];
  private dataBytes = 0;

  /** `at`: the log offset the record starts at (a multiple of 8). */
  constructor(readonly at: number) {}

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** What to write before the first value: room for the header. */
  start(): Uint8Array[] {
    return [new Uint8Array(RECORD_HEADER_SIZE)];
  }

  /**
   * Adds an operation. For a put, returns its value's reference and the bytes to append to the
   * log now (the value itself and its padding).
   */
  add(op: LogOp): { ref: ValueRef; parts: Uint8Array[] } | undefined {
    if (op.kind !== OP_PUT) {
      this.entries.push({ op });
      return undefined;
    }
    const ref = { offset: this.at + RECORD_HEADER_SIZE + this.dataBytes, length: op.value.length, sum: checksum(op.value) };
    this.entries.push({ op: { ...op, value: EMPTY }, ref }); // the bytes are in the log already
    this.dataBytes += align8(op.value.length);
    const pad = align8(op.value.length) - op.value.length;
    return { ref, parts: pad ? [op.value, ZEROS.subarray(0, pad)] : [op.value] };
  }

  /** A point to roll back to (a savepoint), and the log size to cut back to. */
  mark(): { entries: number; dataBytes: number; logSize: number } {
    return { entries: this.entries.length, dataBytes: this.dataBytes, logSize: this.at + RECORD_HEADER_SIZE + this.dataBytes };
  }

  rollbackTo(m: { entries: number; dataBytes: number }): void {
    this.entries.length = m.entries;
    this.dataBytes = m.dataBytes;
  }

  /** The directory to append after the values, and the header to write over the zeros at `at`. */
  finish(): { directory: Uint8Array; header: Uint8Array } {
    const keys = this.entries.map((e) => utf8enc.encode(e.op.key));
    let dirBytes = 0;
    this.entries.forEach(({ op }, i) => (dirBytes += ENTRY_FIXED + keys[i].length + (op.kind === OP_PUT ? (op.meta?.length ?? 0) : 0)));
    const directory = new Uint8Array(align8(dirBytes));
    const view = new DataView(directory.buffer);
    let p = 0;
    this.entries.forEach(({ op, ref }, i) => {
      const key = keys[i];
      view.setUint8(p, op.kind);
      view.setUint32(p + 4, key.length, true);
      let meta: Uint8Array = EMPTY;
      if (op.kind === OP_PUT && ref) {
        meta = op.meta ?? meta;
        view.setUint32(p + 8, meta.length, true);
        view.setUint32(p + 12, ref.length, true);
        view.setUint32(p + 16, ref.sum, true);
        view.setUint32(p + 20, ref.offset - this.at - RECORD_HEADER_SIZE, true);
        view.setFloat64(p + 24, op.created, true);
        view.setFloat64(p + 32, op.updated, true);
      }
      directory.set(key, p + ENTRY_FIXED);
      directory.set(meta, p + ENTRY_FIXED + key.length);
      p += ENTRY_FIXED + key.length + meta.length;
    });
    const header = new Uint8Array(RECORD_HEADER_SIZE);
    const h = new DataView(header.buffer);
    h.setUint32(0, RECORD_MAGIC, true);
    h.setUint32(4, this.dataBytes, true);
    h.setUint32(8, directory.length, true);
    h.setUint32(12, checksum(directory), true);
    h.setUint32(16, this.entries.length, true);
    return { directory, header };
  }
}

const EMPTY = new Uint8Array(0);
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
  const dataBytes = view.getUint32(4, true),
    dirBytes = view.getUint32(8, true);
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
    const kind = view.getUint8(p),
      keyLen = view.getUint32(p + 4, true);
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
      const length = view.getUint32(p + 12, true),
        offset = view.getUint32(p + 20, true);
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
