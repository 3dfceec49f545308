// Module Web Worker that runs Noodle programs with the built library.
//
// Protocol (postMessage):
//   out: { type: "ready", crossOriginIsolated }            once the library has loaded
//   out: { type: "load-error", message }                   if importing the library failed
//   in:  { id, source, options?: { maxSteps, maxDepth, maxMemory } }
//   out: { type: "result", id, ok, output, errorCode, errorText, diagnostics }
//
// The library is imported dynamically rather than with a static import so that a failure
// can be reported. The browser's own message for it names only the entry module ("Failed to
// fetch dynamically imported module"), so on failure the import graph is walked to name the
// module and the specifier that cannot load (say, an import of "node:fs").

const libraryUrl = new URL("/dist/index.js", self.location.href).href;

let library;
try {
  library = await import(libraryUrl);
} catch (err) {
  const culprits = await findUnloadableImports(libraryUrl).catch((walkErr) => [`(walk failed: ${describe(walkErr)})`]);
  const detail = culprits.length > 0 ? `; ${culprits.join("; ")}` : "";
  self.postMessage({ type: "load-error", message: `${describe(err)}${detail}` });
}

if (library) {
  self.addEventListener("message", (event) => {
    runProgram(event.data).then(
      (result) => self.postMessage({ type: "result", id: event.data.id, ...result }),
      (err) =>
        self.postMessage({
          type: "result",
          id: event.data.id,
          ok: false,
          output: "",
          errorCode: null,
          errorText: `uncaught: ${describe(err)}`,
          diagnostics: [],
        }),
    );
  });
  self.postMessage({ type: "ready", crossOriginIsolated: self.crossOriginIsolated === true });
}

async function runProgram({ source, options = {} }) {
  let output = "";
  const result = await library.run(source, {
    ...options,
    file: "worker.nc",
    stdout: (text) => {
      output += text;
    },
  });
  const diagnostics = (result.diagnostics ?? []).map((d) => ({
    code: d.code,
    message: d.message,
    line: d.line,
    col: d.col,
  }));
  if (result.error) {
    return { ok: false, output, errorCode: result.error.code, errorText: result.error.render(), diagnostics };
  }
  if (diagnostics.length > 0) {
    const errorText = result.diagnostics.map((d) => library.renderDiagnostic(d)).join("\n");
    return { ok: false, output, errorCode: diagnostics[0].code, errorText, diagnostics };
  }
  return { ok: result.ok, output, errorCode: null, errorText: null, diagnostics };
}

/**
 * Follows the relative imports from entryUrl and lists each import a browser cannot load:
 * a bare or "node:" specifier (no import map here) or a module the server does not have.
 */
async function findUnloadableImports(entryUrl) {
  // Static imports and re-exports at the start of a line (as tsc emits them), or import("x").
  const importPattern = /^[ \t]*(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm;
  const origin = self.location.origin;
  const seen = new Set([entryUrl]);
  const queue = [entryUrl];
  const problems = [];
  while (queue.length > 0) {
    const url = queue.shift();
    const where = url.startsWith(origin) ? url.slice(origin.length) : url;
    const response = await fetch(url);
    if (!response.ok) {
      problems.push(`${where}: HTTP ${response.status}`);
      continue;
    }
    const text = await response.text();
    for (const match of text.matchAll(importPattern)) {
      const specifier = match[1] ?? match[2];
      if (!/^(\.{1,2})?\//.test(specifier)) {
        problems.push(`${where} imports "${specifier}", which a browser cannot resolve`);
        continue;
      }
      const next = new URL(specifier, url).href;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return problems;
}

function describe(err) {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
