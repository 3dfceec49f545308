// What the command line's capability flags (spec section 8; the options are in options.ts) let a
// program of `run`, `repl`, `check`, `compile` and `disasm` read, write and see, and which files
// may be programs at all.
import { dirname } from "node:path";
import { resolvePath } from "../node/file-system.js";
import { Permissions } from "../runtime/permissions.js";
import type { OptionValues } from "./options.js";

/** The permissions of a program run from the command line: the spec's defaults plus the flags. */
export function permissionsFor(values: OptionValues, program?: string): Permissions {
  const cwd = process.cwd();
  const options = {
    read: [...(program === undefined ? [] : [dirname(resolvePath(program))]), cwd, ...((values["allow-read"] as string[] | undefined) ?? [])],
    write: [cwd, ...((values["allow-write"] as string[] | undefined) ?? [])],
    env: values["allow-env"] === true,
    all: values["allow-all"] === true,
  };
  return Permissions.of(options, resolvePath);
}

/**
 * Why `path` cannot be a program's file (undefined when it can): it must be Noodle source (or
 * bytecode, where `bytecode` allows it), also once symbolic links are followed, so that no other
 * file's content is ever read as a program and quoted in a diagnostic.
 */
export function notAProgram(path: string, bytecode: boolean): string | undefined {
  const kinds = bytecode ? [".nc", ".nbc"] : [".nc"];
  const expected = bytecode ? "a .nc or .nbc file" : "a .nc file";
  if (!kinds.some((k) => path.endsWith(k))) return `'${path}' is not a Noodle program: expected ${expected}`;
  const resolved = resolvePath(path);
  if (!kinds.some((k) => resolved.endsWith(k))) return `'${path}' leads to '${resolved}', which is not a Noodle program: expected ${expected}`;
  return undefined;
}
