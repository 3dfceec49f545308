// The program files the differential suite runs: every conformance program, and every other
// program the project keeps as a file (examples/, bench/programs/, this folder's programs/).
// A program that needs options or arguments says so in a comment among its first lines, and gets
// them the same in every configuration:
//
//   // flags: --max-steps 10000000      (options of `noodle run`, before the file)
//   // args: a b                         (the program's own arguments, after it)

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { conformanceSuites, ROOT } from "../helpers.js";

export interface ProgramFile {
  /** The path from the project's root (or `../shared/...`), with "/": the program's name in titles and in the table. */
  name: string;
  path: string;
  flags: string[];
  args: string[];
}

/** Words after `// KEY:` in the program's first lines. */
function header(text: string, key: string): string[] {
  const m = new RegExp(`^// ${key}: (.*)$`, "m").exec(text.split("\n").slice(0, 5).join("\n"));
  return m ? m[1].trim().split(/\s+/) : [];
}

export function programFile(path: string): ProgramFile {
  const text = readFileSync(path, "utf8");
  return { name: relative(ROOT, path).split(sep).join("/"), path, flags: header(text, "flags"), args: header(text, "args") };
}

/** The `.nc` files directly in `dir` (not its `lib/`, whose modules are imported, not run), sorted. */
export function programsIn(dir: string): ProgramFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".nc"))
    .sort()
    .map((f) => programFile(join(dir, f)));
}

/** Each conformance suite present (the project's own always, the spec's shared one when it is beside the project). */
export function conformancePrograms(): { suite: string; programs: ProgramFile[] }[] {
  return conformanceSuites().map((s) => ({ suite: s.name, programs: programsIn(s.dir) }));
}

/** The project's other programs: examples, benchmarks, and the programs of this suite. */
export const PROGRAM_FOLDERS = ["examples", "bench/programs", "tests/differential/programs"];

export function otherPrograms(): ProgramFile[] {
  return PROGRAM_FOLDERS.flatMap((folder) => programsIn(join(ROOT, folder)));
}
