// Standard modules: Noodle source shipped with the library, imported as "std/NAME". They are
// embedded as text so they load the same way in Node and in browsers. A module may give some of
// its struct types a display template: how their values print (see assembly/vm/format.ts).

import { CATEGORY_DISPLAYS, CATEGORY_SOURCE } from "./category.js";
import { CLUSTER_SOURCE } from "./cluster.js";
import { DB_SOURCE } from "./db.js";
import { FS_SOURCE } from "./fs.js";
import { GPU_SOURCE } from "./gpu.js";
import { JSON_SOURCE } from "./json.js";
import { METRICS_DISPLAYS, METRICS_SOURCE } from "./metrics.js";
import { PLOT_SOURCE } from "./plot.js";
import { SYS_SOURCE } from "./sys.js";

interface StdModule {
  source: string;
  /** Struct name -> display template. */
  displays: Record<string, string>;
}

const modules = new Map<string, StdModule>([
  ["category", { source: CATEGORY_SOURCE, displays: CATEGORY_DISPLAYS }],
  ["cluster", { source: CLUSTER_SOURCE, displays: {} }],
  ["db", { source: DB_SOURCE, displays: {} }],
  ["fs", { source: FS_SOURCE, displays: {} }],
  ["gpu", { source: GPU_SOURCE, displays: {} }],
  ["json", { source: JSON_SOURCE, displays: {} }],
  ["metrics", { source: METRICS_SOURCE, displays: METRICS_DISPLAYS }],
  ["plot", { source: PLOT_SOURCE, displays: {} }],
  ["sys", { source: SYS_SOURCE, displays: {} }],
]);

/** The source of a standard module, or undefined when there is none. */
export function stdModuleSource(name: string): string | undefined {
  return modules.get(name)?.source;
}

/** The display template of struct `struct` of standard module `name`, if it has one. */
export function stdStructDisplay(name: string, struct: string): string | undefined {
  const displays = modules.get(name)?.displays;
  return displays !== undefined && Object.hasOwn(displays, struct) ? displays[struct] : undefined;
}

export function stdModuleNames(): string[] {
  return [...modules.keys()].sort();
}
