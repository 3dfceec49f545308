// The messages between the page and its Noodle workers. One script (noodle-worker.ts) serves two
// roles: the language service for the editor's text (its problems as it changes, completion,
// hover, go to definition), and running a program; the page keeps one worker for each, and ends
// a running one with terminate() (Stop).
import type { CompletionItem } from "../../src/language/index.js";

/** A compile error, with its span in UTF-16 offsets of the editor's text when it is in that text. */
export interface Problem {
  code: number;
  message: string;
  file: string;
  line: number;
  col: number;
  from: number;
  to: number;
}

export interface TraceLine {
  /** The frame as the command line prints it (`  at f (main.nc:3:5)`), or a summary of repeats. */
  text: string;
  file?: string;
  line?: number;
}

export interface RunLimits {
  maxSteps: number;
  maxMemory: number;
}

/** What the editor asks the language service about a position (an offset) of the text it sends. */
export type LanguageRequest = { kind: "complete" | "hover" | "definition"; id: number; source: string; offset: number };

export type ToWorker = { kind: "check"; id: number; source: string } | LanguageRequest | { kind: "run"; source: string; file: string; limits: RunLimits };

export type FromWorker =
  /** The worker has loaded the compiler and the VM and waits for work. */
  | { kind: "ready"; crossOriginIsolated: boolean }
  /** The worker could not load the VM (the engine refused the core, say). */
  | { kind: "unavailable"; message: string }
  | { kind: "checked"; id: number; problems: Problem[] }
  /** Answers to LanguageRequests: completions replace from `from` to the cursor; a hover is Markdown over from..to. */
  | { kind: "completed"; id: number; from: number; items: CompletionItem[] }
  | { kind: "hovered"; id: number; hover?: { from: number; to: number; markdown: string } }
  | { kind: "defined"; id: number; at?: number }
  /** Text printed since the last batch (one message per animation frame at most). */
  | { kind: "output"; stream: "stdout" | "stderr"; text: string }
  /** A figure from std/plot's show, for the plots panel. */
  | { kind: "plot"; figure: unknown }
  /** `exitCode` when the program ended with sys.exit; `compiled`: functions the run had compiled to WebAssembly. */
  | { kind: "done"; ok: true; workers: number; compiled: number; exitCode?: number }
  | { kind: "done"; ok: false; workers: number; problems: Problem[] }
  | { kind: "done"; ok: false; workers: number; compiled: number; error: { code: number; message: string; trace: TraceLine[] } };
