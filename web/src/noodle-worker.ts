// A Web Worker with the Noodle compiler and VM. The page uses one for the language service over
// the editor's text (problems as it changes, completion, hover, go to definition) and another,
// kept warm in advance, to run a program: a run gets a fresh worker each time, and Stop ends it
// with terminate(), wherever the program is.

import { decodeAt } from "../../src/bytecode/instruction.js";
import type { NbcModule } from "../../src/bytecode/module.js";
import { compile } from "../../src/compiler/compile.js";
import type { Diagnostic } from "../../src/compiler/diagnostics.js";
import { SourceFile } from "../../src/compiler/diagnostics.js";
import poolWorkerUrl from "../../src/concurrency/pool-worker.ts?worker&url";
import { formatError } from "../../src/errors/table.js";
import { LanguageService } from "../../src/language/index.js";
import { NoodleRuntimeError, traceLines } from "../../src/runtime/runtime-error.js";
import { VM } from "../../src/runtime/vm.js";
import type { FromWorker, LanguageRequest, Problem, RunLimits, ToWorker, TraceLine } from "./protocol.js";

const post = (message: FromWorker): void => self.postMessage(message);

/** Printed text waits here at most one frame's time, so a loop of prints sends few messages. */
const FLUSH_MS = 16;
const pending = { stdout: "", stderr: "" };
let flushTimer: ReturnType<typeof setTimeout> | undefined;

function flush(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  for (const stream of ["stdout", "stderr"] as const) {
    if (pending[stream] === "") continue;
    post({ kind: "output", stream, text: pending[stream] });
    pending[stream] = "";
  }
}

function write(stream: "stdout" | "stderr", text: string): void {
  pending[stream] += text;
  flushTimer ??= setTimeout(flush, FLUSH_MS);
}

function problemsOf(diagnostics: Diagnostic[], file: string): Problem[] {
  return diagnostics.map((d) => ({
    code: d.code,
    message: d.message,
    file: d.file,
    line: d.line,
    col: d.col,
    from: d.file === file ? d.span.start : 0,
    to: d.file === file ? d.span.end : 0,
  }));
}

// the editor's text is the one open document; a page has no other files to import
const EDITED = "main.nc";
let service: LanguageService | undefined;

/** The service with the editor's latest text (analysed again only when the text changed). */
function serviceFor(source: string): LanguageService {
  service ??= new LanguageService();
  if (service.text(EDITED) !== source) service.update(EDITED, source);
  return service;
}

function check(id: number, source: string): void {
  const s = serviceFor(source);
  const lines = new SourceFile(EDITED, source);
  const problems = s
    .diagnostics(EDITED)
    .map((d): Problem => ({ code: d.code, message: d.message, file: EDITED, ...lines.position(d.start), from: d.start, to: d.end }));
  post({ kind: "checked", id, problems });
}

function answer(m: LanguageRequest): FromWorker {
  const s = serviceFor(m.source);
  if (m.kind === "complete") return { kind: "completed", id: m.id, ...s.completion(EDITED, m.offset) };
  if (m.kind === "hover") {
    const h = s.hover(EDITED, m.offset);
    return { kind: "hovered", id: m.id, hover: h && { from: h.start, to: h.end, markdown: h.markdown } };
  }
  const target = s.definition(EDITED, m.offset).find((l) => l.file === EDITED);
  return { kind: "defined", id: m.id, at: target?.start };
}

const CONCURRENT_OPS: ReadonlySet<string> = new Set(["SPAWN", "SPAWNV", "NEWACTOR", "ASYNC"]);

/** Whether the program spawns tasks or actors: only then does its run start a pool of workers. */
function usesWorkers(module: NbcModule): boolean {
  for (const f of module.functions) {
    for (let pc = 0; pc < f.code.length; ) {
      const ins = decodeAt(f.code, pc);
      if (!ins) break;
      if (CONCURRENT_OPS.has(ins.op)) return true;
      pc += ins.size;
    }
  }
  return false;
}

/** The trace as the command line prints it, each frame with the place it names. */
function traceOf(error: NoodleRuntimeError): TraceLine[] {
  return traceLines(error.trace, "  at ").map((text) => {
    const at = /\(([^()]*):(\d+):(\d+)\)$/.exec(text);
    return at ? { text, file: at[1], line: Number(at[2]) } : { text };
  });
}

// a worker for runs makes its VM while it waits, so a run starts at once
const runs = self.name === "run";
// A page has no file system (std/fs is 6003) and no environment (sys.env is nil); stores are
// IndexedDB databases of this site, which a program may open by any name.
const PERMISSIONS = { all: true };
/** plot.show: the figure goes to the page, after what the program printed before it. */
function showPlot(figure: unknown): undefined {
  flush();
  post({ kind: "plot", figure });
  return undefined;
}
const vmReady = runs
  ? VM.create({ stdout: (t) => write("stdout", t), stderr: (t) => write("stderr", t), permissions: PERMISSIONS, onPlot: showPlot })
  : undefined;

async function runProgram(source: string, file: string, limits: RunLimits): Promise<FromWorker> {
  const c = compile(source, { file });
  if (!c.ok || !c.module) return { kind: "done", ok: false, workers: 0, problems: problemsOf(c.diagnostics, file) };
  const module = c.module;
  const vm = await vmReady!;
  vm.setLimits(limits);
  let workers = 0;
  let pool: { close(): Promise<void> } | undefined;
  const compiledBefore = vm.jitStats().compiled;
  const compiled = () => vm.jitStats().compiled - compiledBefore;
  try {
    // std/db's storage (sql.js) is loaded only for a program that imports it
    if (module.files.includes("std/db")) {
      const { installStorage, defaultStorage } = await import("../../src/store/index.js");
      installStorage(vm, await defaultStorage());
    }
    if (usesWorkers(module)) {
      const { Pool, webWorkers } = await import("../../src/concurrency/index.js");
      workers = Math.max(2, Math.min(4, navigator.hardwareConcurrency || 2));
      const p = await Pool.create({ workers, endpoints: webWorkers(new URL(poolWorkerUrl, self.location.href)) });
      p.attach(vm, { tasks: true });
      pool = p;
    }
    const result = await vm.runAsync(module);
    flush();
    if (result.ok)
      return result.exitCode === undefined
        ? { kind: "done", ok: true, workers, compiled: compiled() }
        : { kind: "done", ok: true, workers, compiled: compiled(), exitCode: result.exitCode };
    return {
      kind: "done",
      ok: false,
      workers,
      compiled: compiled(),
      error: { code: result.error.code, message: result.error.message, trace: traceOf(result.error) },
    };
  } catch (e) {
    flush();
    const detail = e instanceof Error ? e.message : String(e);
    const error = e instanceof NoodleRuntimeError ? e : new NoodleRuntimeError(1002, formatError("InternalError", { detail }), []);
    return { kind: "done", ok: false, workers, compiled: compiled(), error: { code: error.code, message: error.message, trace: traceOf(error) } };
  } finally {
    await pool?.close();
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  if (m.kind === "check") check(m.id, m.source);
  else if (m.kind === "run") void runProgram(m.source, m.file, m.limits).then(post);
  else post(answer(m));
};

void Promise.resolve(vmReady).then(
  () => post({ kind: "ready", crossOriginIsolated: self.crossOriginIsolated === true }),
  (e: unknown) => post({ kind: "unavailable", message: e instanceof Error ? e.message : String(e) }),
);
