// The one table of builtin functions implemented by the VM core. A builtin's index is its id in
// CALLB and LOADBUILTIN; the AssemblyScript core gets these ids from a generated file.
// Builtins that call back into Noodle code (map, filter, reduce, sort with a comparison) are
// written in Noodle in the prelude instead, so the VM never re-enters itself.

export interface BuiltinSpec {
  name: string;
  /** Fewest and most arguments; max -1 means any number. */
  min: number;
  max: number;
  /** Implemented by the host (TypeScript) rather than the core; see src/runtime/host-calls.ts. */
  host?: true;
}

const b = <N extends string>(name: N, min: number, max = min): BuiltinSpec & { name: N } => ({ name, min, max });

/**
 * A host builtin. Their names start with "__": only standard modules see them, and wrap them in
 * the functions users call (std/db's `open` returns a store whose methods call these).
 */
const h = <N extends `__${string}`>(name: N, min: number, max = min): BuiltinSpec & { name: N } => ({ name, min, max, host: true });

export const BUILTINS = [
  b("print", 0, -1),
  b("len", 1),
  b("copy", 1),
  b("type", 1),
  b("str", 1),
  b("num", 1),
  b("range", 1, 3),
  b("push", 2),
  b("pop", 1),
  b("insert", 3),
  b("remove", 2),
  b("keys", 1),
  b("values", 1),
  b("has", 2),
  b("abs", 1),
  b("sqrt", 1),
  b("exp", 1),
  b("log", 1),
  b("sin", 1),
  b("cos", 1),
  b("tan", 1),
  b("atan2", 2),
  b("floor", 1),
  b("ceil", 1),
  b("round", 1),
  b("min", 1, -1),
  b("max", 1, -1),
  b("sum", 1, 2),
  b("mean", 1, 2),
  b("assert", 1, 2),
  b("error", 2),
  b("clock", 0),
  b("compare", 2),
  b("sort", 1),
  b("all", 1),
  b("timeout", 2),
  b("sleep", 1),
  b("zeros", 2),
  b("ones", 2),
  b("eye", 1),
  b("rand", 3),
  b("matrix", 1),
  b("rows", 1),
  b("cols", 1),
  b("shape", 1),
  b("transpose", 1),
  b("inv", 1),
  b("det", 1),
  b("solve", 2),
  b("trace", 1),
  b("norm", 1),
  b("lu", 1),
  b("tensor", 1, 2),
  b("reshape", 2),
  b("f32", 1),
  b("f64", 1),
  // numerical breadth (spec 1.1 section 5): construction, reductions along an axis, tensors
  b("randn", 3),
  b("linspace", 3),
  b("diag", 1),
  b("kron", 2),
  b("hstack", 1),
  b("vstack", 1),
  b("std", 1, 2),
  b("var", 1, 2),
  b("amin", 1, 2),
  b("amax", 1, 2),
  b("argmin", 1, 2),
  b("argmax", 1, 2),
  b("cumsum", 1, 2),
  b("permute", 2),
  b("einsum", 2, 3),
  // decompositions (assembly/linalg/decompositions.ts)
  b("qr", 1),
  b("chol", 1),
  b("eigh", 1),
  b("svd", 1),
  b("pinv", 1),
  b("rank", 1),
  b("lstsq", 2),
  // host builtins come last: the core sends every id from the first of them to the host
  h("__db_open", 1),
  h("__db_close", 1),
  h("__db_put", 4),
  h("__db_get", 2),
  h("__db_has", 2),
  h("__db_delete", 2),
  h("__db_keys", 2),
  h("__db_begin", 1),
  h("__db_commit", 1),
  h("__db_rollback", 1),
  h("__db_query", 3),
  // the prelude's pmap: a list of results from a pool's workers, or nil to map sequentially
  h("__pmap", 2),
  // std/fs and std/sys (src/runtime/system-host.ts)
  h("__fs_read", 1),
  h("__fs_write", 2),
  h("__fs_append", 2),
  h("__fs_exists", 1),
  h("__fs_list", 1),
  h("__sys_args", 0),
  h("__sys_env", 1),
  h("__sys_exit", 1),
  h("__sys_now", 0),
  h("__cluster_here", 0),
  h("__cluster_nodes", 0),
  // std/plot (src/plot/plot-host.ts)
  h("__plot_show", 1),
  h("__plot_figure", 4),
  // std/json (src/json/json-host.ts)
  h("__json_parse", 1),
  h("__json_stringify", 2),
  // the string functions behind the prelude's (src/strings/string-host.ts)
  h("__str_split", 2),
  h("__str_join", 2),
  h("__str_trim", 1),
  h("__str_upper", 1),
  h("__str_lower", 1),
  h("__str_replace", 3),
  h("__str_find", 2),
  h("__str_starts_with", 2),
  h("__str_ends_with", 2),
  h("__str_fixed", 2),
  // std/metrics (src/metrics/metrics-host.ts)
  h("__metrics_define", 4),
  h("__metrics_update", 3),
  // std/gpu (src/gpu/gpu-host.ts)
  h("__gpu_available", 0),
  h("__gpu_info", 0),
] as const;

export type BuiltinName = (typeof BUILTINS)[number]["name"];

export const BUILTIN_ID: ReadonlyMap<string, number> = new Map(BUILTINS.map((s, i) => [s.name, i]));

/** Id of the first host builtin: every id from here on is implemented by the host. */
export const FIRST_HOST_BUILTIN = BUILTINS.findIndex((s: BuiltinSpec) => s.host === true);

/** Whether a builtin name is one only standard modules may use. */
export const isHostOnlyName = (name: string): boolean => name.startsWith("__");
