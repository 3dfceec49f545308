// A program run in a VM that the tests upgrade while it runs.
import { compile } from "../../src/compiler/compile.js";
import type { ProgramVersion, Upgrades } from "../../src/runtime/upgrade.js";
import type { RunOutcome } from "../../src/runtime/vm.js";
import { VM } from "../../src/runtime/vm.js";

export const FILE = "prog.nc";

export interface LiveRun {
  vm: VM;
  up: Upgrades;
  out: string[];
  run: Promise<RunOutcome>;
}

/** Starts `source` as version 1 of a running program. */
export async function start(source: string): Promise<LiveRun> {
  const r = compile(source, { file: FILE });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  const out: string[] = [];
  const vm = await VM.create({ stdout: (t) => out.push(t) });
  const up = vm.upgrades(r.installs);
  return { vm, up, out, run: vm.runAsync(r.module!) };
}

/** `source` compiled as the next version of the program `up` runs. */
export function nextVersion(up: Upgrades, source: string): ProgramVersion {
  const r = compile(source, { file: FILE, upgrade: up.base() });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return { module: r.module!, installs: r.installs! };
}

export function printed(live: LiveRun): string {
  return live.out.join("");
}
