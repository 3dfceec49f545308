// The one table of builtin functions implemented by the VM core. A builtin's index is its id in
// CALLB and LOADBUILTIN; the AssemblyScript core gets these ids from a generated file.
// Builtins that call back into Noodle code (map, filter, reduce, sort with a comparison) are
// written in Noodle in the prelude instead, so the VM never re-enters itself.

export interface BuiltinSpec {
  name: string;
  /** Fewest and most arguments; max -1 means any number. */
  min: number;
  max: number;
}

const b = <N extends string>(name: N, min: number, max = min): BuiltinSpec & { name: N } => ({ name, min, max });

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
  b("sum", 1),
  b("mean", 1),
  b("assert", 1, 2),
  b("error", 2),
  b("clock", 0),
  b("compare", 2),
  b("sort", 1),
  b("all", 1),
  b("timeout", 2),
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
] as const;

export type BuiltinName = (typeof BUILTINS)[number]["name"];

export const BUILTIN_ID: ReadonlyMap<string, number> = new Map(BUILTINS.map((s, i) => [s.name, i]));
