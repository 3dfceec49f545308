// The unit specs of the WebAssembly core (allocator, collector, kernels) run under as-pect, the
// AssemblyScript test runner; each spec file is one test here, failing with as-pect's report.

import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

const specs = readdirSync(ROOT + "tests/assembly")
  .filter((f) => f.endsWith(".spec.ts"))
  .sort();

describe("as-pect specs of the core", () => {
  let report = "";
  beforeAll(() => {
    const r = spawnSync(
      process.execPath,
      [ROOT + "node_modules/@as-pect/cli/bin/asp.js", "--config", "tests/assembly/as-pect.config.js", "--as-config", "tests/assembly/as-pect.asconfig.json"],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 120_000,
        env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
      },
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequences of colored output
    report = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, "");
  }, 150_000);

  it("finds the specs", () => {
    expect(specs).toEqual(expect.arrayContaining(["alloc.spec.ts", "gc.spec.ts", "kernels.spec.ts"]));
  });

  for (const spec of specs) {
    it(spec, () => {
      const line = report.split("\n").find((l) => l.includes(`tests/assembly/${spec}`));
      expect(line, report).toMatch(/✔ .*Pass: (\d+) \/ \1\b/);
    });
  }
});
