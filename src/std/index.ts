// Standard modules: Noodle source shipped with the library, imported as "std/NAME". They are
// embedded as text so they load the same way in Node and in browsers.

import { CATEGORY_SOURCE } from "./category.js";
import { DB_SOURCE } from "./db.js";

const modules = new Map<string, string>([
  ["category", CATEGORY_SOURCE],
  ["db", DB_SOURCE],
]);

/** The source of a standard module, or undefined when there is none. */
export function stdModuleSource(name: string): string | undefined {
  return modules.get(name);
}

export function stdModuleNames(): string[] {
  return [...modules.keys()].sort();
}
