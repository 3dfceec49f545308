// The `noodle` command's subcommands and the options each takes, in one table, and the parser
// that reads a command line against it. A subcommand accepts only the options of its own entry,
// so a flag it would ignore is refused; adding an option to a subcommand is one line here.
import { readFileSync } from "node:fs";
import { ERRORS, type ErrorName, formatError } from "../errors/table.js";

export interface OptionSpec {
  name: string;
  short?: string;
  /** The placeholder of the option's value in help text; a switch has none. */
  value?: string;
  /** May be given several times; its values are collected in order. */
  repeat?: boolean;
  help: string;
}

export interface CommandSpec {
  name: string;
  /** What follows `noodle NAME` in the usage line. */
  synopsis: string;
  summary: string;
  options: OptionSpec[];
  /** How many operands it takes (before the program's own arguments, for `run`). */
  operands: { min: number; max: number };
  /** Everything after the first operand belongs to the program (`run FILE ARGS...`). */
  programArgs?: boolean;
  /** More lines for its --help. */
  details?: string;
}

const HELP: OptionSpec = { name: "help", short: "h", help: "show this help" };

const LIMITS: OptionSpec[] = [
  { name: "max-steps", value: "N", help: "instruction budget (error 4002 when spent)" },
  { name: "max-memory", value: "N", help: "heap bytes the program may hold (error 4001); suffixes k, m, g" },
  { name: "max-depth", value: "N", help: "call depth (error 1001; default 10000)" },
];

/** What a program may read, write and see (spec section 8); see capabilities.ts for the defaults. */
const ALLOW_READ: OptionSpec = { name: "allow-read", value: "PATH", repeat: true, help: "also read files (imports, std/fs) under PATH" };
const ALLOW_ALL: OptionSpec = { name: "allow-all", help: "lift the read, write and environment restrictions" };
const CAPABILITIES: OptionSpec[] = [
  ALLOW_READ,
  { name: "allow-write", value: "PATH", repeat: true, help: "also write files and open stores under PATH" },
  { name: "allow-env", help: "let the program read environment variables (std/sys)" },
  ALLOW_ALL,
];
/** A command that only compiles reads imports under the same roots. */
const IMPORT_READS: OptionSpec[] = [ALLOW_READ, ALLOW_ALL];

/** Metrics and the log of runtime events, of a run or a node (see observe.ts and docs/metrics.md). */
const OBSERVE: OptionSpec[] = [
  { name: "metrics", value: "PORT", help: "serve Prometheus metrics at http://127.0.0.1:PORT/metrics, the address printed on stderr (0: a free port)" },
  { name: "log-level", value: "LEVEL", help: "log runtime events as JSON lines from LEVEL up: error (default), warn, info, debug" },
  { name: "log-file", value: "PATH", help: "append the log to PATH (under the write roots) instead of stderr" },
];

