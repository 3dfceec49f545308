// The `noodle` command: run, compile, disasm, check and repl (spec section 8).
import "../node/engine.js";
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { compile, type CompileResult } from "../compiler/compile.js";
import { renderDiagnostic } from "../compiler/diagnostics.js";
import { encodeModule, decodeModule } from "../bytecode/codec.js";
import { disassemble } from "../bytecode/disasm.js";
import { BytecodeError } from "../bytecode/errors.js";
import type { NbcModule } from "../bytecode/module.js";
import { VM, type Limits } from "../runtime/vm.js";
import { coreModule } from "../runtime/core.js";
import { readSource, importReader } from "../node/files.js";
import type { Permissions } from "../runtime/permissions.js";
import { CAPABILITY_OPTIONS, CAPABILITY_USAGE, notAProgram, permissionsFor, splitProgramArgs } from "./capabilities.js";
import { nodeStorage } from "../node/storage.js";
import { installStorage, usesStorage } from "../store/db-host.js";
import { BufferedOutput } from "./output.js";

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_COMPILE = 2;
export const EXIT_USAGE = 64;

const USAGE = `usage: noodle <command> [options]

commands:
  run FILE.nc|FILE.nbc      run a program
  compile FILE.nc -o OUT    compile to bytecode (.nbc)
  disasm FILE.nbc|FILE.nc   show bytecode as text
  check FILE.nc             report compile errors only
  repl                      interactive session
  db ls FILE                list a store's keys with their types and shapes
  db get FILE KEY           print the value stored under KEY
  db query FILE "SELECT ..." run an MQL query and show the rows as a table

limits (run, repl):
  --max-steps N     instruction budget (error 4002 when spent)
  --max-memory N    heap bytes the program may hold (error 4001); suffixes k, m, g
  --max-depth N     call depth (error 1001; default 10000)

run:
  --workers N       run spawned tasks, actors, pmap and large matrix products on N worker threads

${CAPABILITY_USAGE}`;

class UsageError extends Error {}

function parseSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(text.trim());
  if (!m) throw new UsageError(`${flag} expects a number, got '${text}'`);
  const scale = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as "" | "k" | "m" | "g"];
  return Math.floor(Number(m[1]) * scale);
}

function limitsFrom(values: Record<string, string | string[] | boolean | undefined>): Limits {
  const limits: Limits = {};
  if (typeof values["max-steps"] === "string") limits.maxSteps = parseSize(values["max-steps"], "--max-steps");
  if (typeof values["max-memory"] === "string") limits.maxMemory = parseSize(values["max-memory"], "--max-memory");
  if (typeof values["max-depth"] === "string") {
    limits.maxDepth = parseSize(values["max-depth"], "--max-depth");
    if (limits.maxDepth < 1) throw new UsageError("--max-depth must be at least 1");
  }
  return limits;
}

