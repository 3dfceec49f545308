// Compilation off the running thread: a platform may give the compiled tier a thread of its own
// (src/node/jit-thread.ts does in Node), so a hot function is compiled while the interpreter keeps
// running it, and loading binaryen (about half a second) never stalls a program. Without one, the
// tier compiles on the running thread.
import type { FunctionProto } from "../bytecode/module.js";
import type { InlineCallee } from "./inline.js";

/** What the compiler needs of a function: its code and the constants it reads. */
export interface CompileJob {
  key: string;
  proto: FunctionProto;
  /** The module's constants by index (numbers and strings). */
  constants: (number | string)[];
  /** Leaf functions to inline at the calls through their globals. */
  inlines?: InlineCallee[];
}

/** A finished job: the module's bytes, or null when the compiler refused the function. */
export interface CompileResult {
  key: string;
  bytes: Uint8Array | null;
  /** Milliseconds the compiler spent on it. */
  ms: number;
}

export interface CompilerThread {
  request(job: CompileJob): void;
  /** Results finished since the last call, without waiting. */
  poll(): CompileResult[];
}

let start: (() => CompilerThread) | undefined;
let shared: CompilerThread | undefined;

/** Sets how this platform starts the compiler's thread (started at the first hot function). */
export function setCompilerThread(factory: () => CompilerThread): void {
  start = factory;
}

/** The process's compiler thread, started now if it is not yet; undefined when the platform has none. */
export function compilerThread(): CompilerThread | undefined {
  if (!shared && start) shared = start();
  return shared;
}

/** Whether the process's compiler thread is running. */
export function compilerStarted(): boolean {
  return shared !== undefined;
}
