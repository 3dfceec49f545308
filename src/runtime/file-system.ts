// The file system and environment a platform offers std/fs, std/sys, imports and stores. Node
// registers one (src/node/file-system.ts); browsers have none, so there std/fs fails with 6003.
// Every path given to these functions other than `resolve` has been resolved by `resolve` and
// allowed by the program's permissions (permissions.ts).
import { joinPath } from "../compiler/paths.js";
import { HostError } from "./host-calls.js";

export interface FileSystem {
  /** The absolute path with `..` and symbolic links resolved; for a path that does not exist yet, its nearest existing folder is resolved and the rest appended. */
  resolve(path: string): string;
  /** The absolute path with `.` and `..` taken out, symbolic links not followed (how a refusal names it). */
  absolute?(path: string): string;
  /** The text of a file (UTF-8); 3012 when there is none, 3015 when it cannot be read, 4001 when it is bigger than `maxBytes`. */
  read(path: string, maxBytes?: number): string;
  write(path: string, text: string): void;
  append(path: string, text: string): void;
  exists(path: string): boolean;
  /** The names in a folder, sorted; 3012 when there is no such folder. */
  list(path: string): string[];
  /** An environment variable, undefined when unset. */
  env(name: string): string | undefined;
}

let platform: FileSystem | undefined;

/** Sets the file system of this platform (done once, by the platform's entry point). */
export function setPlatformFileSystem(fs: FileSystem): void {
  platform = fs;
}

/** The file system of this platform, if it has one. */
export function platformFileSystem(): FileSystem | undefined {
  return platform;
}

/**
 * `path` resolved for a permission check: by the platform's file system, or where there is none
 * (store names in browsers) with `.` and `..` taken out, so they cannot climb out of a root either.
 */
export function resolvedPath(path: string): string {
  return platform ? platform.resolve(path) : joinPath("", path);
}

/** `path` made absolute without following links, as a refusal names it (see Permissions.check). */
export function absolutePath(path: string): string {
  return platform?.absolute?.(path) ?? resolvedPath(path);
}

/** `path` unless it has a NUL character, which no file system can name (3011, before any check). */
export function validPath(path: string, fn: string): string {
  if (path.includes("\0")) throw HostError.of("InvalidArgument", `${fn} (a path cannot contain a NUL character)`);
  return path;
}
