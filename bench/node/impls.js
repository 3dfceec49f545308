// The implementations a suite runs under Node: Noodle first, then its peers.
// A suite names built-in peers by string, or passes its own implementation
// objects (see harness.js for the interface).

import { jsImpl } from "../impls/js.js";
import { moduleUrl } from "./host.js";
import { luaImpl } from "./lua.js";
import { noodleNode } from "./noodle.js";

const PEERS = {
  js: () => jsImpl({ moduleUrl, version: `node ${process.version}` }),
  "lua5.4": () => luaImpl("lua5.4"),
};

function unknownPeer(name) {
  return {
    name,
    lang: name,
    async init() {
      return { ok: false, reason: `unknown peer ${name}; known: ${Object.keys(PEERS).join(", ")}` };
    },
  };
}

export function implsFor(suite) {
  const peers = (suite.peers ?? []).map((p) => (typeof p === "string" ? (PEERS[p] ?? (() => unknownPeer(p)))() : p));
  // a suite may bring its own way of running Noodle (timing an operation rather than a program)
  const own = peers.find((p) => p.name === "noodle");
  return own ? [own, ...peers.filter((p) => p !== own)] : [noodleNode(), ...peers];
}
