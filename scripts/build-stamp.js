// The build's stamp: content hashes of what `dist/` is built from, written to dist/.build-stamp by
// the build, so a test run can tell whether dist/ is stale and which build brings it up to date.
//
//   core   the WebAssembly core and everything generated before TypeScript compiles: assembly/,
//          scripts/, asconfig.json, the tables the generators read, and package.json's build
//          scripts and dependencies (a change needs `npm run build`)
//   ts     the TypeScript sources and their config (a change needs `npm run build:ts`)
//
// `node scripts/build-stamp.js` stamps both (after a full build); `node scripts/build-stamp.js ts`
// only the TypeScript part (after build:ts, which leaves the core as it was).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const STAMP = "dist/.build-stamp";

// Written by the build itself: hashing them would make every build stale its own stamp.
const GENERATED = [/^assembly\/vm\/opcodes\.ts$/, /^src\/runtime\/core-.*\.generated\.ts$/, /^src\/runtime\/heap-layout\.generated\.ts$/];

const INPUTS = {
  core: [
    "assembly",
    "scripts",
    "asconfig.json",
    "package.json",
    "src/bytecode/opcode-table.ts",
    "src/bytecode/builtin-table.ts",
    "src/runtime/core-status.ts",
    "src/errors/table.ts",
  ],
  ts: ["src", "tsconfig.json"],
};

function filesUnder(root, path, out) {
  const full = join(root, path);
  if (!existsSync(full)) return;
  if (statSync(full).isDirectory()) {
    for (const name of readdirSync(full).sort()) filesUnder(root, join(path, name), out);
  } else {
    const rel = relative(root, full).split(sep).join("/");
    if (!GENERATED.some((re) => re.test(rel))) out.push(rel);
  }
}

/** What of package.json the build depends on: its build scripts and dependencies, not the rest. */
function buildPart(path) {
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return readFileSync(path);
  }
  const scripts = Object.entries(pkg.scripts ?? {}).filter(([name]) => name.startsWith("build") || name === "prepare");
  return JSON.stringify([scripts, pkg.dependencies ?? {}, pkg.devDependencies ?? {}]);
}

/** The content hash of one part's inputs under `root`. */
export function inputsHash(root, part) {
  const files = [];
  for (const path of INPUTS[part]) filesUnder(root, path, files);
  const h = createHash("sha256");
  for (const f of files)
    h.update(f)
      .update("\0")
      .update(f === "package.json" ? buildPart(join(root, f)) : readFileSync(join(root, f)))
      .update("\0");
  return h.digest("hex");
}

/** The stamp dist/ was built with, or undefined when there is none (or it is unreadable). */
export function readStamp(root) {
  try {
    return JSON.parse(readFileSync(join(root, STAMP), "utf8"));
  } catch {
    return undefined;
  }
}

/** Writes the stamp for the parts just built (the others keep what the stamp said). */
export function writeStamp(root, parts = ["core", "ts"]) {
  const stamp = readStamp(root) ?? {};
  for (const part of parts) stamp[part] = inputsHash(root, part);
  mkdirSync(join(root, "dist"), { recursive: true });
  writeFileSync(join(root, STAMP), JSON.stringify(stamp) + "\n");
}

/** The build dist/ needs: "build" (everything), "build:ts" (TypeScript only) or undefined (up to date). */
export function staleBuild(root) {
  const stamp = readStamp(root);
  if (!stamp || !existsSync(join(root, "dist", "bundle", "noodle-cli.js"))) return "build";
  if (stamp.core !== inputsHash(root, "core")) return "build";
  if (stamp.ts !== inputsHash(root, "ts")) return "build:ts";
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  writeStamp(root, process.argv[2] === "ts" ? ["ts"] : ["core", "ts"]);
}
