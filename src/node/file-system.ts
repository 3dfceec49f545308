// The file system of std/fs, std/sys, imports and stores in Node. Importing this module makes it
// the platform's (see src/runtime/file-system.ts).

import { constants as buffers } from "node:buffer";
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  writeFileSync,
} from "node:fs";
import { resolve as absolute, dirname, join, parse, sep } from "node:path";
import { type FileSystem, setPlatformFileSystem } from "../runtime/file-system.js";
import { HostError } from "../runtime/host-calls.js";

/**
 * `path` made absolute with `..` and symbolic links resolved, through its nearest existing ancestor
 * when it does not exist yet. A link whose target does not exist yet resolves to that target, since
 * writing through it would create the file there.
 */
export function resolvePath(path: string): string {
  return resolveFrom(absolute(path), 0);
}

/** Links followed at most, as the system does (a longer chain or a loop cannot be opened anyway). */
const MAX_LINKS = 40;

function resolveFrom(full: string, links: number): string {
  const { root } = parse(full);
  const names = full
    .slice(root.length)
    .split(sep)
    .filter((n) => n !== "");
  const real = (k: number): string | undefined => {
    try {
      return realpathSync(join(root, ...names.slice(0, k)));
    } catch {
      return undefined;
    }
  };
  // The longest leading part that exists: a part resolves only when every shorter one does, so it
  // is found by bisection, in a few steps however many parts a path has.
  let found = real(0);
  if (found === undefined) return full;
  let [lo, hi] = [0, names.length + 1];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const r = real(mid);
    if (r === undefined) hi = mid;
    else [lo, found] = [mid, r];
  }
  if (lo === names.length) return found;
  const target = links < MAX_LINKS ? linkTarget(join(root, ...names.slice(0, lo + 1))) : undefined;
  if (target !== undefined) return resolveFrom(join(target, ...names.slice(lo + 1)), links + 1);
  return join(found, ...names.slice(lo));
}

/** Where the symbolic link at `path` points (absolute), or undefined when `path` is not a link. */
function linkTarget(path: string): string | undefined {
  try {
    if (!lstatSync(path).isSymbolicLink()) return undefined;
    return absolute(realpathSync(dirname(path)), readlinkSync(path));
  } catch {
    return undefined;
  }
}

const NOT_REGULAR = "it is not a regular file";

/** What a system error means, said for a program's user rather than in the system's words. */
const DETAILS: Record<string, string> = {
  EISDIR: "it is a folder",
  ENOTDIR: "it is not a folder",
  EACCES: "the system denies access",
  ENXIO: NOT_REGULAR,
  ENAMETOOLONG: "its name is too long",
  ELOOP: "it leads through too many symbolic links",
};

/** A Node file error as the Noodle error a program sees: 3012 for a missing file, else 3015. */
function failed(action: string, path: string, e: unknown): HostError {
  if (e instanceof HostError) return e;
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return HostError.of("MissingFile", path);
  const detail = (code !== undefined && DETAILS[code]) || (e as Error).message;
  return HostError.of("FileFailed", action, path, detail);
}

function attempt<T>(action: string, path: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    throw failed(action, path, e);
  }
}

const { O_RDONLY, O_WRONLY, O_CREAT, O_TRUNC, O_APPEND } = constants;
// never wait to open (a FIFO with nobody at the other end) and never follow a link put in place of the checked file
const SAFELY = (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/**
 * Does `body` with `path` open as a regular file. Devices and FIFOs are refused: they may never
 * end (/dev/zero) or wait forever (/dev/stdin, a FIFO), and the program would hang.
 */
function withRegularFile<T>(action: string, path: string, flags: number, body: (fd: number, size: number) => T): T {
  return attempt(action, path, () => {
    const fd = openSync(path, flags | SAFELY);
    try {
      const stat = fstatSync(fd);
      if (stat.isDirectory()) throw HostError.of("FileFailed", action, path, "it is a folder");
      if (!stat.isFile()) throw HostError.of("FileFailed", action, path, NOT_REGULAR);
      return body(fd, stat.size);
    } finally {
      closeSync(fd);
    }
  });
}

/** The text of the file at `path`, refused before it is read when it cannot fit: in `maxBytes`, or in a string at all. */
function readText(path: string, maxBytes?: number): string {
  return withRegularFile("read", path, O_RDONLY, (fd, size) => {
    if (maxBytes !== undefined && maxBytes > 0 && size > maxBytes) throw HostError.of("MemoryLimit", `${maxBytes} bytes`);
    if (size > buffers.MAX_STRING_LENGTH) throw HostError.of("FileFailed", "read", path, `it is too large to read as text (${size} bytes)`);
    return readFileSync(fd, "utf8");
  });
}

export const nodeFileSystem: FileSystem = {
  resolve: resolvePath,
  absolute: (path) => absolute(path),
  read: readText,
  write: (path, text) => withRegularFile("write", path, O_WRONLY | O_CREAT | O_TRUNC, (fd) => writeFileSync(fd, text)),
  append: (path, text) => withRegularFile("append to", path, O_WRONLY | O_CREAT | O_APPEND, (fd) => writeFileSync(fd, text)),
  exists: (path) => existsSync(path),
  list: (path) => attempt("list", path, () => readdirSync(path).sort()),
  env: (name) => process.env[name],
};

setPlatformFileSystem(nodeFileSystem);
