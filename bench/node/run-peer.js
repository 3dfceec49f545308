// Runs one JS peer program on its own and prints its output:
//   node bench/node/run-peer.js bench/peers/js/nbody.js

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { formatValue } from "../impls/js.js";

const file = process.argv[2];
if (!file) {
  console.error("usage: node bench/node/run-peer.js FILE.js");
  process.exit(2);
}
const { default: main } = await import(pathToFileURL(resolve(file)).href);
main((...values) => process.stdout.write(values.map(formatValue).join(" ") + "\n"));
