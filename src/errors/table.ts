// The one table of error codes. Every error Noodle reports, at compile time or at run time, is
// named here with its code and message template; docs/errors.md is checked against this table.
// Templates use {name} placeholders filled by `formatError`.

export interface ErrorSpec {
  code: number;
  name: string;
  template: string;
}

function spec(code: number, name: string, template: string): ErrorSpec {
  return { code, name, template };
}

export const ERRORS = {
  // 1xxx VM and runtime
  StackOverflow: spec(1001, "stack overflow", "stack overflow (call depth limit {limit})"),
  InternalError: spec(1002, "internal error", "internal error: {detail}"),
  UnsupportedFeature: spec(1003, "unsupported feature", "{feature} is not supported yet"),
  MalformedBytecode: spec(1004, "malformed bytecode", "malformed bytecode: {detail}"),
  UpgradeRefused: spec(1005, "upgrade refused", "upgrade refused: {reason}"),
  Interrupted: spec(1006, "interrupted", "interrupted"),
  OutputFailed: spec(1007, "output failed", "cannot write to standard output: {detail}"),
  SleepCannotBlock: spec(1008, "sleep in a synchronous run", "the program sleeps, and a synchronous run cannot wait on this thread; run it with runAsync"),
  HostWait: spec(1009, "host wait in a synchronous run", "the program waits for {count} host operation(s); run it with runAsync"),
  // 2xxx compilation
  SyntaxError: spec(2001, "syntax error", "{detail}"),
  UndeclaredName: spec(2002, "undeclared name", "undeclared name '{name}'"),
  AssignImmutable: spec(2003, "assignment to immutable binding", "cannot assign to '{name}': it is declared with let"),
  Redeclared: spec(2004, "redeclared name", "'{name}' is already declared in this scope"),
  BreakOutsideLoop: spec(2005, "break outside loop", "'{keyword}' outside a loop"),
  ReturnOutsideFunction: spec(2006, "return outside function", "'return' outside a function"),
  TypeMismatch: spec(2007, "type mismatch", "{detail}"),
  ImportFailed: spec(2008, "import failed", "cannot import '{path}': {detail}"),
  UnknownMember: spec(2009, "unknown member", "{detail}"),
  UnknownStruct: spec(2010, "unknown struct", "unknown struct '{name}'"),
  StructFields: spec(2011, "struct fields", "{detail}"),
  InvalidAssignTarget: spec(2012, "invalid assignment target", "this expression cannot be assigned to"),
  TooComplex: spec(2013, "function too large", "{detail}"),
  ModuleAsValue: spec(2014, "module used as a value", "module '{name}' can only be used as '{name}.member'"),
  BuiltinArity: spec(2015, "builtin argument count", "{name} takes {expected} argument(s), not {got}"),
  ActorMisuse: spec(2016, "actor misuse", "{detail}"),
  NestingTooDeep: spec(2017, "nesting too deep", "the program is nested too deeply: {detail}"),
  TooManyErrors: spec(2018, "too many errors", "{count} more error(s) not shown"),
  LimitExceeded: spec(2019, "limit exceeded", "{detail}"),
  // 3xxx execution
  DivisionByZero: spec(3001, "division by zero", "division by zero"),
  IndexOutOfRange: spec(3002, "index out of range", "index {index} out of range for length {length}"),
  MissingKey: spec(3003, "missing key", "key {key} not found"),
  NotCallable: spec(3004, "not callable", "{type} is not callable"),
  WrongArgCount: spec(3005, "wrong number of arguments", "{name} expects {expected} argument(s), got {got}"),
  Thrown: spec(3006, "thrown value", "{value}"),
  AssertionFailed: spec(3007, "assertion failed", "{message}"),
  NoMatch: spec(3008, "no match", "no case matches {value}"),
  NotANumber: spec(3009, "cannot parse", "cannot parse {value} as a number"),
  SingularMatrix: spec(3010, "singular matrix", "matrix is singular"),
  InvalidArgument: spec(3011, "invalid argument", "invalid argument to {name}"),
  MissingFile: spec(3012, "missing file", "no such file '{path}'"),
  NoField: spec(3013, "no such field", "{type} has no field '{name}'"),
  Exit: spec(3014, "program exit", "the program exited with code {code}"),
  FileFailed: spec(3015, "file operation failed", "cannot {action} '{path}': {detail}"),
  ArgumentRange: spec(3017, "argument out of range", "{name}: {what} must be {expected}, got {value}"),
  NoPlotDisplay: spec(3018, "no plot display", "plot.show cannot show the figure: {detail}"),
  MetricsMisuse: spec(3019, "metrics misuse", "{detail}"),
  // 4xxx memory and limits
  MemoryLimit: spec(4001, "memory limit exceeded", "memory limit exceeded ({detail})"),
  StepLimit: spec(4002, "instruction budget exhausted", "instruction budget exhausted ({limit} steps)"),
  // 5xxx types and shapes
  OperandTypes: spec(5001, "operand types", "unsupported operand types for {op}: {types}"),
  ShapeMismatch: spec(5002, "shape mismatch", "shapes do not fit: {shapes}"),
  NotIndexable: spec(5003, "not indexable", "{type} cannot be indexed"),
  AnnotationFailed: spec(5004, "type annotation", "expected {expected}, got {got}"),
  ElementType: spec(5005, "element type", "{kind} elements are numbers: cannot store a value of type {type} at {index}"),
  CategoryLaw: spec(5010, "category law", "{detail}"),
  NotNatural: spec(5011, "naturality", "{detail}"),
  // 6xxx security
  AccessDenied: spec(6001, "access denied", "{what} is not allowed: {why} (allow it with {flag})"),
  ClusterRefused: spec(6002, "cluster credentials refused", "the cluster at {url} refused the credentials: {detail}"),
  NoFileSystem: spec(6003, "no file system", "cannot {action} '{path}': there is no file system on this platform"),
  // 7xxx network and distribution
  WorkerLost: spec(7001, "worker lost", "worker lost: {detail}"),
  Timeout: spec(7002, "timeout", "timed out after {ms} ms; the task was cancelled"),
  ActorStopped: spec(7003, "actor stopped", "actor {name} is stopped: {reason}"),
  Deadlock: spec(7004, "deadlock", "deadlock: {count} task(s) wait and nothing can wake them"),
  ClusterUnreachable: spec(7005, "no cluster reachable", "no cluster reachable at {url}: {detail}"),
  Cancelled: spec(7006, "cancelled", "cancelled: the run it belonged to has ended"),
  MalformedMessage: spec(7007, "malformed message", "malformed message: {detail}"),
  NoProgramToUpgrade: spec(7008, "no program to upgrade", "no program running {file} answered on the cluster at {url} within {ms} ms"),
  // 8xxx storage and queries
  MissingStoredKey: spec(8001, "key not stored", "no value is stored under key {key}"),
  StoreClosed: spec(8002, "store closed", "the store {name} is closed"),
  CommitFailed: spec(8003, "commit failed", "commit failed: {detail}"),
  CorruptData: spec(8004, "corrupt data", "corrupt data: {detail}"),
  QuerySyntax: spec(8005, "query syntax error", "MQL error at {position}: {detail}"),
  QueryNotSelect: spec(8006, "not a single SELECT", "MQL takes one SELECT statement: {detail}"),
  NotStorable: spec(8007, "value not storable", "cannot store the value: {detail}"),
  // 9xxx configuration
  BadOption: spec(9001, "invalid option", "{detail}"),
  UnknownOption: spec(9002, "unknown option", "unknown option '{option}' for '{command}'"),
  BadArguments: spec(9003, "bad arguments", "{detail}"),
  CannotRead: spec(9004, "cannot read file", "cannot read '{path}': {detail}"),
  OverwriteSource: spec(9005, "output would overwrite the source", "'{path}' is the source file; write the bytecode elsewhere (-o OUT)"),
  CannotWrite: spec(9006, "cannot write file", "cannot write '{path}': {detail}"),
  PlotsDirectory: spec(9007, "plots directory cannot be written", "cannot write plots to '{path}': {detail}"),
  BadShareLink: spec(9008, "share link cannot be opened", "this share link cannot be opened: {detail}"),
  CannotOpenProgram: spec(9009, "file cannot be opened as a program", "cannot open '{path}': {detail}"),
  MetricsServer: spec(9010, "metrics cannot be served", "cannot serve metrics on {address}: {detail}"),
  LogSetting: spec(9011, "invalid log setting", "{detail}"),
  NoGpu: spec(9012, "no GPU to force work onto", "GPU offload is forced (--gpu force) but no GPU can be used: {reason}"),
} as const;

