// The `upgrade` suite: running a program in production. Each group of cases lives in its own
// file under bench/cases/ with the implementations it runs on; this file lists them.
//
//   bench/cases/metrics.js  metrics-overhead-NAME (the vm programs with and without their
//                           series served and scraped) and scrape-10k (one scrape of 10 000 series)

import { metricsCases, metricsPeers } from "../cases/metrics.js";

export const name = "upgrade";
export const defaults = { warmup: 1, runs: 5 };

export const peers = [...metricsPeers];

export const cases = [...metricsCases];
