// The editor's completion, hover and go to definition (F12), all answered by the language
// service in its worker (language-client.ts), from the text as it is at the moment of asking.
import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import type { Extension } from "@codemirror/state";
import { type EditorView, hoverTooltip, keymap } from "@codemirror/view";
import type { CompletionKind } from "../../src/language/index.js";
import type { LanguageClient } from "./language-client.js";

const TYPE: Record<CompletionKind, string> = {
  variable: "variable",
  constant: "constant",
  parameter: "variable",
  function: "function",
  builtin: "function",
  struct: "class",
  actor: "class",
  module: "namespace",
  file: "namespace",
  keyword: "keyword",
  field: "property",
};

function completionSource(client: LanguageClient) {
  return async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    const line = ctx.state.doc.lineAt(ctx.pos);
    const before = line.text.slice(0, ctx.pos - line.from);
    const inImport = /import\s+"[\w/]*$/.test(before);
    // typing a name, after a dot, inside an import's string, or asked for (Ctrl+Space)
    if (!ctx.explicit && !inImport && !/[A-Za-z_][A-Za-z0-9_]*$|\.$/.test(before)) return null;
    const answer = await client.request("complete", ctx.state.doc.toString(), ctx.pos);
    if (ctx.aborted) return null;
    const options: Completion[] = answer.items.map((i) => ({
      label: i.label,
      type: TYPE[i.kind],
      detail: i.detail,
      info: i.documentation,
      // what the program declares comes before builtins and keywords
      boost: i.kind === "builtin" || i.kind === "keyword" ? 0 : 1,
    }));
    return { from: answer.from, options, validFor: inImport ? /^[\w/]*$/ : /^[A-Za-z0-9_]*$/ };
  };
}

/** The hover's Markdown as the tooltip shows it: the code block as code, the rest as text. */
function hoverDom(markdown: string): HTMLElement {
  const dom = document.createElement("div");
  dom.className = "cm-noodle-hover";
  for (const part of markdown.split("\n\n")) {
    const code = /^```\w*\n([\s\S]*)\n```$/.exec(part);
    const el = document.createElement(code ? "code" : "p");
    el.textContent = code ? code[1] : part;
    dom.append(el);
  }
  return dom;
}

function goToDefinition(client: LanguageClient) {
  return (view: EditorView): boolean => {
    const text = view.state.doc.toString();
    void client.request("definition", text, view.state.selection.main.head).then((d) => {
      if (d.at !== undefined && view.state.doc.toString() === text) view.dispatch({ selection: { anchor: d.at }, scrollIntoView: true });
    });
    return true;
  };
}

export function languageFeatures(client: LanguageClient): {
  completion: (ctx: CompletionContext) => Promise<CompletionResult | null>;
  extensions: Extension[];
} {
  return {
    completion: completionSource(client),
    extensions: [
      hoverTooltip(async (view, pos) => {
        const { hover } = await client.request("hover", view.state.doc.toString(), pos);
        if (!hover) return null;
        return { pos: hover.from, end: hover.to, above: true, create: () => ({ dom: hoverDom(hover.markdown) }) };
      }),
      keymap.of([{ key: "F12", run: goToDefinition(client) }]),
    ],
  };
}
