// `noodle run` through the real command, its output read from a pipe: what printing costs a
// user of the command line. A case's `noodle_cli` source is run by `node BIN run FILE`; the
// start-up of the same command printing one line is measured once and subtracted (startup_ms),
// so `ms` is the program's own time.
//
// Two implementations use it: `noodle` with this tree's bin/noodle.js, and `noodle-baseline`
// with the one NOODLE_BASELINE_BIN names (another build, e.g. a copy of the tree before a
// change), so the summary's ratios["noodle-baseline"] compares the two in one run.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { processRunner, projectRoot, rootRelative } from "./host.js";

const HELLO = "programs/hello.nc";

export function noodleCli(name, bin) {
  return {
    name,
    lang: "noodle_cli",
    async init() {
      if (!bin) return { ok: false, reason: "NOODLE_BASELINE_BIN is not set (the path of another build's bin/noodle.js to compare with)" };
      if (!existsSync(bin)) return { ok: false, reason: `${bin} does not exist` };
      return {
        ok: true,
        fields: { bin },
        overhead: { run: processRunner(process.execPath, [bin, "run", rootRelative(HELLO)]) },
      };
    },
    async prepare(_case, source) {
      const program = rootRelative(source);
      return { run: processRunner(process.execPath, [bin, "run", program]), fields: { command: `node ${bin} run ${program}` } };
    },
  };
}

export const noodleCliHere = () => noodleCli("noodle", join(projectRoot, "bin", "noodle.js"));
export const noodleCliBaseline = () => noodleCli("noodle-baseline", process.env.NOODLE_BASELINE_BIN);
