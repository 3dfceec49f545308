#!/usr/bin/env node
// The `noodle` command. `npm install` builds it into one bundle, which starts faster than the
// many modules of dist/.
import { main } from "../dist/bundle/noodle-cli.js";

process.exitCode = await main(process.argv.slice(2));
