// The `upgrade` suite: running a program in production, upgrading it in place and watching it.
// Each group of cases lives in its own file with the implementations it runs on; this file lists
// them:
//
//   suites/upgrade/switch-cases.js  upgrade-pause (the pause per actor of 10 000 busy actors) and
//                                   validate-switch (from asking to the switch)
//   cases/metrics.js                metrics-overhead-NAME (the vm programs with and without their
//                                   series served and scraped) and scrape-10k (one scrape of 10 000 series)

import { metricsCases, metricsPeers } from "../cases/metrics.js";
import * as switching from "./upgrade/switch-cases.js";

export const name = "upgrade";
export const defaults = { warmup: 1, runs: 5 };

export const peers = [...switching.peers, ...metricsPeers];
export const cases = [...switching.cases, ...metricsCases];
