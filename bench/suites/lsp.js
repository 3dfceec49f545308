// The `lsp` suite: the language services on a generated file of 5 000 lines. Each group of
// cases lives in its own file with the implementation it runs on; this file lists them:
//
//   suites/lsp/service-cases.js  hover-5k, completion-5k (p95 of one request) and
//                                diagnostics-edit (an edit, then the diagnostics)

import * as service from "./lsp/service-cases.js";

export const name = "lsp";
export const defaults = { warmup: 1, runs: 5 };

export const peers = [...service.peers];
export const cases = [...service.cases];
