// Shared test helpers: running Noodle source in-process and through the real command line.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { type RunResult, run } from "../src/index.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A folder of conformance programs: `NAME.nc` with `NAME.out` and, for failing ones, `NAME.err`. */
export interface ConformanceSuite {
  name: string;
  dir: string;
  /** Program names without `.nc`, sorted. */
  programs: string[];
}

/** The project's own conformance programs, one or more per section of the language contract. */
export const OWN_CONFORMANCE = join(ROOT, "tests", "conformance", "programs");

/** The spec's conformance programs beside the project, when they are there (a plain clone has none). */
export const SHARED_CONFORMANCE = resolve(ROOT, process.env.NOODLE_SHARED_CONFORMANCE ?? "../shared/conformance");

function suite(name: string, dir: string): ConformanceSuite {
  const programs = readdirSync(dir)
    .filter((f) => f.endsWith(".nc"))
    .map((f) => f.slice(0, -3))
    .sort();
  return { name, dir, programs };
}

/** The suites to run: the project's own always, the shared one when present. */
export function conformanceSuites(shared = SHARED_CONFORMANCE): ConformanceSuite[] {
  const suites = [suite("tests/conformance/programs", OWN_CONFORMANCE)];
  if (existsSync(shared)) suites.push(suite("../shared/conformance", shared));
  return suites;
}

/** Runs source in a fresh VM and returns what it printed with the result. */
export async function runSource(source: string, options: Parameters<typeof run>[1] = {}): Promise<RunResult & { output: string }> {
  let output = "";
  const r = await run(source, { file: "test.nc", ...options, stdout: (t) => (output += t) });
  return { ...r, output };
}

/** Output of a program that must succeed. */
export async function outputOf(source: string): Promise<string> {
  const r = await runSource(source);
  if (!r.ok) throw new Error(r.error?.render() ?? r.diagnostics?.map((d) => `${d.code} ${d.message} at ${d.line}:${d.col}`).join("\n"));
  return r.output;
}

/** The error code a program ends with (runtime or first compile error). */
export async function errorCodeOf(source: string): Promise<number | undefined> {
  const r = await runSource(source);
  return r.error?.code ?? r.diagnostics?.[0]?.code;
}

export function cli(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [ROOT + "bin/noodle.js", ...args], { encoding: "utf8", input, timeout: 60_000, cwd: ROOT });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every .ts file under a folder of the project, as [path relative to the root with "/", text]. */
export function tsFiles(folder: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts")) out.push([relative(ROOT, path).split(sep).join("/"), readFileSync(path, "utf8")]);
    }
  };
  walk(join(ROOT, folder));
  return out;
}

/**
 * A temporary folder for the programs of one test file: made before its tests, removed after
 * them. `file` writes a program there and returns its path.
 */
export function scratchFolder(prefix: string): { readonly dir: string; file(name: string, content: string): string } {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    get dir() {
      return dir;
    },
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}
