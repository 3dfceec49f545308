// The `js` peer: plain JavaScript programs run in-process, timing the call of
// their default export. Browser-safe: modules are loaded with import().
//
// A JS peer module exports `default function main(print)` (or an async one); `print` behaves
// as Noodle's print, so the outputs compare byte for byte.

/** Formats one value as Noodle's print does at top level (numbers as String(n), -0 as 0). */
export function formatValue(v) {
  if (typeof v === "number") return Object.is(v, -0) ? "0" : String(v);
  if (v === null || v === undefined) return "nil";
  return String(v);
}

/**
 * @param {object} host
 * @param {(path: string) => string} host.moduleUrl URL of a file given relative to bench/
 * @param {string} host.version the JavaScript engine, for the `version` field
 * @param {string} [host.lang] the key of a case's `sources` it runs
 */
export function jsImpl({ moduleUrl, version, lang = "js" }) {
  return {
    name: "js",
    lang,
    async init() {
      return { ok: true, fields: { version } };
    },
    async prepare(_case, path) {
      const mod = await import(moduleUrl(path));
      const main = mod.default;
      if (typeof main !== "function") throw new Error(`${path} has no default export function`);
      return {
        run() {
          let out = "";
          const done = main((...values) => {
            out += values.map(formatValue).join(" ") + "\n";
          });
          // an async peer (the concurrency suite) finishes when its promise does
          return done instanceof Promise ? done.then(() => out) : out;
        },
      };
    },
  };
}