export type ErrorName = keyof typeof ERRORS;

export const ERROR_LIST: ErrorSpec[] = Object.values(ERRORS);

const byCode = new Map<number, ErrorSpec>(ERROR_LIST.map((e) => [e.code, e]));

export function errorSpec(code: number): ErrorSpec | undefined {
  return byCode.get(code);
}

/**
 * Fills a template's placeholders in order from positional arguments (as the VM reports them);
 * the last placeholder takes all remaining arguments joined by " and ". With no arguments the
 * message is the error's name.
 */
export function fillPositional(spec: ErrorSpec, args: string[]): string {
  if (args.length === 0) return spec.name;
  const { pieces, names } = parsedTemplate(spec);
  const values = new Map<string, string>();
  names.forEach((n, i) => values.set(n, i === names.length - 1 ? args.slice(i).join(" and ") : (args[i] ?? "?")));
  let text = pieces[0];
  for (let i = 1; i < pieces.length; i += 2) text += values.get(pieces[i])! + pieces[i + 1];
  return text;
}

/**
 * A template split into text and placeholder names (text, name, text, ...), with its distinct
 * names in order. Kept per template: a program that catches errors in a loop formats thousands.
 */
const parsed = new Map<ErrorSpec, { pieces: string[]; names: string[] }>();

export function parsedTemplate(spec: ErrorSpec): { pieces: string[]; names: string[] } {
  let p = parsed.get(spec);
  if (!p) {
    const pieces = spec.template.split(/\{(\w+)\}/);
    p = { pieces, names: [...new Set(pieces.filter((_, i) => i % 2 === 1))] };
    parsed.set(spec, p);
  }
  return p;
}

/** Fills a template's {placeholders}; unknown ones are left as written. */
export function formatError(name: ErrorName, args: Record<string, string | number> = {}): string {
  return ERRORS[name].template.replace(/\{(\w+)\}/g, (m, k: string) => (k in args ? String(args[k]) : m));
}
