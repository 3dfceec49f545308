// The Stores panel, loaded the first time it opens (it brings sql.js): the std/db stores this site
// keeps in IndexedDB, the keys and values of one (matrices as tables), and MQL queries over it.
// A store is opened for each look and closed at once, so a program's run can open it meanwhile.
import type { StoredValue } from "../../src/codec/value-codec.js";
import { openStore } from "../../src/store/db-host.js";
import { defaultStorage } from "../../src/store/platform.js";
import type { Store } from "../../src/store/store.js";

const PREFIX = "noodle-store:";

/** The names of the stores in this site's IndexedDB, sorted. */
export async function storeNames(): Promise<string[]> {
  const dbs = await indexedDB.databases();
  return dbs
    .map((d) => d.name ?? "")
    .filter((n) => n.startsWith(PREFIX))
    .map((n) => n.slice(PREFIX.length))
    .sort();
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

type ArrayLike = { kind: "matrix" | "tensor"; shape: number[]; data: Float64Array | Float32Array; dtype: string };

function isArrayValue(v: unknown): v is ArrayLike {
  return (
    typeof v === "object" &&
    v !== null &&
    ((v as ArrayLike).kind === "matrix" || (v as ArrayLike).kind === "tensor") &&
    ArrayBuffer.isView((v as ArrayLike).data)
  );
}

const num = (x: number): string => (Object.is(x, -0) ? "0" : String(x));

/** A value as print shows it. */
export function showValue(v: StoredValue, quoted = false): string {
  if (v === null || v === undefined) return "nil";
  if (typeof v === "number") return num(v);
  if (typeof v === "boolean") return String(v);
  if (typeof v === "string") return quoted ? JSON.stringify(v) : v;
  if (Array.isArray(v)) return `[${v.map((x) => showValue(x, true)).join(", ")}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${showValue(k, true)}: ${showValue(x, true)}`).join(", ")}}`;
  if (isArrayValue(v)) {
    const prefix = v.dtype === "f32" ? "f32" : "";
    if (v.kind === "tensor") return `tensor([${v.shape.join(", ")}], [${Array.from(v.data, num).join(", ")}])`;
    const [r, c] = v.shape;
    const rows = Array.from({ length: r }, (_, i) => Array.from(v.data.subarray(i * c, i * c + c), num).join(", "));
    return `${prefix}[${rows.join("; ")}${r === 1 ? ";" : ""}]`;
  }
  const rec = v as Record<string, StoredValue>;
  if (rec.kind === "error" && typeof rec.code === "number") return `error[${rec.code}]: ${String(rec.message)}`;
  const fields = Object.entries(rec).map(([k, x]) => `${k}: ${showValue(x, true)}`);
  return `${fields.length ? `{ ${fields.join(", ")} }` : "{}"}`;
}

/** A matrix as a table of its elements; anything else as text. */
function valueView(v: StoredValue): HTMLElement {
  if (isArrayValue(v) && v.kind === "matrix" && v.shape[0] * v.shape[1] <= 10_000) {
    const [r, c] = v.shape;
    const table = el("table", { className: "matrix" });
    for (let i = 0; i < r; i++) {
      const tr = el("tr");
      for (let j = 0; j < c; j++) tr.append(el("td", {}, num(v.data[i * c + j])));
      table.append(tr);
    }
    return table;
  }
  return el("code", { className: "value" }, showValue(v));
}

function errorText(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  return typeof code === "number" ? `error[${code}]: ${message}` : message;
}

async function withStore<T>(name: string, use: (s: Store) => T): Promise<T> {
  const store = await openStore(await defaultStorage(), name);
  try {
    return use(store);
  } finally {
    await store.close();
  }
}

export class StoresPanel {
  private selected: string | undefined;
  private readonly list = el("ul", { className: "store-list" });
  private readonly detail = el("div", { className: "store-detail" });

  constructor(root: HTMLElement) {
    const refresh = el("button", { type: "button", textContent: "Refresh", className: "small" });
    refresh.onclick = () => void this.refresh();
    root.replaceChildren(el("div", { className: "store-head" }, el("strong", {}, "Stores in this browser"), refresh), this.list, this.detail);
  }

  async refresh(): Promise<void> {
    const names = await storeNames();
    this.list.replaceChildren(
      ...(names.length === 0
        ? [el("li", { className: "muted" }, 'No stores yet: a program makes one with db.open("name").')]
        : names.map((n) => {
            const b = el("button", { type: "button", textContent: n, className: n === this.selected ? "store selected" : "store" });
            b.onclick = () => void this.show(n);
            return el("li", {}, b);
          })),
    );
    if (this.selected && names.includes(this.selected)) await this.show(this.selected);
    else this.detail.replaceChildren();
  }

  private async show(name: string): Promise<void> {
    this.selected = name;
    for (const b of this.list.querySelectorAll("button.store")) b.classList.toggle("selected", b.textContent === name);
    const query = el("input", { type: "text", className: "mql", value: "SELECT key, type, rows, cols FROM objects ORDER BY key", spellcheck: false });
    query.setAttribute("aria-label", "MQL query");
    const run = el("button", { type: "button", textContent: "Query", className: "small" });
    const result = el("div", { className: "query-result" });
    run.onclick = () => void this.query(name, query.value, result);
    query.onkeydown = (e) => {
      if (e.key === "Enter") void this.query(name, query.value, result);
    };
    let entries: HTMLElement;
    try {
      entries = await withStore(name, (s) => {
        const table = el("table", { className: "entries" }, el("tr", {}, el("th", {}, "key"), el("th", {}, "type"), el("th", {}, "value")));
        for (const e of s.entries()) table.append(el("tr", {}, el("td", {}, e.key), el("td", {}, e.type), el("td", {}, valueView(s.get(e.key)))));
        return table;
      });
    } catch (e) {
      entries = el("p", { className: "error" }, errorText(e));
    }
    this.detail.replaceChildren(el("h3", {}, name), entries, el("div", { className: "query-bar" }, query, run), result);
  }

  private async query(name: string, sql: string, out: HTMLElement): Promise<void> {
    try {
      const rows = await withStore(name, (s) => s.query(sql));
      const columns = rows.length > 0 ? [...rows[0].keys()] : [];
      const table = el("table", { className: "entries" }, el("tr", {}, ...columns.map((c) => el("th", {}, c))));
      for (const row of rows) table.append(el("tr", {}, ...columns.map((c) => el("td", {}, valueView(row.get(c) ?? null)))));
      out.replaceChildren(rows.length === 0 ? el("p", { className: "muted" }, "No rows.") : table);
    } catch (e) {
      out.replaceChildren(el("p", { className: "error" }, errorText(e)));
    }
  }
}
