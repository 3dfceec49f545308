// The `noodle` command: run, compile, disasm, check, fmt and repl (spec section 8).
import "../node/engine.js";
import "../node/gpu-thread.js";
import "../node/jit-thread.js";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { BytecodeError } from "../bytecode/errors.js";
import type { NbcModule } from "../bytecode/module.js";
import type { Cluster } from "../cluster/cluster.js";
import type { Install } from "../compiler/codegen.js";
import { type CompileResult, compile } from "../compiler/compile.js";
import { renderDiagnostic } from "../compiler/diagnostics.js";
import type { Pool } from "../concurrency/pool.js";
import { formatError } from "../errors/table.js";
import { GPU_MODES, type GpuMode, gpuModeOf } from "../gpu/offload.js";
import { JIT_MODES, type JitMode, jitModeOf } from "../jit/compiled-tier.js";
import type { LogEvent } from "../logs/event-log.js";
import { observeCluster } from "../metrics/cluster-metrics.js";
import { observePool } from "../metrics/pool-metrics.js";
import { observeVm } from "../metrics/vm-metrics.js";
import { importReader, readSource } from "../node/files.js";
import { plotFiles, preparePlotsDirectory } from "../node/plot-files.js";
import { coreModule } from "../runtime/core.js";
import { HostError } from "../runtime/host-calls.js";
import type { Permissions } from "../runtime/permissions.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";
import { type Limits, VM } from "../runtime/vm.js";
import { usesStorage } from "../store/uses-storage.js";
import { notAProgram, permissionsFor } from "./capabilities.js";
import { type Observation, type ObserveOptions, observeOptionsFrom, startObservation } from "./observe.js";
import { type CommandSpec, commandHelp, generalHelp, type OptionValues, parseCommandLine, UsageError, usageLine, version } from "./options.js";
import { describeWriteError, type OutputEnd, StreamedOutput } from "./output.js";

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_COMPILE = 2;
export const EXIT_USAGE = 64;

/** Ended by a signal: the shell's convention, 128 plus the signal's number. */
const EXIT_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;

function parseSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(text.trim());
  if (!m) throw UsageError.of("BadOption", { detail: `${flag} expects a number, got '${text}'` });
  const scale = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as "" | "k" | "m" | "g"];
  return Math.floor(Number(m[1]) * scale);
}

function limitsFrom(values: OptionValues): Limits {
  const limits: Limits = {};
  if (typeof values["max-steps"] === "string") limits.maxSteps = parseSize(values["max-steps"], "--max-steps");
  if (typeof values["max-memory"] === "string") limits.maxMemory = parseSize(values["max-memory"], "--max-memory");
  if (typeof values["max-depth"] === "string") {
    limits.maxDepth = parseSize(values["max-depth"], "--max-depth");
    if (limits.maxDepth < 1) throw UsageError.of("BadOption", { detail: "--max-depth must be at least 1" });
  }
  return limits;
}

function workersFrom(text: OptionValues[string]): number | undefined {
  if (typeof text !== "string") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw UsageError.of("BadOption", { detail: `--workers expects a number of threads from 1 to 256, got '${text}'` });
  return n;
}

function nodesFrom(text: OptionValues[string]): number {
  if (typeof text !== "string") return 2;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 32) throw UsageError.of("BadOption", { detail: `--nodes expects a number of nodes from 1 to 32, got '${text}'` });
  return n;
}

/** The compiled tier's mode and whether to report what it did. */
interface JitChoice {
  mode: JitMode;
  stats: boolean;
}

/** --jit, else NOODLE_JIT, else on. */
function jitFrom(values: OptionValues): JitChoice {
  const text = typeof values.jit === "string" ? values.jit : process.env.NOODLE_JIT || "on";
  const mode = jitModeOf(text);
  const source = typeof values.jit === "string" ? "--jit" : "NOODLE_JIT";
  if (!mode) throw UsageError.of("BadOption", { detail: `${source} expects ${JIT_MODES.join(", ")}, got '${text}'` });
  return { mode, stats: values["jit-stats"] === true };
}

/** --gpu, else auto. */
function gpuFrom(text: OptionValues[string]): GpuMode {
  if (typeof text !== "string") return "auto";
  const mode = gpuModeOf(text);
  if (!mode) throw UsageError.of("BadOption", { detail: `--gpu expects ${GPU_MODES.join(", ")}, got '${text}'` });
  return mode;
}

