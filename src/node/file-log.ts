// A store's log as a file (Node). Appends go to the end of the file and are flushed with
// fdatasync before they count as done; compaction writes a new file beside it, syncs it and
// renames it over the old one, so a crash leaves one whole log or the other.
import { openSync, closeSync, readSync, writeSync, writevSync, fdatasyncSync, fsyncSync, ftruncateSync, fstatSync, renameSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import type { LogDevice } from "../store/log-device.js";

export class FileLog implements LogDevice {
  private fd: number;
  size: number;

  private constructor(readonly name: string, fd: number) {
    this.fd = fd;
    this.size = fstatSync(fd).size;
  }

  /** Opens (creating when missing) the log file at `path`. */
  static open(path: string): FileLog {
    const fd = openSync(path, "a+");
    const log = new FileLog(path, fd);
    if (log.size === 0) syncDirectory(path); // a new file's name is durable once its directory is
    return log;
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

  append(parts: Uint8Array[]): void {
    const total = parts.reduce((n, p) => n + p.length, 0);
    // one system call for the whole record: its values are written from where they are
    const written = writevSync(this.fd, parts);
    if (written !== total) throw new Error(`${this.name}: wrote ${written} of ${total} bytes`);
    fdatasyncSync(this.fd);
    this.size += total;
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
    this.fd = openSync(this.name, "a+");
    this.size = bytes.length;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

function syncDirectory(path: string): void {
  const fd = openSync(dirname(path), "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
