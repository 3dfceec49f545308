// Runs a program through the real command line, `noodle run`, in one configuration: in a fresh
// working directory of its own (so files and stores it writes start from nothing every time), with
// its flags and arguments, killed when it does not end within the time given.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import type { RunConfiguration } from "./configurations.js";
import type { Outcome } from "./outcome.js";
import type { ProgramFile } from "./program-files.js";

/** How long one run may take before it counts as a hang (NOODLE_DIFF_TIMEOUT_MS sets another). */
export const RUN_TIMEOUT_MS = Number(process.env.NOODLE_DIFF_TIMEOUT_MS) || 12_000;

export function runCli(program: Pick<ProgramFile, "path" | "flags" | "args">, configuration: RunConfiguration, timeoutMs = RUN_TIMEOUT_MS): Promise<Outcome> {
  const cwd = mkdtempSync(join(tmpdir(), "noodle-diff-"));
  const argv = [join(ROOT, "bin", "noodle.js"), "run", ...configuration.args, ...program.flags, program.path, ...program.args];
  return new Promise<Outcome>((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    let hung = false;
    // SIGKILL: a hung run may not answer SIGTERM, and its worker threads go with the process
    const timer = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ...(hung ? { hung } : {}) });
    });
  }).finally(() => rmSync(cwd, { recursive: true, force: true }));
}