function retriesFrom(text: OptionValues[string]): number | undefined {
  if (typeof text !== "string") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw UsageError.of("BadOption", { detail: `--task-retries expects a number from 0 to 100, got '${text}'` });
  return n;
}

/** `--persist A,B`: the names of actor types, each a Noodle name. */
function persistentFrom(text: OptionValues[string]): string[] | undefined {
  if (typeof text !== "string") return undefined;
  const names = text.split(",").map((n) => n.trim());
  const bad = names.find((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  if (bad !== undefined) throw UsageError.of("BadOption", { detail: `--persist expects actor names separated by commas, got '${text}'` });
  return names;
}

function readFileOrUsage(path: string): string {
  const refused = notAProgram(path, false);
  if (refused !== undefined) throw UsageError.of("BadArguments", { detail: refused });
  const text = readSource(path);
  if (text === undefined) throw UsageError.of("CannotRead", { path, detail: whyUnreadable(path) });
  return text;
}

/** Why a file could not be read, in a few words. */
function whyUnreadable(path: string): string {
  try {
    return statSync(path).isDirectory() ? "it is a directory" : "it is not readable";
  } catch {
    return "no such file";
  }
}

function printDiagnostics(c: CompileResult): void {
  for (const d of c.diagnostics) process.stderr.write(renderDiagnostic(d, c.sources.get(d.file)) + "\n");
}

/** Compiles a .nc file, or decodes a .nbc file; undefined (with messages printed) on failure. */
async function loadProgram(
  path: string,
  permissions: Permissions,
  persistentActors?: string[],
): Promise<{ module?: NbcModule; exit: number; installs?: Install[]; text?: string }> {
  const refused = notAProgram(path, true);
  if (refused !== undefined) throw UsageError.of("BadArguments", { detail: refused });
  if (path.endsWith(".nbc")) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch {
      throw UsageError.of("CannotRead", { path, detail: whyUnreadable(path) });
    }
    // the bytecode decoder is loaded by runs of .nbc files only
    const { decodeModule } = await import("../bytecode/codec.js");
    try {
      return { module: decodeModule(bytes, path), exit: EXIT_OK };
    } catch (e) {
      if (!(e instanceof BytecodeError)) throw e;
      process.stderr.write(`error[1004]: ${e.message}\n`);
      return { exit: EXIT_RUNTIME };
    }
  }
  const text = readFileOrUsage(path);
  const c = compile(text, { file: path, readFile: importReader(permissions), persistentActors });
  if (!c.ok) {
    printDiagnostics(c);
    return { exit: EXIT_COMPILE };
  }
  return { module: c.module, exit: EXIT_OK, installs: c.installs, text };
}

/** A pool of `workers` threads, for a VM's programs' tasks, pmap and large products. */
async function startPool(workers: number, events: LogEvent): Promise<Pool> {
  // loaded on demand: programs without --workers start no threads and load none of it
  await import("../node/pool.js");
  const { Pool } = await import("../concurrency/pool.js");
  return Pool.create({ workers, events });
}

/** Where a run's spawned work goes besides its own VM: worker threads, or a cluster's nodes. */
interface Placement {
  workers?: number;
  cluster?: string;
  taskRetries?: number;
  /** Actor types whose state a cluster checkpoints (`--persist`). */
  persistentActors?: string[];
}

/** What the compiled tier did in the program's VM, and on the pool's workers when it had some. */
async function tierStats(vm: VM, pool: Pool | undefined): Promise<object> {
  if (!pool) return vm.jitStats();
  const compiledOnWorkers = (await pool.workerStats()).reduce((n, s) => n + s.jitCompiled, 0);
  return { ...vm.jitStats(), compiledOnWorkers };
}

/** The cluster at `url` attached to `vm`: its programs' tasks and actors go to the cluster's nodes. */
async function attachCluster(vm: VM, url: string, where: Placement, events: LogEvent): Promise<Cluster> {
  // loaded on demand, like the pool
  const { Cluster } = await import("../cluster/cluster.js");
  const cluster = await Cluster.connect(url, { taskRetries: where.taskRetries, persistentActors: where.persistentActors, events });
  cluster.attach(vm);
  return cluster;
}

/** What `noodle run` was asked to do, from its command line. */
interface RunRequest {
  path: string;
  limits: Limits;
  where: Placement;
  permissions: Permissions;
  programArgs: string[];
  plots: string | undefined;
  jit: JitChoice;
  gpu: GpuMode;
  observe: ObserveOptions;
  watch: boolean;
}

/**
 * `noodle run`: output streams as the program prints (see output.ts). SIGINT and SIGTERM stop the
 * run at its next pause, with what it printed written out, and exit 130 or 143; a reader that
 * goes away (`| head -1`) ends the run quietly with 0; output that cannot be written ends it
 * with 1007 and exit 1; `sys.exit(code)` ends it with its code.
 */
async function runCommand(run: RunRequest): Promise<number> {
  // the engine compiles the core on its own threads, and the workers start, while the program is compiled here
  void coreModule();
  let observation: Observation;
  try {
    // a log file outside the write roots, or one that cannot be opened, stops the run before it starts
    observation = startObservation(run.observe, run.permissions);
  } catch (e) {
    if (!(e instanceof HostError)) throw e;
    process.stderr.write(`noodle: error[${e.code}]: ${e.message}\n`);
    return EXIT_RUNTIME;
  }
  try {
    return await observedRun(run, observation);
  } finally {
    await observation.close();
  }
}

async function observedRun({ path, limits, where, permissions, programArgs, plots, jit, gpu, watch }: RunRequest, observation: Observation): Promise<number> {
  const starting = where.workers ? startPool(where.workers, observation.events) : undefined;
  const { module, exit, installs, text } = await loadProgram(path, permissions, where.persistentActors);
  if (!module) {
    await (await starting)?.close();
    return exit;
  }
  if (plots !== undefined) {
    // a folder named for the figures is made, and found unwritable, before the program runs
    try {
      preparePlotsDirectory(plots);
    } catch (e) {
      await (await starting)?.close();
      process.stderr.write(`noodle: error[${(e as HostError).code}]: ${(e as Error).message}\n`);
      return EXIT_RUNTIME;
    }
  }
  let vm: VM | undefined;
  const out = new StreamedOutput(process.stdout, (end: OutputEnd) => {
    if (end.kind === "failed") {
      process.stderr.write(`error[1007]: ${formatError("OutputFailed", { detail: end.detail })}\n`);
      // the failure may come after the run has returned its code
      process.exitCode = EXIT_RUNTIME;
    }
    vm?.interrupt();
  });
  let signalled: number | undefined;
  const onSignal = (signal: keyof typeof EXIT_SIGNAL): void => {
    out.flush();
    // a second signal, or one that comes while no run can be interrupted, ends the process now
    if (signalled !== undefined || !vm?.interrupt()) process.exit(EXIT_SIGNAL[signal]);
    signalled = EXIT_SIGNAL[signal];
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let pool: { close(): Promise<void> } | undefined;
  let unwatch: (() => void) | undefined;
  try {
    vm = await VM.create({
      ...limits,
      jit: jit.mode,
      gpu,
      permissions,
      args: programArgs,
      stdout: out.write,
      stderr: (t) => process.stderr.write(t),
      onPlot: plotFiles(plots ?? "."),
      metrics: observation.registry,
      events: observation.events,
    });
    observeVm(observation.registry, vm);
    if (usesStorage(module)) {
      // the store's code (and sql.js) is loaded only by a program that imports std/db
      const [{ installStorage }, { nodeStorage }] = await Promise.all([import("../store/db-host.js"), import("../node/storage.js")]);
      installStorage(vm, await nodeStorage());
    }
    if (starting) {
      const workers = await starting;
      pool = workers;
      workers.attach(vm, { tasks: true });
      observePool(observation.registry, workers);
    } else if (where.cluster) {
      const cluster = await attachCluster(vm, where.cluster, where, observation.events);
      pool = cluster;
      observePool(observation.registry, cluster.pool);
      observeCluster(observation.registry, cluster);
      if (path.endsWith(".nc")) {
        // `noodle upgrade --cluster URL FILE.nc` reaches it
        const { serveClusterUpgrades } = await import("./cluster-upgrades.js");
        const stderr = (t: string) => process.stderr.write(t);
        const options = { first: installs ?? [], readFile: importReader(permissions), persistentActors: where.persistentActors, stderr };
        unwatch = serveClusterUpgrades(vm, cluster, path, options);
      }
    }
    // the port is taken before the program starts: one in use ends the run here, with 9010
    await observation.serve();
    if (watch) {
      const { watchProgram } = await import("./watch.js");
      const stderr = (t: string) => process.stderr.write(t);
      const options = { first: installs ?? [], readFile: importReader(permissions), persistentActors: where.persistentActors, stderr, printDiagnostics };
      unwatch = watchProgram(vm, path, text ?? "", options);
    }
    const result = await vm.runAsync(module);
    out.flush();
    if (jit.stats) process.stderr.write(`${JSON.stringify(await tierStats(vm, starting && (pool as Pool)))}\n`);
    if (signalled !== undefined) return signalled;
    if (out.ended) return out.ended.kind === "closed" ? EXIT_OK : EXIT_RUNTIME;
    if (result.ok) return result.exitCode ?? EXIT_OK;
    process.stderr.write(result.error.render() + "\n");
    return EXIT_RUNTIME;
  } catch (e) {
    out.flush();
    // the cluster unreachable (7005) or refusing the credentials (6002)
    if (e instanceof NoodleRuntimeError) {
      process.stderr.write(e.render() + "\n");
      return EXIT_RUNTIME;
    }
    // the metrics port in use (9010)
    if (e instanceof HostError) {
      process.stderr.write(`noodle: error[${e.code}]: ${e.message}\n`);
      return EXIT_RUNTIME;
    }
    if (!(e instanceof BytecodeError)) throw e;
    process.stderr.write(`error[1004]: ${e.message}\n`);
    return EXIT_RUNTIME;
  } finally {
    unwatch?.();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    // the workers started even when the run failed before it took them
    await (pool ?? (await starting?.catch(() => undefined)))?.close();
  }
}

/** `noodle compile`: never over its own source, and a directory is not a file to write. */
async function compileCommand(file: string, output: string | undefined, permissions: Permissions): Promise<number> {
  const c = compile(readFileOrUsage(file), { file, readFile: importReader(permissions) });
  if (!c.ok || !c.module) {
    printDiagnostics(c);
    return EXIT_COMPILE;
  }
  const outPath = output ?? file.replace(/\.nc$/, "") + ".nbc";
  if (resolve(outPath) === resolve(file)) throw UsageError.of("OverwriteSource", { path: file });
  const { encodeModule } = await import("../bytecode/codec.js");
  try {
    writeFileSync(outPath, encodeModule(c.module));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const detail = err.code === "EISDIR" ? "it is a directory" : err.code === "ENOENT" ? "no such folder" : err.message.replace(/^\w+: /, "").split(",")[0];
    process.stderr.write(`noodle: error[9006]: ${formatError("CannotWrite", { path: outPath, detail })}\n`);
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

/**
 * Standard output of the commands other than `run` (which streams through StreamedOutput): a
 * reader that goes away (`noodle disasm f.nc | head`) ends the command quietly, as for `run`,
 * and a failed write with 1007.
 */
function endOnFailedOutput(): void {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(EXIT_OK);
    process.stderr.write(`error[1007]: ${formatError("OutputFailed", { detail: describeWriteError(e) })}\n`);
    process.exit(EXIT_RUNTIME);
  });
}

export async function main(argv: string[]): Promise<number> {
  let command: CommandSpec | undefined;
  try {
    const line = parseCommandLine(argv);
    if (line.kind !== "command" || line.command.name !== "run") endOnFailedOutput();
    if (line.kind === "help") {
      process.stdout.write((line.command ? commandHelp(line.command) : generalHelp()) + "\n");
      return EXIT_OK;
    }
    if (line.kind === "version") {
      process.stdout.write(`noodle ${version()}\n`);
      return EXIT_OK;
    }
    const { values, operands, programArgs } = line;
    command = line.command;
    switch (command.name) {
      case "run":
        for (const option of ["task-retries", "persist"])
          if (values.cluster === undefined && values[option] !== undefined) throw UsageError.of("BadOption", { detail: `--${option} goes with --cluster` });
        if (values.cluster !== undefined && values.workers !== undefined)
          throw UsageError.of("BadOption", { detail: "--workers and --cluster do not go together: a cluster's nodes have their own workers" });
        if (values.watch && !operands[0].endsWith(".nc")) throw UsageError.of("BadOption", { detail: "--watch upgrades from source: it takes a FILE.nc" });
        if (values.watch && values.cluster !== undefined)
          throw UsageError.of("BadOption", {
            detail: "--watch upgrades a program running on this machine: with --cluster, upgrade it with noodle upgrade --cluster URL FILE.nc",
          });
        return await runCommand({
          path: operands[0],
          limits: limitsFrom(values),
          where: {
            workers: workersFrom(values.workers),
            cluster: values.cluster as string | undefined,
            taskRetries: retriesFrom(values["task-retries"]),
            persistentActors: persistentFrom(values.persist),
          },
          permissions: permissionsFor(values, operands[0]),
          programArgs,
          plots: values.plots as string | undefined,
          jit: jitFrom(values),
          gpu: gpuFrom(values.gpu),
          observe: observeOptionsFrom(values),
          watch: values.watch === true,
        });
      case "node": {
        const { maxMemory, maxSteps } = limitsFrom(values);
        return await (await import("./node-command.js")).nodeCommand(values, { maxMemory, maxSteps, workers: workersFrom(values.workers) });
      }
      case "compile":
        return await compileCommand(operands[0], values.output as string | undefined, permissionsFor(values, operands[0]));
      case "disasm": {
        const { module, exit } = await loadProgram(operands[0], permissionsFor(values, operands[0]));
        if (!module) return exit;
        const { disassemble } = await import("../bytecode/disasm.js");
        process.stdout.write(disassemble(module));
        return EXIT_OK;
      }
      case "check": {
        const file = operands[0];
        const c = compile(readFileOrUsage(file), { file, readFile: importReader(permissionsFor(values, file)) });
        printDiagnostics(c);
        return c.ok ? EXIT_OK : EXIT_COMPILE;
      }
      case "fmt":
        return (await import("./fmt.js")).fmtCommand(operands, values.check === true, {
          stdout: (t) => process.stdout.write(t),
          stderr: (t) => process.stderr.write(t),
        });
      case "db": {
        // loaded on demand, like the REPL
        const { dbCommand, DbUsageError } = await import("./db.js");
        try {
          return await dbCommand(operands, (t) => process.stdout.write(t));
        } catch (e) {
          if (e instanceof DbUsageError) throw new UsageError(9003, e.message, command);
          throw e;
        }
      }
      case "cluster": {
        const write = (t: string) => process.stdout.write(t);
        const only = (allowed: string[]) => {
          const stray = ["nats", "json", "nodes", "workers"].find((o) => values[o] !== undefined && !allowed.includes(o));
          if (stray) throw UsageError.of("BadOption", { detail: `--${stray} does not go with 'cluster ${operands[0]}'` }, command);
        };
        if (operands[0] === "status") {
          only(["nats", "json"]);
          return await (await import("./cluster-status.js")).clusterStatus(values.nats as string | undefined, values.json === true, write);
        }
        if (operands[0] === "metrics") {
          only(["nats"]);
          return await (await import("./cluster-metrics.js")).clusterMetrics(values.nats as string | undefined, write);
        }
        if (operands[0] === "up") {
          only(["nodes", "workers"]);
          return await (await import("./cluster-up.js")).clusterUpCommand(nodesFrom(values.nodes), workersFrom(values.workers), write);
        }
        throw UsageError.of("BadArguments", { detail: `unknown cluster command '${operands[0]}' (status, metrics or up)` }, command);
      }
      case "upgrade": {
        const ms = (option: string, fallback?: number) => {
          const text = values[option] as string | undefined;
          if (text === undefined) return fallback;
          if (!/^\d{1,9}$/.test(text)) throw UsageError.of("BadOption", { detail: `--${option} takes a whole number of milliseconds, got '${text}'` }, command);
          return Number(text);
        };
        const options = { nats: values.cluster as string | undefined, windowMs: ms("window"), answerMs: ms("wait", 2000)! };
        return await (await import("./upgrade-command.js")).upgradeCommand(operands[0], options, (t) => process.stdout.write(t));
      }
      case "lsp":
        // it serves until the editor sends `exit` or closes its input
        (await import("../node/lsp-server.js")).startLanguageServer();
        return EXIT_OK;
      case "repl":
        // loaded on demand: running a file should not pay for the line editor
        return await (await import("./repl.js")).startRepl(limitsFrom(values), permissionsFor(values));
      default:
        throw new Error(`no handler for the command '${command.name}'`);
    }
  } catch (e) {
    // a coded error outside a program's run (a cluster unreachable, refused credentials)
    if (e instanceof NoodleRuntimeError) {
      process.stderr.write(e.render() + "\n");
      return EXIT_RUNTIME;
    }
    if (!(e instanceof UsageError)) throw e;
    const about = e.command ?? command;
    const help = about ? `noodle ${about.name} --help` : "noodle --help";
    process.stderr.write(`noodle: error[${e.code}]: ${e.message}\n${usageLine(about)}\nRun '${help}' for more.\n`);
    return EXIT_USAGE;
  }
}
