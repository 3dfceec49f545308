// `noodle fmt FILE...`: rewrites Noodle files in the canonical layout (docs/formatting.md);
// `--check` writes nothing and lists the files that are not formatted.
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderDiagnostic, SourceFile } from "../compiler/diagnostics.js";
import { formatError } from "../errors/table.js";
import { formatSource } from "../language/format.js";
import { readSource } from "../node/files.js";
import { notAProgram } from "./capabilities.js";
import { UsageError } from "./options.js";

/** `--check` found files to format. */
const EXIT_UNFORMATTED = 1;
/** A file could not be written. */
const EXIT_UNWRITTEN = 1;
/** A file does not parse (as for `noodle run`). */
const EXIT_COMPILE = 2;

export interface FmtOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Writes a formatted file (writeFileSync unless given). */
  writeFile?: (path: string, text: string) => void;
}

export function fmtCommand(paths: string[], check: boolean, out: FmtOutput): number {
  // every file is read before any is written: a wrong name changes nothing
  const files = paths.flatMap(programFiles).map((path) => ({ path, text: readProgram(path) }));
  let exit = 0;
  for (const { path, text } of files) {
    const result = formatSource(text, path);
    if (!result.ok) {
      const source = new SourceFile(path, text);
      for (const d of result.diagnostics) out.stderr(renderDiagnostic(d, source) + "\n");
      exit = EXIT_COMPILE;
      continue;
    }
    if (result.text === text) continue;
    if (check) {
      out.stdout(path + "\n");
      if (exit === 0) exit = EXIT_UNFORMATTED;
      continue;
    }
    try {
      (out.writeFile ?? writeFileSync)(path, result.text);
    } catch (e) {
      // as `compile` does with an output it cannot write: 9006, exit 1, and the other files go on
      out.stderr(`noodle: error[9006]: ${formatError("CannotWrite", { path, detail: (e as NodeJS.ErrnoException).code ?? String(e) })}\n`);
      if (exit === 0) exit = EXIT_UNWRITTEN;
    }
  }
  return exit;
}

/** A file operand as given; a directory as the .nc files under it (hidden folders and node_modules left out). */
function programFiles(path: string): string[] {
  let directory = false;
  try {
    directory = statSync(path).isDirectory();
  } catch {
    throw UsageError.of("CannotRead", { path, detail: "no such file" });
  }
  if (!directory) {
    const refused = notAProgram(path, false);
    if (refused !== undefined) throw UsageError.of("BadArguments", { detail: refused });
    return [path];
  }
  const found: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) found.push(...programFiles(full));
    else if (entry.name.endsWith(".nc")) found.push(full);
  }
  return found;
}

function readProgram(path: string): string {
  const text = readSource(path);
  if (text === undefined) throw UsageError.of("CannotRead", { path, detail: "it is not readable" });
  return text;
}
