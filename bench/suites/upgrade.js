// The `upgrade` suite: upgrading a running program in place. Each group of cases is its own
// file under suites/upgrade/, listed here.
//
// Implementations: `noodle`, the library (dist/node/main.js) in this process.

import * as switching from "./upgrade/switch-cases.js";

export const name = "upgrade";
export const defaults = { warmup: 1, runs: 5 };

export const peers = [...switching.peers];
export const cases = [...switching.cases];
