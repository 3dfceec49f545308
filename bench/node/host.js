// Node-only services for the harness: paths, files, child processes and
// machine facts.

import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import { delimiter, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The bench/ directory; suites name their files relative to it. */
export const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** The project root, the working directory of every child process. */
export const projectRoot = dirname(benchDir);

/** Absolute path of a file given relative to bench/. */
export const benchPath = (path) => resolve(benchDir, path);

/** Path relative to the project root with forward slashes, e.g. "bench/programs/fib30.nc". */
export const rootRelative = (path) => relative(projectRoot, benchPath(path)).split(sep).join("/");

export const readText = (path) => readFile(benchPath(path), "utf8");

export const moduleUrl = (path) => pathToFileURL(benchPath(path)).href;

/** The absolute path of an executable on PATH, or null. */
export function which(command) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

// A run that hangs must not hang the whole suite.
const TIMEOUT_MS = 10 * 60 * 1000;

/**
 * A run function for the harness that starts `command args...` in the project
 * root, waits for it and returns its stdout. It is synchronous so that the
 * timer around it measures the process and not the event loop.
 */
export function processRunner(command, args, { cwd = projectRoot, timeoutMs = TIMEOUT_MS } = {}) {
  return () => {
    const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 << 20 });
    if (r.error) throw r.error;
    if (r.status !== 0) {
      const why = r.signal ? `signal ${r.signal}` : `exit code ${r.status}`;
      throw new Error(`${[command, ...args].join(" ")}: ${why}: ${r.stderr.trim().slice(0, 500)}`);
    }
    return r.stdout;
  };
}

/** Facts about this machine for the summary line. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? "unknown",
    cpus: cpus.length,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    os: os.release(),
  };
}
