// What a program may touch outside the VM (spec section 8): files under its read roots, files and
// stores under its write roots, environment variables with the env flag; `all` lifts the three.
// Paths are compared once resolved (absolute, no `..`, symbolic links followed) by the platform's
// file system (src/node/file-system.ts in Node); this file is only the path logic.
import { HostError } from "./host-calls.js";

/** Permissions as a library caller or the command line states them. */
export interface PermissionOptions {
  /** Folders (or files) whose contents the program may read. */
  read?: string[];
  /** Folders (or files) the program may write and keep stores in; a write root may be read too. */
  write?: string[];
  /** Whether the program may read environment variables. */
  env?: boolean;
  /** Lifts every restriction. */
  all?: boolean;
}

export type Access = "read" | "write";

/** Turns a path into its absolute, resolved form; a path that does not exist yet resolves through its nearest existing folder. */
export type PathResolver = (path: string) => string;

export class Permissions {
  private constructor(
    /** Resolved roots. */
    readonly read: readonly string[],
    readonly write: readonly string[],
    readonly env: boolean,
    readonly all: boolean,
  ) {}

  /** Nothing outside the VM: no files, no environment (stores only in memory). */
  static readonly NONE = new Permissions([], [], false, false);

  /** Permissions from options, their roots resolved with `resolve` (roots given already resolved need none). */
  static of(options: PermissionOptions | Permissions | undefined, resolve: PathResolver = (p) => p): Permissions {
    if (options === undefined) return Permissions.NONE;
    if (options instanceof Permissions) return options;
    const roots = (list: string[] | undefined) => [...new Set((list ?? []).map(resolve))];
    return new Permissions(roots(options.read), roots(options.write), options.env === true, options.all === true);
  }

  /** These permissions as plain data (to send to a worker; the roots are already resolved there). */
  toOptions(): PermissionOptions {
    return { read: [...this.read], write: [...this.write], env: this.env, all: this.all };
  }

  /** Whether `resolved` (a resolved path) may be accessed so. Write roots may be read as well. */
  allows(access: Access, resolved: string): boolean {
    if (this.all) return true;
    const roots = access === "read" ? [...this.read, ...this.write] : this.write;
    return roots.some((root) => isWithin(resolved, root));
  }

  /**
   * Throws 6001 unless `resolved` may be accessed so; `shown` is the path as the program gave it and
   * `given` that path made absolute without following links. When a link was followed, the error
   * names `given`, not where the link leads: that may be outside every root, none of the program's business.
   */
  check(access: Access, resolved: string, shown = resolved, given = resolved): void {
    const what = access === "read" ? `reading '${shown}'` : `writing '${shown}'`;
    if (!this.all && !this.env && ENVIRONMENT_FILE.test(resolved)) {
      throw HostError.of("AccessDenied", what, "it holds the environment variables, and environment access is off", "--allow-env");
    }
    if (this.allows(access, resolved)) return;
    const why = given === resolved ? `${resolved} is outside the allowed ${access} roots` : `${given} leads outside the allowed ${access} roots`;
    throw HostError.of("AccessDenied", what, why, `--allow-${access} ${given}`);
  }

  /** Throws 6001 unless environment variables may be read. */
  checkEnv(name: string): void {
    if (this.all || this.env) return;
    throw HostError.of("AccessDenied", `reading the environment variable '${name}'`, "environment access is off", "--allow-env");
  }
}

/**
 * A process's environment as a Linux file (/proc/PID/environ, of a task or thread too): reading it
 * is reading environment variables, so a read root that covers /proc (the working directory `/`,
 * common in containers) must not give them without the env permission.
 */
const ENVIRONMENT_FILE = /^\/proc\/(?:[^/]+\/)*environ$/;

/** Whether resolved path `path` is `root` or inside it ('/' or '\' separated). */
export function isWithin(path: string, root: string): boolean {
  if (path === root) return true;
  const base = /[\\/]$/.test(root) ? root : root + (root.includes("\\") && !root.includes("/") ? "\\" : "/");
  return path.startsWith(base);
}
