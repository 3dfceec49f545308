// The file system of std/fs, std/sys, imports and stores in Node. Importing this module makes it
// the platform's (see src/runtime/file-system.ts).
import { readFileSync, writeFileSync, appendFileSync, existsSync, readdirSync, realpathSync, lstatSync, readlinkSync } from "node:fs";
import { resolve as absolute, dirname, basename, join } from "node:path";
import { HostError } from "../runtime/host-calls.js";
import { setPlatformFileSystem, type FileSystem } from "../runtime/file-system.js";

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
  const rest: string[] = [];
  for (let at = full; ; at = dirname(at)) {
    try {
      return join(realpathSync(at), ...rest);
    } catch {
      const target = links < MAX_LINKS ? linkTarget(at) : undefined;
      if (target !== undefined) return resolveFrom(join(target, ...rest), links + 1);
      if (dirname(at) === at) return full;
      rest.unshift(basename(at));
    }
  }
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

/** A Node file error as the Noodle error a program sees: 3012 for a missing file, else 3015. */
function failed(action: string, path: string, e: unknown): HostError {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return HostError.of("MissingFile", path);
  const detail = code === "EISDIR" ? "it is a folder" : code === "ENOTDIR" ? "it is not a folder" : code === "EACCES" ? "the system denies access" : (e as Error).message;
  return HostError.of("FileFailed", action, path, detail);
}

function attempt<T>(action: string, path: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    throw failed(action, path, e);
  }
}

export const nodeFileSystem: FileSystem = {
  resolve: resolvePath,
  read: (path) => attempt("read", path, () => readFileSync(path, "utf8")),
  write: (path, text) => attempt("write", path, () => writeFileSync(path, text)),
  append: (path, text) => attempt("append to", path, () => appendFileSync(path, text)),
  exists: (path) => existsSync(path),
  list: (path) => attempt("list", path, () => readdirSync(path).sort()),
  env: (name) => process.env[name],
};

setPlatformFileSystem(nodeFileSystem);
