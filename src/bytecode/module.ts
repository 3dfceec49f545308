// An NBC module in memory: what the code generator produces, the .nbc codec reads and writes,
// the verifier checks and the VM loads.

export const NBC_VERSION = 3;

export type Constant = { kind: "number"; value: number } | { kind: "string"; value: string };

export interface StructInfo {
  name: string;
  fields: string[];
  /** The template instances print with instead of `Name { ... }` (vm/format.ts), when given. */
  display?: string;
}

/** A try region: words [start, end) of the function are guarded; on error jump to target. */
export interface Handler {
  start: number;
  end: number;
  target: number;
  /** Register that receives the error value. */
  reg: number;
  /** Regions open (within the function) at the try statement. */
  region: number;
}

export interface FunctionProto {
  name: string;
  nparams: number;
  /** Arguments a call must pass; parameters from here to nparams have defaults. */
  nrequired: number;
  nregs: number;
  /** Capture descriptors: a register of the enclosing function holding a box, or with bit 31 set, the enclosing function's capture number. */
  captures: number[];
  code: Uint32Array;
  handlers: Handler[];
  /** Index into NbcModule.files. */
  file: number;
  /** Debug table: triples (word offset, line, column), offsets increasing; a word maps to the last entry at or before it. */
  lines: Uint32Array;
}

/**
 * Indices in code are absolute: a module loaded after others (a REPL line) names the functions,
 * structs and globals already loaded by the numbers they had; `*Base` says where its own start.
 */
export interface NbcModule {
  version: number;
  files: string[];
  constants: Constant[];
  structs: StructInfo[];
  structBase: number;
  /** Names of the globals this module adds (for debugging); globalBase + globals.length in all. */
  globals: string[];
  globalBase: number;
  functions: FunctionProto[];
  functionBase: number;
  /** Absolute index of the function to run (no parameters, no captures). */
  entry: number;
}

export const CAPTURE_FROM_PARENT = 0x8000_0000;
