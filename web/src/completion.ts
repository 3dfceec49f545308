// Completion and hover for the editor: keywords from the lexer's list, builtins from the builtin
// table with their doc line, standard modules inside an import's string, and the names the text
// declares that are visible where the cursor is (from the checking worker's parse).
import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { hoverTooltip, type Tooltip } from "@codemirror/view";
import { BUILTIN_DOCS } from "../../src/bytecode/builtin-docs.js";
import { KEYWORDS } from "../../src/compiler/tokens.js";
import { stdModuleNames } from "../../src/std/index.js";
import type { DeclaredName } from "./protocol.js";

const keywordOptions: Completion[] = KEYWORDS.map((k) => ({ label: k, type: "keyword" }));
const builtinOptions: Completion[] = Object.entries(BUILTIN_DOCS).map(([name, doc]) => ({ label: name, type: "function", detail: "builtin", info: doc }));
const moduleOptions: Completion[] = stdModuleNames().map((m) => ({ label: `std/${m}`, type: "namespace" }));

const DECLARED_TYPE: Record<DeclaredName["kind"], string> = {
  variable: "variable",
  function: "function",
  struct: "class",
  actor: "class",
  module: "namespace",
  parameter: "variable",
};

/** The completion source; `names` gives the latest declared names of the text. */
export function noodleCompletions(names: () => DeclaredName[]) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const line = ctx.state.doc.lineAt(ctx.pos);
    const before = line.text.slice(0, ctx.pos - line.from);
    const importPath = /import\s+"([\w/]*)$/.exec(before);
    if (importPath) return { from: ctx.pos - importPath[1].length, options: moduleOptions, validFor: /^[\w/]*$/ };
    // after a dot comes a member, which these lists do not know
    const word = ctx.matchBefore(/[A-Za-z_][A-Za-z0-9_]*/);
    if (/\.\s*$/.test(before.slice(0, word ? word.from - line.from : before.length))) return null;
    if (!word && !ctx.explicit) return null;
    const seen = new Set<string>();
    const declared: Completion[] = [];
    for (const n of names()) {
      if (n.scopeFrom <= ctx.pos && ctx.pos <= n.scopeTo && !seen.has(n.name)) {
        seen.add(n.name);
        declared.push({ label: n.name, type: DECLARED_TYPE[n.kind], detail: n.kind, boost: 1 });
      }
    }
    return { from: word ? word.from : ctx.pos, options: [...declared, ...builtinOptions, ...keywordOptions], validFor: /^[A-Za-z0-9_]*$/ };
  };
}

/** The builtin's doc line when the pointer rests on a builtin's name. */
export const builtinHover = hoverTooltip((view, pos): Tooltip | null => {
  const line = view.state.doc.lineAt(pos);
  const at = pos - line.from;
  let start = at;
  let end = at;
  while (start > 0 && /\w/.test(line.text[start - 1])) start--;
  while (end < line.text.length && /\w/.test(line.text[end])) end++;
  const name = line.text.slice(start, end);
  if (start === end || !Object.hasOwn(BUILTIN_DOCS, name) || line.text[start - 1] === ".") return null;
  return {
    pos: line.from + start,
    end: line.from + end,
    above: true,
    create: () => {
      const dom = document.createElement("div");
      dom.className = "cm-builtin-doc";
      dom.textContent = BUILTIN_DOCS[name];
      return { dom };
    },
  };
});
