// The Examples menu: every web/examples/*.nc, by file name, bundled with the page (a few KiB).
const files = import.meta.glob("../examples/*.nc", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

/** Example name (file name without .nc) -> source, in menu order (hello first). */
export const EXAMPLES: ReadonlyMap<string, string> = new Map(
  Object.entries(files)
    .map(([path, text]) => [path.replace(/^.*\/(.*)\.nc$/, "$1"), text] as [string, string])
    .sort(([a], [b]) => (a === "hello" ? -1 : b === "hello" ? 1 : a.localeCompare(b))),
);
