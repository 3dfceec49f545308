// `noodle run --watch`: whenever the program's file changes on disk, its new text is compiled as
// the next version of the running program and upgraded in place (docs/upgrade.md). What happened
// is one line on stderr: "upgraded to version N", the refusal with its code, compile errors with
// their positions, or a rollback.
import { type StatsListener, unwatchFile, watchFile } from "node:fs";
import type { Install } from "../compiler/codegen.js";
import { type CompileResult, compile } from "../compiler/compile.js";
import { readSource } from "../node/files.js";
import type { UpgradeEvent } from "../runtime/upgrade.js";
import type { VM } from "../runtime/vm.js";

/** How often the file is looked at (its modification time and size). */
const POLL_MS = 100;

export interface WatchOptions {
  /** What version 1 installs (its compile result's `installs`). */
  first: readonly Install[];
  readFile: (path: string) => string | undefined;
  persistentActors?: string[];
  stderr: (text: string) => void;
  printDiagnostics: (c: CompileResult) => void;
}

/** Upgrades `vm`'s program from `path` at each change, until the returned function is called. */
export function watchProgram(vm: VM, path: string, firstText: string, options: WatchOptions): () => void {
  const up = vm.upgrades(options.first);
  up.onEvent((e) => describeUpgrade(e, options.stderr));
  let last = firstText;
  let busy: Promise<void> = Promise.resolve();
  const changed: StatsListener = (now, before) => {
    if (now.mtimeMs === before.mtimeMs && now.size === before.size) return;
    busy = busy.then(async () => {
      // a file removed or being replaced: the next change brings it back
      const text = readSource(path);
      if (text === undefined || text === last) return;
      last = text;
      const c = compile(text, { file: path, readFile: options.readFile, persistentActors: options.persistentActors, upgrade: up.base() });
      if (!c.ok) {
        options.printDiagnostics(c);
        options.stderr(`not upgraded: version ${up.version} keeps running\n`);
        return;
      }
      const outcome = await up.upgrade({ module: c.module!, installs: c.installs! }, {}, "file");
      if (!outcome.ok) options.stderr(`${outcome.error.render()}\n`);
    });
  };
  watchFile(path, { interval: POLL_MS, persistent: false }, changed);
  return () => unwatchFile(path, changed);
}

/** An upgrade's events as `--watch` and a program on a cluster print them on stderr. */
export function describeUpgrade(e: UpgradeEvent, stderr: (text: string) => void): void {
  if (e.kind === "upgraded") stderr(`upgraded to version ${e.version}\n`);
  else if (e.kind === "node-switched") stderr(`version ${e.version} switched on node ${e.node}\n`);
  else if (e.kind === "rolled-back") stderr(`rolled back to version ${e.to} (${e.trigger}: ${e.reason})\n`);
}
