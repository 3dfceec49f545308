// `noodle cluster metrics`: the Prometheus texts of several nodes as one, every sample labelled
// with the node it came from (`node="name"`), each family's samples together under one HELP and
// TYPE, as Prometheus requires.

/** The texts of `nodes` (name -> text) as one text; families in the order first met. */
export function gatherNodeMetrics(nodes: ReadonlyMap<string, string>): string {
  const families = new Map<string, { header: string[]; samples: string[] }>();
  for (const [node, text] of nodes) {
    let current: { header: string[]; samples: string[] } | undefined;
    for (const line of text.split("\n")) {
      if (line === "") continue;
      const header = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (header) {
        let family = families.get(header[2]);
        if (!family) families.set(header[2], (family = { header: [], samples: [] }));
        if (!family.header.some((h) => h.startsWith(`# ${header[1]} `))) family.header.push(line);
        current = family;
        continue;
      }
      if (line.startsWith("#") || !current) continue;
      current.samples.push(withNode(line, node));
    }
  }
  let out = "";
  for (const f of families.values()) out += [...f.header, ...f.samples].map((l) => `${l}\n`).join("");
  return out;
}

/** A sample line with `node="name"` first among its labels. */
function withNode(line: string, node: string): string {
  const label = `node="${node.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{\}?)?/.exec(line)!;
  const name = m[1];
  const rest = line.slice(name.length);
  if (rest.startsWith("{}")) return `${name}{${label}}${rest.slice(2)}`;
  if (rest.startsWith("{")) return `${name}{${label},${rest.slice(1)}`;
  return `${name}{${label}}${rest}`;
}
