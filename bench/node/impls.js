// The implementations a suite runs under Node (see impls/select.js for how they are chosen).

import { jsImpl } from "../impls/js.js";
import { selectImpls } from "../impls/select.js";
import { moduleUrl } from "./host.js";
import { luaImpl } from "./lua.js";
import { noodleBaselineNode, noodleJitNode, noodleNode } from "./noodle.js";
import { noodleCliBaseline, noodleCliHere } from "./noodle-cli.js";

const BUILT_IN = {
  noodle: noodleNode,
  "noodle-jit": noodleJitNode,
  js: () => jsImpl({ moduleUrl, version: `node ${process.version}` }),
  "lua5.4": () => luaImpl("lua5.4"),
  luajit: () => luaImpl("luajit"),
  "noodle-cli": noodleCliHere,
  // another build: its library for the programs, its command for the command-line cases
  "noodle-baseline": () => [noodleBaselineNode(), noodleCliBaseline()],
};

export function implsFor(suite) {
  return selectImpls(suite, BUILT_IN);
}