export const COMMANDS: CommandSpec[] = [
  {
    name: "run",
    synopsis: "[options] FILE.nc|FILE.nbc [ARGS...]",
    summary: "run a program",
    options: [
      ...LIMITS,
      { name: "workers", value: "N", help: "run spawned tasks, actors, pmap and large matrix products on N worker threads" },
      { name: "cluster", value: "URL", help: "run spawned tasks and actors on the nodes of the cluster at URL (nats://user:pass@host:port)" },
      { name: "task-retries", value: "N", help: "with --cluster: times a task whose node is lost runs again elsewhere (default 3)" },
      {
        name: "persist",
        value: "ACTORS",
        help: "with --cluster: actor types (comma-separated) whose state is checkpointed and restored when their node is lost",
      },
      { name: "plots", value: "DIR", help: "write plot.show's figures to DIR/plot-N.svg, made if missing (default: the working directory)" },
      { name: "jit", value: "MODE", help: "on: compile hot functions to WebAssembly (default); off: interpret everything; eager: compile every function" },
      {
        name: "gpu",
        value: "MODE",
        help: "auto: large f32 matrix work on the GPU at the sizes it measured faster (default); off: never; force: always, failing without one",
      },
      { name: "jit-stats", help: "after the run, write what the compiler did (functions, deoptimisations, compile times) to stderr as JSON" },
      { name: "watch", help: "upgrade the running program in place whenever FILE.nc changes (its functions, and its actors at their next message)" },
      ...OBSERVE,
      ...CAPABILITIES,
      HELP,
    ],
    operands: { min: 1, max: 1 },
    programArgs: true,
    details: [
      "Options go before the file; the arguments after it are the program's (sys.args).",
      "By default a program reads under its own folder and the working directory, and writes",
      "files and stores under the working directory; the --allow-* options widen that.",
      "Figures go to --plots DIR without --allow-write: naming DIR allows it.",
    ].join("\n"),
  },
  {
    name: "compile",
    synopsis: "[options] FILE.nc",
    summary: "compile to bytecode (.nbc)",
    options: [{ name: "output", short: "o", value: "OUT", help: "where to write the bytecode (default: FILE.nbc beside the source)" }, ...IMPORT_READS, HELP],
    operands: { min: 1, max: 1 },
  },
  { name: "disasm", synopsis: "[options] FILE.nbc|FILE.nc", summary: "show bytecode as text", options: [...IMPORT_READS, HELP], operands: { min: 1, max: 1 } },
  { name: "check", synopsis: "[options] FILE.nc", summary: "report compile errors only", options: [...IMPORT_READS, HELP], operands: { min: 1, max: 1 } },
  {
    name: "fmt",
    synopsis: "[--check] FILE.nc|DIR...",
    summary: "format source files in place",
    options: [{ name: "check", help: "write nothing; list the files that are not formatted and exit 1 if there are any" }, HELP],
    operands: { min: 1, max: Number.POSITIVE_INFINITY },
    details: "A directory stands for the .nc files under it. A file that does not parse is left as it is: its errors are printed and the exit status is 2.",
  },
  { name: "repl", synopsis: "[options]", summary: "interactive session", options: [...LIMITS, ...CAPABILITIES, HELP], operands: { min: 0, max: 0 } },
  {
    name: "lsp",
    synopsis: "[--stdio]",
    summary: "a language server for editors, speaking LSP on standard input and output",
    options: [{ name: "stdio", help: "talk on standard input and output (the only way; editors' clients pass it)" }, HELP],
    operands: { min: 0, max: 0 },
  },
  {
    name: "node",
    synopsis: "[options]",
    summary: "join a cluster and run programs' tasks and actors until stopped",
    options: [
      { name: "nats", value: "URL", help: "the cluster's NATS server, with credentials (default: $NOODLE_NATS)" },
      { name: "name", value: "NAME", help: "the node's name in the cluster (letters, digits, - and _; default: host-pid)" },
      { name: "workers", value: "N", help: "worker threads offered to each program (default: the number of cores)" },
      { name: "label", value: "LABEL", repeat: true, help: "a label for placement hints" },
      ...LIMITS.filter((o) => o.name !== "max-depth"),
      ...OBSERVE,
      ...CAPABILITIES,
      HELP,
    ],
    operands: { min: 0, max: 0 },
    details: [
      "Limits and --allow-* options hold for every program run here, whatever the program asks.",
      "SIGTERM or SIGINT drains the node: it leaves the cluster, finishes what it holds and exits;",
      "a second signal ends it at once.",
    ].join("\n"),
  },
  {
    name: "upgrade",
    synopsis: "--cluster URL [--window MS] FILE.nc",
    summary: "roll a new version out to the programs running FILE.nc on a cluster, node by node",
    options: [
      { name: "cluster", value: "URL", help: "the cluster, nats://user:password@host:port (default: $NOODLE_NATS)" },
      { name: "window", value: "MS", help: "how long each node is watched before the next switches (default 10000)" },
      { name: "wait", value: "MS", help: "how long programs have to take the request (default 2000)" },
      HELP,
    ],
    operands: { min: 1, max: 1 },
    details: [
      "Each program whose main file has FILE.nc's name compiles it as its next version, checks it on",
      "every node, then switches node by node; a node whose health window fails rolls it back everywhere.",
      "Exit 0 when every program upgraded, 1 otherwise.",
    ].join("\n"),
  },
  {
    name: "db",
    synopsis: 'ls FILE | get FILE KEY | query FILE "SELECT ..."',
    summary: "look into a store",
    options: [HELP],
    operands: { min: 1, max: 3 },
    details: [
      "  db ls FILE                 list a store's keys with their types and shapes",
      "  db get FILE KEY            print the value stored under KEY",
      '  db query FILE "SELECT ..." run an MQL query and show the rows as a table',
    ].join("\n"),
  },
  {
    name: "cluster",
    synopsis: "status [--nats URL] [--json] | metrics [--nats URL] | up [--nodes N] [--workers N]",
    summary: "look at a cluster, or start one on this machine",
    options: [
      { name: "nats", value: "URL", help: "status, metrics: the cluster, nats://user:password@host:port (default: $NOODLE_NATS)" },
      { name: "json", help: 'status: print {"nodes": [...]} instead of a table' },
      { name: "nodes", value: "N", help: "up: how many nodes to start (default 2)" },
      { name: "workers", value: "N", help: "up: worker threads per node (default: the number of cores)" },
      HELP,
    ],
    operands: { min: 1, max: 1 },
    details: [
      "  cluster status             list the live nodes: name, workers, load, tasks, actors, uptime",
      "  cluster metrics            every live node's metrics as Prometheus text, each series labelled with its node",
      "  cluster up                 a nats-server on a loopback port and N nodes, until Ctrl-C",
    ].join("\n"),
  },
];

