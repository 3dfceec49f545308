// The compiler driver: parses the main file and everything it imports, resolves names across
// modules, and generates one NBC module whose entry runs the main file. All diagnostics of all
// files are collected; code is generated only when there are none.

import { NBC_VERSION, type NbcModule } from "../bytecode/module.js";
import { errorSpec } from "../errors/table.js";
import { stdModuleNames, stdModuleSource, stdStructDisplay } from "../std/index.js";
import { markPersistentActors } from "./actor.js";
import type * as A from "./ast.js";
import { CodeGenerator, type Install, ModuleOutput } from "./codegen.js";
import { type Diagnostic, DiagnosticBag, SourceFile } from "./diagnostics.js";
import { optimize } from "./optimizer.js";
import { parse } from "./parser.js";
import { dirname, joinPath } from "./paths.js";
import { PRELUDE_FILE, PRELUDE_SOURCE } from "./prelude.js";
import { Resolutions, resolveModule } from "./resolver.js";
import type { GlobalBinding, ModuleInfo, ModuleSymbol, StructSymbol } from "./symbols.js";

export interface CompileOptions {
  /** Name of the main file, used in messages and traces, and as the base of relative imports. */
  file?: string;
  /**
   * Source text of an imported file (always a .nc path) by its resolved path, or undefined when
   * there is none. It may refuse with an error that has a `code` of the error table (6001 for a
   * file outside the read roots), which becomes the import's diagnostic.
   */
  readFile?: (path: string) => string | undefined;
  /** Continue a session (a REPL): names and code loaded earlier stay visible. */
  session?: CompileSession;
  /** The entry returns the value of the main file's last statement when it is an expression. */
  valueOfLast?: boolean;
  /**
   * Actor types (by name) whose state can be saved and restored: they get the hidden handlers of
   * actor.ts, for a cluster's checkpoints. Other actors cost nothing more.
   */
  persistentActors?: readonly string[];
  /**
   * Compile a new version of a program running in a VM (docs/upgrade.md): names it had keep their
   * global slots, new names get new ones after the loaded globals, and its top-level code keeps
   * only declarations (functions, actors, structs, imports) and the values of new names.
   */
  upgrade?: UpgradeBase;
  /**
   * Stop after name resolution, generating no code, and return what the resolver found
   * (`frontEnd`): what an editor's language service reads. The diagnostics are the same.
   */
  frontEnd?: boolean;
  /**
   * Parses the main file instead of the parser, reporting into `diags` what the parser would (an
   * editor's language service reuses its earlier parse of the unchanged statements).
   */
  parseMain?: (file: SourceFile, diags: DiagnosticBag) => A.Program;
}

/** The parsed and resolved modules of a compilation stopped after name resolution. */
export interface FrontEnd {
  resolutions: Resolutions;
  /** Every module loaded, by path, the main file first. */
  modules: Map<string, ModuleInfo>;
  main: ModuleInfo;
}

/** What a running program has loaded, for compiling its next version. */
export interface UpgradeBase {
  /** Global slots by name (a main file's names bare, an imported module's as `path:name`). */
  slots: ReadonlyMap<string, number>;
  functions: number;
  structs: number;
  globals: number;
}

export interface CompileResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  module?: NbcModule;
  /** Sources by file name, to render diagnostics with their lines. */
  sources: Map<string, SourceFile>;
  /** The top-level functions and actor constructors of the module and the globals that hold them. */
  installs?: Install[];
  /** With `frontEnd`: the modules and what their names mean. */
  frontEnd?: FrontEnd;
}

/** What a REPL keeps between lines: counts of what is loaded and the names declared so far. */
export class CompileSession {
  functions = 0;
  structs = 0;
  globals = 0;
  readonly names = new Map<string, GlobalBinding | StructSymbol | ModuleSymbol>();
  /** Modules imported by earlier entries, by path: they are loaded and have run, so later imports reuse them. */
  readonly modules = new Map<string, ModuleInfo>();
  prelude?: ModuleInfo;
}

