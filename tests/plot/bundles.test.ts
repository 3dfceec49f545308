// Vega stays out of what programs that never plot load: the browser library bundle has none of
// it, and the CLI reaches its chunk only through a dynamic import(), on the first figure.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

const BUNDLE = join(ROOT, "dist/bundle");
/** A name only Vega's code has. */
const VEGA_MARK = "resetSVGDefIds";

/** The files `entry` loads with static imports, itself included. */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(join(BUNDLE, file), "utf8");
    for (const m of text.matchAll(/^import\s+(?:[^;]*?\s+from\s+)?"\.\/([^"]+)"/gm)) pending.push(m[1]);
  }
  return seen;
}

describe("bundles", () => {
  it("the browser library has no Vega", () => {
    expect(readFileSync(join(ROOT, "dist/browser/noodle.js"), "utf8")).not.toContain(VEGA_MARK);
  });

  it("the CLI loads Vega only on its first figure", () => {
    const vega = readdirSync(BUNDLE).filter((f) => f.endsWith(".js") && readFileSync(join(BUNDLE, f), "utf8").includes(VEGA_MARK));
    expect(vega.length).toBeGreaterThan(0);
    const loaded = staticClosure("noodle-cli.js");
    expect(loaded.size).toBeGreaterThan(1);
    expect(vega.filter((f) => loaded.has(f))).toEqual([]);
  });
});
