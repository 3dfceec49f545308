// Node's side of the bench (bench/node/host.js: paths, files) for implementations that run
// only under Node. Imported when they start, so suites naming them still load in a browser
// page, where their init fails with the reason instead.

export async function nodeHost() {
  if (!globalThis.process?.versions?.node) throw new Error("runs under Node only (worker_threads)");
  return import("../node/host.js");
}
