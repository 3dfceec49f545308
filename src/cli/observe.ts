// `--metrics PORT`, `--log-level LEVEL` and `--log-file PATH` of `noodle run` and `noodle node`:
// the flags read and checked before anything starts (a bad port or level is 9010 or 9011, a log
// file outside the write roots 6001), then the server and the log for the run or the node.
import { closeSync, openSync, writeSync } from "node:fs";
import { EventLog, LOG_LEVELS, type LogEvent, type LogLevel, logLevelOf } from "../logs/event-log.js";
import { MetricsRegistry } from "../metrics/registry.js";
import { resolvePath } from "../node/file-system.js";
import type { MetricsServer } from "../node/metrics-server.js";
import { HostError } from "../runtime/host-calls.js";
import type { Permissions } from "../runtime/permissions.js";
import { type OptionValues, UsageError } from "./options.js";

export interface ObserveOptions {
  /** The port of `--metrics`, when given (0: any free one). */
  metricsPort?: number;
  level: LogLevel;
  logFile?: string;
}

/** Reads the flags; a value that cannot be used is a usage error with its code. */
export function observeOptionsFrom(values: OptionValues): ObserveOptions {
  // at the default level nothing the runtime logs today is written, so a program's stderr stays its own
  const options: ObserveOptions = { level: "error" };
  if (typeof values.metrics === "string") {
    options.metricsPort = metricsPortOf(values.metrics);
    if (options.metricsPort === undefined)
      throw UsageError.of("MetricsServer", {
        address: `port '${values.metrics}'`,
        detail: "--metrics expects a port number from 0 to 65535 (0: any free port)",
      });
  }
  if (typeof values["log-level"] === "string") {
    const level = logLevelOf(values["log-level"]);
    if (!level) throw UsageError.of("LogSetting", { detail: `--log-level expects ${LOG_LEVELS.join(", ")}, got '${values["log-level"]}'` });
    options.level = level;
  }
  if (typeof values["log-file"] === "string") options.logFile = values["log-file"];
  return options;
}

/** `--metrics PORT`: a port number from 0 (any free one) to 65535. */
export function metricsPortOf(text: string): number | undefined {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  return n >= 0 && n <= 65535 ? n : undefined;
}

/** The log and metrics of a run or a node; `close` ends both. */
export interface Observation {
  readonly registry: MetricsRegistry;
  readonly events: LogEvent;
  /** Starts serving the registry, when `--metrics` asked for it; prints the address on stderr. */
  serve(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The log (stderr, or the file appended to, under `permissions`' write roots) and the registry.
 * Throws a HostError (6001, or 9011 when the file cannot be opened) before anything runs.
 */
export function startObservation(options: ObserveOptions, permissions: Permissions, node: string | null = null): Observation {
  let fd: number | undefined;
  if (options.logFile !== undefined) {
    const resolved = resolvePath(options.logFile);
    permissions.check("write", resolved, options.logFile);
    try {
      fd = openSync(options.logFile, "a");
    } catch (e) {
      throw HostError.of("LogSetting", `cannot open the log file '${options.logFile}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const file = fd;
  const log = new EventLog(options.level, file === undefined ? (line) => process.stderr.write(line) : (line) => writeSync(file, line), node);
  const registry = new MetricsRegistry();
  let server: MetricsServer | undefined;
  return {
    registry,
    events: log.log,
    async serve() {
      if (options.metricsPort === undefined) return;
      // node:http is loaded only by a run that serves its metrics
      const { serveMetrics } = await import("../node/metrics-server.js");
      server = await serveMetrics(registry, options.metricsPort);
      process.stderr.write(`metrics at http://${server.address}/metrics\n`);
    },
    async close() {
      await server?.close();
      if (file !== undefined) closeSync(file);
    },
  };
}
