// The file system of std/fs, std/sys, imports and stores in Node. Importing this module makes it
// the platform's (see src/runtime/file-system.ts).
import { readFileSync, writeFileSync, appendFileSync, existsSync, readdirSync, realpathSync } from "node:fs";
import { resolve as absolute, dirname, basename, join } from "node:path";
import { HostError } from "../runtime/host-calls.js";
import { setPlatformFileSystem, type FileSystem } from "../runtime/file-system.js";

/** `path` made absolute with `..` and symbolic links resolved, through its nearest existing ancestor when it does not exist yet. */
export function resolvePath(path: string): string {
  const full = absolute(path);
  const rest: string[] = [];
  for (let at = full; ; at = dirname(at)) {
    try {
      return join(realpathSync(at), ...rest);
    } catch {
      if (dirname(at) === at) return full;
      rest.unshift(basename(at));
    }
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
