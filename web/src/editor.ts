// The CodeMirror view: Noodle highlighting, bracket matching and closing, comment toggling
// (Mod-/), completion, hover and go to definition (F12) from the language service, compile
// problems as squiggles, Mod-Enter to run.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic as LintDiagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { tagHighlighter, tags } from "@lezer/highlight";
import { languageFeatures } from "./editor-language.js";
import type { LanguageClient } from "./language-client.js";
import { noodleLanguage } from "./noodle-language.js";
import type { Problem } from "./protocol.js";

/** Token classes, coloured by style.css for light and dark schemes. */
const highlighter = tagHighlighter([
  { tag: tags.keyword, class: "tok-keyword" },
  { tag: tags.atom, class: "tok-atom" },
  { tag: tags.number, class: "tok-number" },
  { tag: tags.string, class: "tok-string" },
  { tag: [tags.lineComment, tags.blockComment], class: "tok-comment" },
  { tag: tags.standard(tags.variableName), class: "tok-builtin" },
  { tag: tags.function(tags.variableName), class: "tok-function" },
  { tag: tags.typeName, class: "tok-type" },
  { tag: tags.operator, class: "tok-operator" },
]);

export interface EditorHooks {
  onChange(text: string): void;
  onRun(): void;
  language: LanguageClient;
}

export function createEditor(parent: HTMLElement, text: string, hooks: EditorHooks): EditorView {
  const language = languageFeatures(hooks.language);
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        noodleLanguage(),
        syntaxHighlighting(highlighter),
        autocompletion({ override: [language.completion] }),
        ...language.extensions,
        lintGutter(),
        EditorState.tabSize.of(2),
        keymap.of([
          {
            key: "Mod-Enter",
            run: () => {
              hooks.onRun();
              return true;
            },
            preventDefault: true,
          },
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...historyKeymap,
          ...completionKeymap,
          indentWithTab,
        ]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) hooks.onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
}

/** Shows problems as squiggles at their spans (those in the editor's own text). */
export function showProblems(view: EditorView, problems: Problem[]): void {
  const length = view.state.doc.length;
  const diagnostics: LintDiagnostic[] = problems
    .filter((p) => p.file === "main.nc")
    .map((p) => {
      const from = Math.min(p.from, length);
      return { from, to: Math.min(Math.max(p.to, from), length), severity: "error", message: `error[${p.code}]: ${p.message}` };
    });
  view.dispatch(setDiagnostics(view.state, diagnostics));
}

/** Puts the cursor at the start of `line` (1-based) and scrolls it into view. */
export function goToLine(view: EditorView, line: number, col = 1): void {
  const l = view.state.doc.line(Math.max(1, Math.min(line, view.state.doc.lines)));
  const pos = Math.min(l.from + col - 1, l.to);
  view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  view.focus();
}

export function setText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 } });
}
