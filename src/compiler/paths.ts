// Import paths: '/'-separated, resolved against the importing file's folder, normalised so
// that one file imported by two routes is one module.

export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

export function joinPath(dir: string, rel: string): string {
  const full = rel.startsWith("/") || dir === "" ? rel : `${dir}/${rel}`;
  const out: string[] = [];
  for (const p of full.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else out.push(p);
  }
  return (full.startsWith("/") ? "/" : "") + out.join("/");
}