function workersFrom(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--workers expects a number of threads from 1 to 256, got '${text}'`);
  return n;
}

function readFileOrUsage(path: string): string {
  const refused = notAProgram(path, false);
  if (refused !== undefined) throw new UsageError(refused);
  const text = readSource(path);
  if (text === undefined) throw new UsageError(`cannot read '${path}'`);
  return text;
}

function printDiagnostics(c: CompileResult): void {
  for (const d of c.diagnostics) process.stderr.write(renderDiagnostic(d, c.sources.get(d.file)) + "\n");
}

/** Compiles a .nc file, or decodes a .nbc file; undefined (with messages printed) on failure. */
function loadProgram(path: string, permissions: Permissions): { module?: NbcModule; exit: number } {
  const refused = notAProgram(path, true);
  if (refused !== undefined) throw new UsageError(refused);
  if (path.endsWith(".nbc")) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch {
      throw new UsageError(`cannot read '${path}'`);
    }
    try {
      return { module: decodeModule(bytes, path), exit: EXIT_OK };
    } catch (e) {
      if (!(e instanceof BytecodeError)) throw e;
      process.stderr.write(`error[1004]: ${e.message}\n`);
      return { exit: EXIT_RUNTIME };
    }
  }
  const c = compile(readFileOrUsage(path), { file: path, readFile: importReader(permissions) });
  if (!c.ok) {
    printDiagnostics(c);
    return { exit: EXIT_COMPILE };
  }
  return { module: c.module, exit: EXIT_OK };
}

/** A pool of `workers` threads attached to `vm`: its programs' tasks, pmap and large products use it. */
async function attachPool(vm: VM, workers: number): Promise<{ close(): Promise<void> }> {
  // loaded on demand: programs without --workers start no threads and load none of it
  await import("../node/pool.js");
  const { Pool } = await import("../concurrency/pool.js");
  const pool = await Pool.create({ workers });
  pool.attach(vm, { tasks: true });
  return pool;
}

async function runCommand(path: string, limits: Limits, workers: number | undefined, permissions: Permissions, args: string[]): Promise<number> {
  // the engine compiles the core on its own threads while the program is compiled here
  void coreModule();
  const { module, exit } = loadProgram(path, permissions);
  if (!module) return exit;
  const out = new BufferedOutput(process.stdout);
  const vm = await VM.create({ ...limits, permissions, args, stdout: out.write, stderr: (t) => process.stderr.write(t) });
  if (usesStorage(module)) installStorage(vm, await nodeStorage());
  const pool = workers ? await attachPool(vm, workers) : undefined;
  try {
    const result = await vm.runAsync(module);
    out.flush();
    if (result.ok) return result.exitCode ?? EXIT_OK;
    process.stderr.write(result.error.render() + "\n");
    return EXIT_RUNTIME;
  } catch (e) {
    out.flush();
    if (!(e instanceof BytecodeError)) throw e;
    process.stderr.write(`error[1004]: ${e.message}\n`);
    return EXIT_RUNTIME;
  } finally {
    await pool?.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const options = {
    output: { type: "string", short: "o" },
    "max-steps": { type: "string" },
    "max-memory": { type: "string" },
    "max-depth": { type: "string" },
    workers: { type: "string" },
    help: { type: "boolean", short: "h" },
    ...CAPABILITY_OPTIONS,
  } as const;
  // `run FILE ARGS...`: what follows the file is the program's
  const { own, program: programArgs } = splitProgramArgs(argv, options);
  let parsed;
  try {
    parsed = parseArgs({ args: own, allowPositionals: true, options });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return EXIT_OK;
  }
  try {
    const limits = limitsFrom(values);
    const needFile = (): string => {
      if (rest.length !== 1) throw new UsageError(`'${command}' takes one file`);
      return rest[0];
    };
    switch (command) {
      case "run": {
        const file = needFile();
        return await runCommand(file, limits, workersFrom(values.workers), permissionsFor(values, file), programArgs);
      }
      case "compile": {
        const file = needFile();
        const c = compile(readFileOrUsage(file), { file, readFile: importReader(permissionsFor(values, file)) });
        if (!c.ok || !c.module) {
          printDiagnostics(c);
          return EXIT_COMPILE;
        }
        const outPath = values.output ?? file.replace(/\.nc$/, "") + ".nbc";
        try {
          writeFileSync(outPath, encodeModule(c.module));
        } catch (e) {
          process.stderr.write(`noodle: cannot write '${outPath}': ${(e as Error).message}\n`);
          return EXIT_RUNTIME;
        }
        return EXIT_OK;
      }
      case "disasm": {
        const file = needFile();
        const { module, exit } = loadProgram(file, permissionsFor(values, file));
        if (!module) return exit;
        process.stdout.write(disassemble(module));
        return EXIT_OK;
      }
      case "check": {
        const file = needFile();
        const c = compile(readFileOrUsage(file), { file, readFile: importReader(permissionsFor(values, file)) });
        printDiagnostics(c);
        return c.ok ? EXIT_OK : EXIT_COMPILE;
      }
      case "db": {
        // loaded on demand, like the REPL
        const { dbCommand, DbUsageError } = await import("./db.js");
        try {
          return await dbCommand(rest, (t) => process.stdout.write(t));
        } catch (e) {
          if (e instanceof DbUsageError) throw new UsageError(e.message);
          throw e;
        }
      }
      case "repl":
        if (rest.length) throw new UsageError("'repl' takes no file");
        // loaded on demand: running a file should not pay for the line editor
        return await (await import("./repl.js")).startRepl(limits, permissionsFor(values));
      case undefined:
        throw new UsageError("missing command");
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`noodle: ${e.message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
}
