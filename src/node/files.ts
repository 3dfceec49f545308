// Reading programs from the file system (Node only).
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve as absolute } from "node:path";
import { HostError } from "../runtime/host-calls.js";
import type { Permissions } from "../runtime/permissions.js";
import { resolvePath } from "./file-system.js";

/** Source text of a file for imports, or undefined when there is no such file. */
export function readSource(path: string): string | undefined {
  try {
    if (!existsSync(path) || !statSync(path).isFile()) return undefined;
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * How a program's imports are read: only under the read roots (6001), and only Noodle source,
 * also once symbolic links are followed (2008), so no other file's lines reach a diagnostic.
 */
export function importReader(permissions: Permissions): (path: string) => string | undefined {
  return (path) => {
    const resolved = resolvePath(path);
    permissions.check("read", resolved, path, absolute(path));
    if (!resolved.endsWith(".nc")) throw HostError.of("ImportFailed", path, `it leads to '${resolved}', which is not Noodle source (.nc)`);
    return readSource(resolved);
  };
}
