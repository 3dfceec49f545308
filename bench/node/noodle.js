// The Noodle implementation under Node: the library from its Node entry (dist/node/main.js)
// in-process, and the CLI (bin/noodle.js) for the start-up row. `noodle-baseline` is the library
// of the build whose bin/noodle.js NOODLE_BASELINE_BIN names, to compare two builds in one run.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { noodleImpl } from "../impls/noodle.js";
import { processRunner, projectRoot, readText, rootRelative } from "./host.js";

// the package's entry in Node (what `import "noodle-lang"` loads there)
const DIST = join(projectRoot, "dist", "node", "main.js");
const BIN = join(projectRoot, "bin", "noodle.js");

async function load(dist = DIST) {
  if (!existsSync(dist)) throw new Error(`${dist} does not exist (build it with npm install)`);
  return import(pathToFileURL(dist).href);
}

// Wall time of `node bin/noodle.js run HELLO` as a child process, with a bare
// `node -e ''` alongside (node_ms) to show how much of it is Node itself.
async function startup(spec) {
  if (!existsSync(BIN)) return { skipped: true, reason: "bin/noodle.js does not exist" };
  const program = rootRelative(spec.sources.noodle);
  return {
    run: processRunner(process.execPath, ["bin/noodle.js", "run", program]),
    expected: spec.expected,
    fields: { command: `node bin/noodle.js run ${program}` },
    baselines: { node_ms: processRunner(process.execPath, ["-e", ""]) },
  };
}

export function noodleNode() {
  return noodleImpl({ load, readText, fileName: rootRelative, startup });
}

/** The same library with the compiled tier on: hot functions and loops run as WebAssembly. */
export function noodleJitNode() {
  return noodleImpl({ load, readText, fileName: rootRelative }, "on");
}

/** The interpreter of another build (NOODLE_BASELINE_BIN's tree), run in this process like `noodle`. */
export function noodleBaselineNode() {
  const bin = process.env.NOODLE_BASELINE_BIN;
  const baseline = async () => {
    if (!bin) throw new Error("NOODLE_BASELINE_BIN is not set (the path of another build's bin/noodle.js to compare with)");
    return load(join(dirname(dirname(bin)), "dist", "node", "main.js"));
  };
  return { ...noodleImpl({ load: baseline, readText, fileName: rootRelative }), name: "noodle-baseline" };
}
