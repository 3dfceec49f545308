// The command line's capability flags (spec section 8) and the program's own arguments: what
// `run`, `repl`, `check`, `compile` and `disasm` let a program read, write and see, and where
// noodle's own flags stop.
import { dirname } from "node:path";
import { Permissions } from "../runtime/permissions.js";
import { resolvePath } from "../node/file-system.js";

export const CAPABILITY_OPTIONS = {
  "allow-read": { type: "string", multiple: true },
  "allow-write": { type: "string", multiple: true },
  "allow-env": { type: "boolean" },
  "allow-all": { type: "boolean" },
} as const;

export const CAPABILITY_USAGE = `capabilities (run, repl; imports of check, compile, disasm):
  --allow-read PATH   also read files (imports, std/fs) under PATH; repeatable
  --allow-write PATH  also write files and open stores under PATH; repeatable
  --allow-env         let the program read environment variables (std/sys)
  --allow-all         lift all three restrictions
  By default a program reads under its own folder and the working directory, and
  writes files and stores under the working directory. Arguments after the program's
  file are the program's (sys.args).`;

type Values = { "allow-read"?: string[]; "allow-write"?: string[]; "allow-env"?: boolean; "allow-all"?: boolean };

/** The permissions of a program run from the command line: the spec's defaults plus the flags. */
export function permissionsFor(values: Values, program?: string): Permissions {
  const cwd = process.cwd();
  const options = {
    read: [...(program === undefined ? [] : [dirname(resolvePath(program))]), cwd, ...(values["allow-read"] ?? [])],
    write: [cwd, ...(values["allow-write"] ?? [])],
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

/**
 * Splits `noodle run FILE ARGS...`: noodle's own flags stop at the program's file, and everything
 * after it is the program's. `options` are the flags of parseArgs (those of type string take a value).
 */
export function splitProgramArgs(argv: string[], options: Record<string, { type: string; short?: string }>): { own: string[]; program: string[] } {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== "string") continue;
    takesValue.add(`--${name}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  let positionals = 0;
  let flags = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (flags && a === "--") {
      flags = false;
      continue;
    }
    if (flags && a.startsWith("-") && a !== "-") {
      if (takesValue.has(a)) i++;
      continue;
    }
    positionals++;
    if (positionals === 1 && a !== "run") break;
    if (positionals === 2) return { own: argv.slice(0, i + 1), program: argv.slice(i + 1) };
  }
  return { own: argv, program: [] };
}
