// Reading programs from the file system (Node only).
import { readFileSync, existsSync, statSync } from "node:fs";

/** Source text of a file for imports, or undefined when there is no such file. */
export function readSource(path: string): string | undefined {
  try {
    if (!existsSync(path) || !statSync(path).isFile()) return undefined;
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