/** A command line that cannot be run as given: exit 64 with a message and a usage hint. */
export class UsageError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** The subcommand whose usage to show, when there is one. */
    readonly command?: CommandSpec,
  ) {
    super(message);
  }

  static of(name: ErrorName, args: Record<string, string | number>, command?: CommandSpec): UsageError {
    return new UsageError(ERRORS[name].code, formatError(name, args), command);
  }
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export type CommandLine =
  | { kind: "help"; command?: CommandSpec }
  | { kind: "version" }
  | { kind: "command"; command: CommandSpec; values: OptionValues; operands: string[]; programArgs: string[] };

/** Reads argv (without node and the script) against the table. */
export function parseCommandLine(argv: string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === "--help" || first === "-h") return { kind: "help" };
  if (first === "--version" || first === "-V") return { kind: "version" };
  if (first === undefined) throw UsageError.of("BadArguments", { detail: "missing command" });
  if (first.startsWith("-")) throw UsageError.of("UnknownOption", { option: first, command: "noodle" });
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) throw UsageError.of("BadArguments", { detail: `unknown command '${first}'` });

  const values: OptionValues = {};
  const operands: string[] = [];
  let programArgs: string[] = [];
  let onlyOperands = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (command.programArgs && operands.length === command.operands.max) {
      programArgs = rest.slice(i);
      break;
    }
    if (onlyOperands || !arg.startsWith("-") || arg === "-") {
      operands.push(arg);
      continue;
    }
    if (arg === "--") {
      onlyOperands = true;
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const spec = command.options.find((o) => flag === `--${o.name}` || (o.short !== undefined && flag === `-${o.short}`));
    if (!spec) throw UsageError.of("UnknownOption", { option: flag, command: command.name }, command);
    if (spec === HELP) return { kind: "help", command };
    let value: string | boolean = true;
    if (spec.value !== undefined) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < rest.length) value = rest[++i];
      else throw UsageError.of("BadOption", { detail: `${flag} needs a value (${spec.value})` }, command);
    } else if (eq >= 0) throw UsageError.of("BadOption", { detail: `${flag} takes no value` }, command);
    if (spec.repeat) values[spec.name] = [...((values[spec.name] as string[] | undefined) ?? []), value as string];
    else if (values[spec.name] !== undefined) throw UsageError.of("BadOption", { detail: `${flag} is given twice` }, command);
    else values[spec.name] = value;
  }
  const { min, max } = command.operands;
  if (operands.length < min || operands.length > max) {
    const want = min === max ? (min === 1 ? "one file" : `${min} operands`) : min === 0 ? "no file" : `${min} to ${max} operands`;
    throw UsageError.of("BadArguments", { detail: `'${command.name}' takes ${max === 0 ? "no file" : want}` }, command);
  }
  return { kind: "command", command, values, operands, programArgs };
}

/** The short usage line of a subcommand, or of the whole command. */
export function usageLine(command?: CommandSpec): string {
  return command ? `usage: noodle ${command.name} ${command.synopsis}` : "usage: noodle <command> [options]";
}

/** The whole command's help: its subcommands. */
export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  const limits = LIMITS.map((o) => `  ${optionLabel(o).padEnd(18)}${o.help}`);
  return [
    usageLine(),
    "",
    "commands:",
    ...lines,
    "",
    "limits (run, repl):",
    ...limits,
    "",
    "capabilities (run, repl; imports of check, compile, disasm):",
    ...CAPABILITIES.map((o) => `  ${optionLabel(o).padEnd(20)}${o.help}`),
    "",
    "options:",
    "  -h, --help        show this help (after a command: that command's help)",
    "  -V, --version     print the version",
    "",
    "Run 'noodle COMMAND --help' for a command's options.",
  ].join("\n");
}

/** A subcommand's help: its usage line, what it does, and each of its options. */
export function commandHelp(command: CommandSpec): string {
  const labels = command.options.map(optionLabel);
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  const options = command.options.map((o, i) => `  ${labels[i].padEnd(width)}${o.help}`);
  return [usageLine(command), "", `${command.summary}.`, ...(command.details ? ["", command.details] : []), "", "options:", ...options].join("\n");
}

function optionLabel(o: OptionSpec): string {
  const long = `--${o.name}${o.value ? ` ${o.value}` : ""}`;
  return o.short ? `-${o.short}, ${long}` : long;
}

/** The package's version, read from its package.json (two folders up from src/cli/, dist/cli/ and dist/bundle/). */
export function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}
