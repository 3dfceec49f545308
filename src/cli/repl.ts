// The interactive session: line editing and history (kept in ~/.noodle_history), input that
// continues over several lines while brackets are open, top-level names that persist between
// entries, and errors that are reported without ending the session.
import { createInterface } from "node:readline";
import { readFileSync, appendFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { Noodle } from "../index.js";
import { displayValue } from "../runtime/values.js";
import type { Limits } from "../runtime/vm.js";
import { importReader } from "../node/files.js";
import type { Permissions } from "../runtime/permissions.js";

const HISTORY_FILE = join(homedir(), ".noodle_history");
const HISTORY_SIZE = 1000;

/** Whether the text so far leaves a bracket, string or block comment open, or ends mid-expression. */
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
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      inComment = true;
      i++;
    } else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
  }
  if (inString || inComment || depth > 0) return true;
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
  if (process.stdin.isTTY) process.stdout.write("Noodle REPL. Ctrl-D to leave.\n");
  rl.prompt();
  for await (const line of rl) {
    pending = pending ? `${pending}\n${line}` : line;
    if (needsMore(pending)) {
      rl.setPrompt("...     ");
      rl.prompt();
      continue;
    }
    const text = pending;
    pending = "";
    rl.setPrompt("noodle> ");
    if (text.trim() !== "") {
      try {
        // one history line per input line, as the line editor recalls them
        appendFileSync(HISTORY_FILE, text + "\n");
      } catch {
        // history is a convenience; a read-only home folder must not stop the session
      }
      const r = noodle.eval(text, `<repl:${++entry}>`);
      if (r.exitCode !== undefined) {
        // sys.exit ends the session as it ends a program
        rl.close();
        return r.exitCode;
      }
      if (r.diagnostics?.length) process.stderr.write(r.render!() + "\n");
      else if (r.error) process.stderr.write(r.error.render() + "\n");
      else if (r.value !== null && r.value !== undefined) process.stdout.write(displayValue(r.value, true) + "\n");
    }
    rl.prompt();
  }
  return 0;
}
