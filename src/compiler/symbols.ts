// What names mean: the symbols the resolver finds and the code generator uses.
import type { Program, Span } from "./ast.js";
import type { SourceFile } from "./diagnostics.js";

/** A function being compiled: a `func`, a lambda, or a module's top-level code. */
export interface FnScope {
  name: string;
  parent: FnScope | undefined;
  /** Top-level code of a module (its top-level names are globals, `return` is not allowed). */
  isModule: boolean;
}

export interface TypeRef {
  /** Index in TYPE_CODES. */
  code: number;
  struct?: StructSymbol;
  name: string;
}

interface BindingBase {
  name: string;
  mutable: boolean;
  type?: TypeRef;
  span: Span;
}

/** A variable of a function: lives in a register, or in a box when a closure captures it. */
export interface LocalBinding extends BindingBase {
  kind: "local";
  fn: FnScope;
  captured: boolean;
  /** Register, assigned by the code generator when the declaration is reached. */
  reg: number;
}

/** A top-level name of a module. */
export interface GlobalBinding extends BindingBase {
  kind: "global";
  index: number;
  /** Where the declaration starts: top-level code may not use a `let`/`var` before it. */
  declaredAt: number;
  hoisted: boolean;
  /** An actor's constructor: usable only as `spawn Name()`. */
  actor?: boolean;
}

export type Binding = LocalBinding | GlobalBinding;

export interface StructSymbol {
  kind: "struct";
  name: string;
  fields: string[];
  fieldTypes: (TypeRef | undefined)[];
  /** Absolute struct index in the VM. */
  index: number;
  span: Span;
  /** The display template of a standard module's struct (bytecode StructInfo.display). */
  display?: string;
}

export interface ModuleSymbol {
  kind: "module";
  module: ModuleInfo;
  span: Span;
}

export type Symbol = Binding | StructSymbol | ModuleSymbol;

/** What a name at a use site refers to. */
export type Resolution = { kind: "binding"; binding: Binding } | { kind: "builtin"; id: number; name: string } | { kind: "prelude"; name: string };

export interface ModuleInfo {
  path: string;
  /** A standard module ("std/NAME"): it may call the host builtins that users cannot name. */
  standard: boolean;
  source: SourceFile;
  program: Program;
  /** Top-level names: globals and structs. */
  exports: Map<string, GlobalBinding | StructSymbol>;
  fn: FnScope;
  /** Set once the module's code has been generated (imports run a module once). */
  initFunction?: number;
}
