// Node-only pieces shared by the dense linear-algebra suites (matmul, linalg):
// loading the Noodle library and the peer libraries (ml-matrix, TensorFlow.js)
// with a reason when one is missing, a Noodle session to run programs in, and
// the in-process implementation objects these suites give the harness.
//
// These suites cannot use the harness's built-in implementations: those run a
// whole program (or a JS module's main) per timed run, which would time the
// building of the input matrices too. Here the inputs are built once per case,
// before timing, and a timed run is the operation alone.

import { readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { DEFAULTS } from "../harness.js";
import { projectRoot } from "./host.js";

const errorText = (e) => (e instanceof Error ? e.message : String(e));

/** The version field of an installed package, or undefined. */
export function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(projectRoot, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

/**
 * An implementation object for the harness (the interface is documented at
 * runSuite in harness.js) that runs in this process.
 *
 *   load()                       once; its rejection is the skip reason. Resolves
 *                                to { fields?, ...anything setup needs }.
 *   setup(case, path, loaded, opts)
 *                                once per case, untimed: builds the inputs and
 *                                computes the result once to check it. Resolves to
 *                                { run, output, fields?, skipWarmup? }: run() is
 *                                the timed operation, `output` the suite's verdict
 *                                on the checked result (the text the harness
 *                                compares), `fields` extra line fields.
 *
 * With `skipWarmup` (slow peers at large sizes), the harness's warm-up calls
 * do nothing: the checked computation in setup already ran the same code, and
 * a multi-second call warms up its own loops. The line then says `warmup: 0`.
 */
export function inProcess({ name, lang, load, setup }) {
  let loaded = null;
  let opts = { ...DEFAULTS };
  return {
    name,
    lang,
    async init(o) {
      opts = { ...opts, ...o };
      try {
        loaded = await load();
      } catch (e) {
        return { ok: false, reason: errorText(e) };
      }
      return { ok: true, fields: loaded?.fields };
    },
    async prepare(c, path) {
      const s = await setup(c, path, loaded, opts);
      let skipped = 0;
      const fields = { ...(s.fields ?? {}) };
      if (s.skipWarmup && opts.warmup > 0) {
        fields.warmup = 0;
        fields.note = "warm-up runs skipped at this size: the checked run before timing warmed the code";
      }
      return {
        run() {
          if (s.skipWarmup && skipped < opts.warmup) {
            skipped++;
            return s.output;
          }
          s.run();
          return s.output;
        },
        fields,
      };
    },
  };
}

// ------------------------------------------------------------------ Noodle

// the package's entry in Node (what `import "noodle-lang"` loads there)
const DIST = join(projectRoot, "dist", "node", "main.js");

/** The Noodle library from its Node entry, with its version fields. */
export async function loadNoodle() {
  let lib;
  try {
    lib = await import(pathToFileURL(DIST).href);
  } catch (e) {
    throw new Error(`Noodle library unavailable (dist/node/main.js; build it with npm install): ${errorText(e)}`);
  }
  if (typeof lib.Noodle?.create !== "function") throw new Error("dist/node/main.js does not export the Noodle session class");
  const fields = { version: `noodle-lang ${JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).version}` };
  try {
    // Which build of the WebAssembly core runs: "relaxed" (fused multiply-add) or "simd".
    const core = await import(pathToFileURL(join(projectRoot, "dist", "runtime", "core.js")).href);
    fields.core = core.bestCoreVariant();
  } catch {
    // an internal module: its absence only loses the field
  }
  return { lib, fields };
}

function describeFailure(r) {
  if (r.diagnostics?.length) {
    return r.diagnostics
      .slice(0, 3)
      .map((d) => `error[${d.code}]: ${d.message} (${d.file ?? ""}:${d.line}:${d.col})`)
      .join("; ");
  }
  return r.error ? `error[${r.error.code}]: ${r.error.message}` : "failed";
}

/**
 * A Noodle session (one VM whose top-level names persist between evals) on
 * which a suite builds its inputs once and then times calls of Noodle
 * functions: a compiled function call runs only what the function does.
 */
export async function noodleSession(lib) {
  let printed = "";
  const session = await lib.Noodle.create({
    stdout: (text) => {
      printed += text;
    },
  });
  return {
    /** Compiles and runs `source`; returns the value of a final expression. Throws on errors. */
    eval(source, file = "<bench>") {
      const r = session.eval(source, file);
      if (!r.ok) throw new Error(`${file}: ${describeFailure(r)}`);
      return r.value;
    },
    /** What `source` prints. */
    print(source, file = "<bench>") {
      printed = "";
      this.eval(source, file);
      const out = printed;
      printed = "";
      return out;
    },
    /** Calls a top-level Noodle function (throws the Noodle error). */
    call(name, ...args) {
      return session.call(name, ...args);
    },
  };
}

/** The numbers of a matrix as Noodle prints it (`[1, 2; 3, 4]`, `f32[...]`), row-major. */
export function parsePrintedMatrix(text) {
  const body = text.trim().replace(/^f(32|64)/, "");
  if (!body.startsWith("[") || !body.endsWith("]")) throw new Error(`not a printed matrix: ${body.slice(0, 40)}`);
  const items = body
    .slice(1, -1)
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter(Boolean);
  return Float64Array.from(items, Number);
}

// ------------------------------------------------------------------ peers

/** ml-matrix, with its version. */
export async function loadMlMatrix() {
  let mod;
  try {
    mod = await import("ml-matrix");
  } catch (e) {
    throw new Error(`ml-matrix is not installed (npm install --save-dev ml-matrix): ${errorText(e)}`);
  }
  return { ml: mod, fields: { version: `ml-matrix ${packageVersion("ml-matrix")}` } };
}

let tfjs = null; // the tfjs-core module, once loaded
let wasmReady = null; // the wasm backend's initialisation, once started

async function tfCore() {
  if (tfjs) return tfjs;
  try {
    tfjs = await import("@tensorflow/tfjs-core");
  } catch (e) {
    throw new Error(`@tensorflow/tfjs-core is not installed: ${errorText(e)}`);
  }
  // Production mode: no debug checks, and no advice to install tfjs-node on the console.
  tfjs.enableProdMode();
  return tfjs;
}

/**
 * TensorFlow.js on one backend, "wasm" or "cpu", with its version fields.
 * The wasm backend runs single-threaded with SIMD: threads need workers that
 * its Node build cannot start, and in Node it finds its .wasm files only
 * through setWasmPaths given the package's dist folder as a file path.
 */
export async function loadTfjs(backend) {
  const tf = await tfCore();
  const pkg = `@tensorflow/tfjs-backend-${backend}`;
  const fields = { version: `@tensorflow/tfjs-core ${tf.version_core}, ${pkg} ${packageVersion(pkg)}` };
  if (backend === "wasm") {
    wasmReady ??= (async () => {
      let wasm;
      try {
        wasm = await import(pkg);
      } catch (e) {
        throw new Error(`${pkg} is not installed: ${errorText(e)}`);
      }
      wasm.setWasmPaths(join(projectRoot, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist") + sep);
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      if (!(await tf.setBackend("wasm"))) throw new Error(`${pkg} failed to initialise`);
      return { simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"), threads: wasm.getThreadsCount() };
    })();
    Object.assign(fields, await wasmReady);
  } else {
    try {
      await import(pkg);
    } catch (e) {
      throw new Error(`${pkg} is not installed: ${errorText(e)}`);
    }
    if (!(await tf.setBackend(backend))) throw new Error(`${pkg} failed to initialise`);
  }
  return { tf, backend, fields };
}