/**
 * Compiles a program. It never throws: a failure inside the compiler itself is reported as a
 * diagnostic, 2017 when the host stack ran out (at the deepest nesting of the source), else 1002.
 */
export function compile(source: string, options: CompileOptions = {}): CompileResult {
  const diags = new DiagnosticBag();
  const sources = new Map<string, SourceFile>();
  const modules = new Map<string, ModuleInfo>();
  try {
    return compileModules(source, options, diags, sources, modules);
  } catch (e) {
    const mainPath = options.file ?? "<input>";
    const main = sources.get(mainPath) ?? new SourceFile(mainPath, source);
    sources.set(mainPath, main);
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      // the deepest file decides where the report points
      let at = { file: main, offset: 0, depth: -1 };
      for (const m of modules.values()) {
        const { depth, at: offset } = m.program.deepest;
        if (depth > at.depth) at = { file: m.source, offset, depth };
      }
      diags.report(at.file, { start: at.offset, end: at.offset }, "NestingTooDeep", { detail: "the compiler ran out of stack here" });
    } else {
      diags.report(main, { start: 0, end: 0 }, "InternalError", { detail: e instanceof Error ? e.message : String(e) });
    }
    return { ok: false, diagnostics: diags.items, sources };
  }
}

function compileModules(
  source: string,
  options: CompileOptions,
  diags: DiagnosticBag,
  sources: Map<string, SourceFile>,
  modules: Map<string, ModuleInfo>,
): CompileResult {
  const results = new Resolutions();
  const session = options.session;
  const imports = new Map<A.ImportStmt, ModuleInfo>();
  const structs: StructSymbol[] = [];
  const base = options.upgrade;
  let nextGlobal = base?.globals ?? session?.globals ?? 0;
  const globalBase = nextGlobal;
  const structBase = base?.structs ?? session?.structs ?? 0;
  const mainPath = options.file ?? "<input>";
  const ctx = {
    diags,
    results,
    nextGlobal: (path: string, name: string) => base?.slots.get(path === mainPath ? name : `${path}:${name}`) ?? nextGlobal++,
    nextStruct: () => structBase + structs.push(undefined as unknown as StructSymbol) - 1,
    importedModule: (stmt: A.ImportStmt) => imports.get(stmt),
    ambient: session?.names,
  };

  const load = (path: string, text: string, name: string, standard = false): ModuleInfo => {
    const file = new SourceFile(path, text);
    sources.set(path, file);
    const program = path === mainPath && options.parseMain ? options.parseMain(file, diags) : parse(file, diags);
    if (options.persistentActors?.length) markPersistentActors(program, options.persistentActors);
    const m: ModuleInfo = { path, standard, source: file, program, exports: new Map(), fn: { name, parent: undefined, isModule: true } };
    modules.set(path, m);
    return m;
  };

  const resolveTree = (m: ModuleInfo, stack: string[]): void => {
    for (const s of m.program.body) {
      if (s.kind !== "Import") continue;
      const std = s.path.startsWith("std/");
      const path = std ? s.path : joinPath(dirname(m.path), s.path);
      if (stack.includes(path)) {
        diags.report(m.source, s.pathSpan, "ImportFailed", { path: s.path, detail: "modules import each other in a cycle" });
        continue;
      }
      const earlier = session?.modules.get(path);
      if (earlier) {
        imports.set(s, earlier);
        continue;
      }
      let child = modules.get(path);
      if (!child) {
        if (!std && !path.endsWith(".nc")) {
          // never read: the content of a file that is not Noodle source must not end up in a diagnostic
          diags.report(m.source, s.pathSpan, "ImportFailed", {
            path: s.path,
            detail: "an import names a Noodle source file (.nc) or a standard module (std/NAME)",
          });
          continue;
        }
        let text: string | undefined;
        try {
          text = std ? stdModuleSource(path.slice(4)) : options.readFile?.(path);
        } catch (e) {
          const code = (e as { code?: unknown }).code;
          if (typeof code !== "number" || !errorSpec(code)) throw e;
          diags.reportMessage(m.source, s.pathSpan, code, (e as Error).message);
          continue;
        }
        if (text === undefined) {
          const detail = std ? `there is no standard module '${path}' (there are: ${stdModuleNames().join(", ") || "none"})` : `no such file '${path}'`;
          diags.report(m.source, s.pathSpan, "ImportFailed", { path: s.path, detail });
          continue;
        }
        child = load(path, text, `<module ${path}>`, std);
        resolveTree(child, [...stack, path]);
      }
      imports.set(s, child);
    }
    resolveModule(m, ctx);
  };

  const main = load(mainPath, source, "<main>");
  resolveTree(main, [mainPath]);
  if (options.frontEnd) return { ok: !diags.hasErrors, diagnostics: diags.items, sources, frontEnd: { resolutions: results, modules, main } };

  // the prelude is included only when the program uses one of its functions
  let prelude = session?.prelude;
  const needsPrelude = results.needsPrelude || [...results.uses.values()].some((r) => r.kind === "prelude");
  let newPrelude: ModuleInfo | undefined;
  if (!prelude && needsPrelude) {
    newPrelude = prelude = load(PRELUDE_FILE, PRELUDE_SOURCE, "<prelude>", true);
    resolveModule(prelude, { ...ctx, ambient: undefined });
  }

  const result: CompileResult = { ok: false, diagnostics: diags.items, sources };
  if (diags.hasErrors) return result;
  for (const m of modules.values()) optimize(m.program);
  if (base) for (const m of modules.values()) m.program.body = m.program.body.filter((s) => declares(s, results, globalBase));

  const out = new ModuleOutput(base?.functions ?? session?.functions ?? 0);
  const env = {
    results,
    out,
    diags,
    preludeGlobal: (name: string) => (prelude?.exports.get(name) as GlobalBinding | undefined)?.index,
    preludeInit: undefined as number | undefined,
  };
  const gen = new CodeGenerator(env);
  if (newPrelude) env.preludeInit = gen.compileModule(newPrelude, false);
  const entry = gen.compileModule(main, true, options.valueOfLast ?? false);
  if (diags.hasErrors) return result;

  const globals: string[] = new Array(nextGlobal - globalBase).fill("");
  for (const m of modules.values()) {
    for (const [name, sym] of m.exports) if (sym.kind === "global") globals[sym.index - globalBase] = m === main ? name : `${m.path}:${name}`;
  }
  for (const r of results.structs.values()) structs[r.index - structBase] = r;
  for (const m of modules.values()) {
    if (!m.path.startsWith("std/")) continue;
    for (const [name, sym] of m.exports) if (sym.kind === "struct") sym.display = stdStructDisplay(m.path.slice(4), name);
  }

  result.ok = true;
  result.installs = out.installs;
  result.module = {
    version: NBC_VERSION,
    files: out.files,
    constants: out.constants,
    structs: structs.map((s) => (s.display === undefined ? { name: s.name, fields: s.fields } : { name: s.name, fields: s.fields, display: s.display })),
    structBase,
    globals,
    globalBase,
    functions: out.functions,
    functionBase: out.functionBase,
    entry,
  };
  if (session) {
    session.functions += out.functions.length;
    session.structs += structs.length;
    session.globals = nextGlobal;
    for (const [name, sym] of main.exports) session.names.set(name, sym);
    for (const m of modules.values()) if (m !== main) session.modules.set(m.path, m);
    for (const s of main.program.body) {
      if (s.kind !== "Import") continue;
      const m = imports.get(s);
      if (m) session.names.set(s.alias, { kind: "module", module: m, span: s.aliasSpan });
    }
    session.prelude = prelude;
  }
  return result;
}

/** What an upgrade's top-level code keeps: declarations, and the values of names new in it. */
function declares(s: A.Stmt, results: Resolutions, globalBase: number): boolean {
  if (s.kind === "Func" || s.kind === "Actor" || s.kind === "Struct" || s.kind === "Import") return true;
  if (s.kind !== "Let") return false;
  const b = results.decls.get(s);
  return b?.kind === "global" && b.index >= globalBase;
}
