// The browser builds keep the NATS client out of the library: a page that joins a cluster loads
// dist/browser/cluster-node.js (the client, without the core) and its workers
// cluster-node-worker.js (the client and the core); noodle.js carries neither the client nor
// the node.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

const bundle = (name: string) => readFileSync(`${ROOT}dist/browser/${name}`, "utf8");
/** The source files esbuild marks in a bundle it did not minify. */
const sources = (text: string) => new Set(text.match(/^\/\/ (?:src|node_modules)\/\S+/gm));

describe("the browser bundles of a cluster node", () => {
  it("keeps the NATS client and the node out of noodle.js", () => {
    const library = [...sources(bundle("noodle.js"))];
    expect(library.some((s) => s.includes("src/runtime/vm.ts"))).toBe(true);
    expect(library.filter((s) => s.includes("@nats-io/") || s.includes("src/cluster/"))).toEqual([]);
  });

  it("puts the client in cluster-node.js without the core, and both in its workers' script", () => {
    const node = [...sources(bundle("cluster-node.js"))];
    expect(node).toContain("// src/cluster/browser-node.ts");
    expect(node.some((s) => s.includes("@nats-io/nats-core"))).toBe(true);
    expect(node.filter((s) => s.includes("src/runtime/core") || s.includes("src/runtime/vm.ts"))).toEqual([]);
    const worker = [...sources(bundle("cluster-node-worker.js"))];
    expect(worker).toContain("// src/cluster/node-thread.ts");
    expect(worker.some((s) => s.includes("@nats-io/nats-core"))).toBe(true);
    expect(worker.some((s) => s.includes("src/concurrency/worker-host.ts"))).toBe(true);
  });
});
