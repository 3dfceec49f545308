// The interactive session: line editing and history (kept in ~/.noodle_history), input that
// continues over several lines while brackets are open, top-level names, imports, structs and
// actors that persist between entries, and errors that are reported without ending the session.
// Ctrl-C stops a running entry (error 1006) and keeps the session; at a prompt it drops what was
// typed so far.

import { appendFileSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { Noodle } from "../index.js";
import { importReader } from "../node/files.js";
import type { Permissions } from "../runtime/permissions.js";
import { displayValue } from "../runtime/values.js";
import type { Limits } from "../runtime/vm.js";

const HISTORY_FILE = join(homedir(), ".noodle_history");
const HISTORY_SIZE = 1000;

/**
 * Whether the text so far leaves a bracket or block comment open, or ends mid-expression. A
 * string ends at a line break, as the lexer has it, so an unterminated string is submitted and
 * reported rather than waiting for its quote.
 */
export function needsMore(text: string): boolean {
  let depth = 0;
  let inString = false;
  let inComment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inComment) {
      if (c === "*" && text[i + 1] === "/") {
        inComment = false;
        i++;
      }
    } else if (inString) {
      if (c === "\\" && text[i + 1] !== "\n") i++;
      else if (c === '"' || c === "\n") inString = false;
    } else if (c === '"') inString = true;
    else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      inComment = true;
      i++;
    } else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
  }
  if (inComment || depth > 0) return true;
  if (inString) return false;
  return /(\+|-|\*|\/|%|=|,|\band|\bor|&&|\|\||=>|\.)\s*$/.test(text) && !/\/\/.*$/.test(text.split("\n").pop() ?? "");
}

function loadHistory(): string[] {
  try {
    return readFileSync(HISTORY_FILE, "utf8").split("\n").filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

export async function startRepl(limits: Limits, permissions: Permissions): Promise<number> {
  const noodle = await Noodle.create({
    ...limits,
    permissions,
    readFile: importReader(permissions),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY ?? false,
    history: loadHistory(),
    historySize: HISTORY_SIZE,
    prompt: "noodle> ",
  });
  let pending = "";
  let entry = 0;
  let evaluating = false;
  const showPrompt = (more: boolean): void => {
    rl.setPrompt(more ? "...     " : "noodle> ");
    rl.prompt();
  };
  rl.on("SIGINT", () => {
    // a running entry stops at its next pause and reports 1006; its prompt follows
    if (evaluating) {
      noodle.vm.interrupt();
      return;
    }
    pending = "";
    clearLine(rl);
    showPrompt(false);
  });
  // without a terminal, Ctrl-C arrives as a signal
  const onSignal = (): void => {
    if (evaluating) noodle.vm.interrupt();
    else process.exit(130);
  };
  if (!rl.terminal) process.on("SIGINT", onSignal);
  if (process.stdin.isTTY) process.stdout.write("Noodle REPL. Ctrl-C stops a running entry, Ctrl-D leaves.\n");
  showPrompt(false);
  for await (const line of rl) {
    pending = pending ? `${pending}\n${line}` : line;
    if (needsMore(pending)) {
      showPrompt(true);
      continue;
    }
    const text = pending;
    pending = "";
    if (text.trim() !== "") {
      try {
        // one history line per input line, as the line editor recalls them
        appendFileSync(HISTORY_FILE, text + "\n");
      } catch {
        // history is a convenience; a read-only home folder must not stop the session
      }
      evaluating = true;
      let r: Awaited<ReturnType<typeof noodle.evalAsync>>;
      try {
        r = await noodle.evalAsync(text, `<repl:${++entry}>`);
      } finally {
        evaluating = false;
      }
      if (r.exitCode !== undefined) {
        // sys.exit ends the session as it ends a program
        rl.close();
        process.off("SIGINT", onSignal);
        return r.exitCode;
      }
      if (r.diagnostics?.length) process.stderr.write(r.render!() + "\n");
      else if (r.error) process.stderr.write(r.error.render() + "\n");
      else if (r.value !== null && r.value !== undefined) process.stdout.write(displayValue(r.value, true) + "\n");
    }
    showPrompt(false);
  }
  process.off("SIGINT", onSignal);
  return 0;
}

/** Ends the line being edited and forgets its text (readline's own, not in its typings). */
function clearLine(rl: Interface): void {
  const editor = rl as unknown as { clearLine?: () => void };
  if (typeof editor.clearLine === "function") editor.clearLine();
  else process.stdout.write("\n");
}
