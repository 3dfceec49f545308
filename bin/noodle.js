#!/usr/bin/env node
// The `noodle` command; the implementation is built into dist/ by `npm install`.
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
