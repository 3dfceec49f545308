// A store's log as a file (Node). Writes go to the end of the file, straight from the caller's
// buffers; `sync` flushes them with fdatasync. Compaction writes a new file beside it, syncs it
// and renames it over the old one, so a crash leaves one whole log or the other.
import {
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
  writevSync,
} from "node:fs";
import { dirname } from "node:path";
import type { LogDevice } from "../store/log-device.js";
import { lockStore } from "./store-lock.js";

export class FileLog implements LogDevice {
  private fd: number;
  size: number;

  private constructor(
    readonly name: string,
    fd: number,
    readonly readOnly: boolean,
    private readonly unlock: () => void,
  ) {
    this.fd = fd;
    this.size = fstatSync(fd).size;
  }

  /**
   * Opens the log file at `path`: for writing (creating it when missing, and taking its lock, so
   * one process writes it at a time), or read-only (no lock: it sees what was committed when it
   * opened, and never changes the file).
   */
  static open(path: string, options: { readOnly?: boolean } = {}): FileLog {
    if (options.readOnly) return new FileLog(path, openRegular(path, constants.O_RDONLY), true, () => {});
    const unlock = lockStore(path);
    try {
      // created when missing; writes below give their positions (no O_APPEND)
      const log = new FileLog(path, openRegular(path, constants.O_RDWR | constants.O_CREAT), false, unlock);
      if (log.size === 0) syncDirectory(path); // a new file's name is durable once its directory is
      return log;
    } catch (e) {
      unlock();
      throw e;
    }
  }

  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, offset + done);
      if (n === 0) throw new RangeError(`${this.name}: read past the end of the file`);
      done += n;
    }
    return out;
  }

  write(parts: Uint8Array[]): void {
    const total = parts.reduce((n, p) => n + p.length, 0);
    const written = writevSync(this.fd, parts, this.size);
    if (written !== total) throw new Error(`${this.name}: wrote ${written} of ${total} bytes`);
    this.size += total;
  }

  writeAt(offset: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, offset + done);
  }

  sync(): void {
    fdatasyncSync(this.fd);
  }

  truncate(size: number): void {
    ftruncateSync(this.fd, size);
    fdatasyncSync(this.fd);
    this.size = size;
  }

  replace(bytes: Uint8Array): void {
    const temp = `${this.name}.compact`;
    const fd = openSync(temp, "w");
    try {
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      unlinkSync(temp);
      throw e;
    }
    closeSync(fd);
    renameSync(temp, this.name);
    syncDirectory(this.name);
    closeSync(this.fd);
    this.fd = openSync(this.name, "r+");
    this.size = bytes.length;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    this.unlock();
  }
}

/**
 * Opens the regular file at `path`. Anything else is refused: a FIFO would wait for its other end
 * (so it is opened without waiting) and a device is no place for a log.
 */
function openRegular(path: string, flags: number): number {
  const fd = openSync(path, flags | (constants.O_NONBLOCK ?? 0));
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new Error("it is not a regular file");
  }
  return fd;
}

function syncDirectory(path: string): void {
  const fd = openSync(dirname(path), "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
