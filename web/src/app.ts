// The playground page: the editor on the left; output, problems, plots and stores on the right;
// Run, Stop, Examples, Share and Open above. Programs run and are checked in Web Workers
// (runner.ts, language-client.ts, noodle-worker.ts); the page itself never compiles or runs Noodle.
import type { EditorView } from "@codemirror/view";
import { formatError } from "../../src/errors/table.js";
import { Autosave, type Draft } from "./autosave.js";
import { ConsoleView } from "./console-view.js";
import { createEditor, goToLine, setText, showProblems } from "./editor.js";
import { EXAMPLES } from "./examples.js";
import { LanguageClient } from "./language-client.js";
import type { FromWorker, Problem, RunLimits } from "./protocol.js";
import { runner } from "./runner-instance.js";
import { decodeShare, encodeShare, isShareFragment, SHARE_LIMIT } from "./share.js";

/** What a program may use here: about ten seconds of computing, and 1 GiB of memory. */
const LIMITS: RunLimits = { maxSteps: 10_000_000_000, maxMemory: 1 << 30 };
/** The largest file Open reads. */
const MAX_OPEN_BYTES = 1 << 20;
const CHECK_DELAY_MS = 250;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const runButton = $<HTMLButtonElement>("run");
const stopButton = $<HTMLButtonElement>("stop");
const status = $("status");
const notice = $("notice");
const problemsPanel = $("problems");
const problemCount = $("problem-count");

// ---------------------------------------------------------------- tabs

let currentTab = "output";
/** Shows tab `name`'s panel; the Output tab shows the run's figures too, beneath the console. */
function showTab(name: string): void {
  currentTab = name;
  for (const t of document.querySelectorAll<HTMLElement>("[data-tab]")) t.classList.toggle("active", t.dataset.tab === name);
  for (const p of document.querySelectorAll<HTMLElement>("[data-panel]"))
    p.hidden = p.dataset.panel !== name && !(name === "output" && p.dataset.panel === "plots" && figures > 0);
  // with figures beneath it, the console takes the room its text needs, up to 40%
  document.body.classList.toggle("with-figures", name === "output" && figures > 0);
  if (name === "stores") void openStores();
}
for (const t of document.querySelectorAll<HTMLElement>("[data-tab]")) t.onclick = () => showTab(t.dataset.tab!);

let storesPanel: Promise<{ refresh(): Promise<void> }> | undefined;
function openStores(): Promise<void> {
  storesPanel ??= import("./stores-panel.js").then(({ StoresPanel }) => new StoresPanel($("stores")));
  return storesPanel.then((p) => p.refresh()).catch((e: unknown) => say(`The stores cannot be shown: ${messageOf(e)}`));
}

// ---------------------------------------------------------------- notices

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A message above the panes, with optional actions; replaced by the next one. */
function say(text: string, actions: [string, () => void][] = []): void {
  notice.replaceChildren(text);
  for (const [label, act] of actions) {
    const b = Object.assign(document.createElement("button"), { type: "button", className: "small", textContent: label });
    b.onclick = () => {
      notice.hidden = true;
      act();
    };
    notice.append(" ", b);
  }
  const close = Object.assign(document.createElement("button"), { type: "button", className: "small close", textContent: "✕" });
  close.setAttribute("aria-label", "Dismiss");
  close.onclick = () => (notice.hidden = true);
  notice.append(close);
  notice.hidden = false;
}

// an error in the page's own code is reported plainly, never as a stack trace
window.addEventListener("error", (e) => say(`Something went wrong in the page: ${e.message}`));
window.addEventListener("unhandledrejection", (e) => say(`Something went wrong in the page: ${messageOf(e.reason)}`));

// ---------------------------------------------------------------- problems

function showProblemList(problems: Problem[]): void {
  problemCount.hidden = problems.length === 0;
  problemCount.textContent = String(problems.length);
  if (problems.length === 0) {
    problemsPanel.replaceChildren(Object.assign(document.createElement("p"), { className: "muted", textContent: "No problems." }));
    return;
  }
  problemsPanel.replaceChildren(
    ...problems.map((p) => {
      const b = Object.assign(document.createElement("button"), { type: "button", className: "problem" });
      b.dataset.code = String(p.code);
      b.append(
        Object.assign(document.createElement("span"), { className: "code", textContent: `error[${p.code}]` }),
        Object.assign(document.createElement("span"), {
          className: "where",
          textContent: p.file === "main.nc" ? `${p.line}:${p.col}` : `${p.file}:${p.line}:${p.col}`,
        }),
        Object.assign(document.createElement("span"), { className: "message", textContent: p.message }),
      );
      if (p.file === "main.nc") b.onclick = () => goToLine(editor, p.line, p.col);
      return b;
    }),
  );
}

/** The language service's worker: the text's problems as it changes, and the editor's requests. */
const language = new LanguageClient((problems) => {
  showProblems(editor, problems);
  showProblemList(problems);
});
const checker = { schedule: (text: string, delay = CHECK_DELAY_MS) => language.schedule(text, delay) };

// ---------------------------------------------------------------- plots

const plots = $("plots");
let figures = 0;

function clearPlots(): void {
  plots.replaceChildren();
  figures = 0;
  showTab(currentTab);
}

/** Draws a figure of plot.show as a chart (the renderer and Vega load with the first one). */
async function showFigure(figure: unknown): Promise<void> {
  const box = document.createElement("div");
  box.className = "figure";
  plots.append(box);
  if (++figures === 1) showTab(currentTab);
  try {
    const { renderFigure } = await import("../../src/plot/render-browser.js");
    await renderFigure(box, figure);
  } catch (e) {
    box.textContent = `This figure cannot be drawn: ${messageOf(e)}`;
  }
}

// ---------------------------------------------------------------- running

const output = new ConsoleView($("output"), (line) => goToLine(editor, line));
let firstResult = true;
let runStarted = 0;

function setRunning(running: boolean): void {
  stopButton.disabled = !running;
  document.body.classList.toggle("running", running);
}

function run(): void {
  if (runButton.disabled) return;
  // a program still running ends first, and says so before the console is cleared
  runner.stop();
  output.clear();
  clearPlots();
  showTab("output");
  setRunning(true);
  status.textContent = "Running…";
  runStarted = performance.now();
  runner.run(editor.state.doc.toString(), LIMITS, {
    onMessage: onRunMessage,
    onStopped: () => {
      setRunning(false);
      output.note("Stopped.");
      status.textContent = "Stopped";
    },
  });
}

function onRunMessage(m: FromWorker): void {
  if (m.kind === "plot") {
    void showFigure(m.figure);
    return;
  }
  if (m.kind === "output") {
    output.write(m.text, m.stream);
    if (firstResult) {
      firstResult = false;
      output.flush();
      performance.mark("noodle:first-result");
    }
    return;
  }
  if (m.kind !== "done") return;
  setRunning(false);
  const took = `${Math.round(performance.now() - runStarted)} ms`;
  const pool = m.workers > 0 ? `, ${m.workers} workers` : "";
  const tier = "compiled" in m && m.compiled > 0 ? `, ${m.compiled} function${m.compiled === 1 ? "" : "s"} compiled` : "";
  if (m.ok) {
    output.flush();
    status.textContent = m.exitCode === undefined ? `Done in ${took}${pool}${tier}` : `Done: exited with ${m.exitCode} after ${took}${pool}${tier}`;
  } else if ("problems" in m) {
    output.note(`The program does not compile: ${m.problems.length} problem${m.problems.length === 1 ? "" : "s"}.`);
    showProblems(editor, m.problems);
    showProblemList(m.problems);
    showTab("problems");
    status.textContent = "Compile errors";
  } else {
    output.error(m.error.code, m.error.message, m.error.trace);
    status.textContent = `Failed with error ${m.error.code} after ${took}${tier}`;
  }
  if (firstResult) {
    firstResult = false;
    performance.mark("noodle:first-result");
  }
  afterFirstRun();
  if (storesPanel) void openStores();
}

runButton.onclick = run;
stopButton.onclick = () => runner.stop();

// ---------------------------------------------------------------- saving and loading

let autosave: Autosave | undefined;

function onConflict(theirs: Draft): void {
  say("This program was changed in another tab. Autosave is paused here so neither is overwritten.", [
    [
      "Load the other tab's version",
      () => {
        autosave?.acceptTheirs(theirs);
        setText(editor, theirs.text);
      },
    ],
    ["Keep mine (overwrite theirs)", () => void autosave?.keepMine(editor.state.doc.toString())],
  ]);
}

function onChange(text: string): void {
  autosave?.schedule(text);
  checker.schedule(text);
}

/** The program a share link in the URL carries, if any (a link that cannot be read says so). */
async function sharedText(): Promise<string | undefined> {
  if (!isShareFragment(location.hash)) return undefined;
  try {
    const text = await decodeShare(location.hash);
    history.replaceState(null, "", location.pathname + location.search);
    return text;
  } catch (e) {
    say(`error[9008]: ${messageOf(e).replace(/^this/, "This")}`);
    return undefined;
  }
}

/** A shared program replaced the saved one: offer it back until the user moves on. */
function keepPrevious(previous: string): void {
  say("Opened a shared program. Your previous program is not lost:", [["Bring it back", () => setText(editor, previous)]]);
}

// ---------------------------------------------------------------- the editor

// made before any control that uses it is wired
performance.mark("noodle:app-loaded");
// the saved draft and a shared program are read side by side; a shared program opens without
// waiting for the draft, which is only offered back
const opening = Autosave.open({ onConflict, onSaved: () => {} }).catch(() => {
  say("This browser does not let the page keep your program (IndexedDB is unavailable): save it with Share or copy it.");
  return undefined;
});
const draftLoaded = opening.then((a) => a?.load().catch(() => undefined));
const shared = await sharedText();
const startText = shared ?? (await draftLoaded)?.text ?? EXAMPLES.get("hello") ?? "";
const editor: EditorView = createEditor($("editor"), startText, { onChange, onRun: run, language });
performance.mark("noodle:editor-ready");
autosave = await opening;
if (shared !== undefined) {
  const draft = await draftLoaded;
  if (draft && draft.text !== shared) keepPrevious(draft.text);
  autosave?.schedule(shared);
}
showProblemList([]);

// ---------------------------------------------------------------- share, open, examples

$("share").onclick = async () => {
  const text = editor.state.doc.toString();
  const fragment = await encodeShare(text);
  if (fragment.length <= SHARE_LIMIT) {
    const url = `${location.origin}${location.pathname}${location.search}${fragment}`;
    const field = $<HTMLInputElement>("share-url");
    field.value = url;
    $("share-box").hidden = false;
    field.select();
    return;
  }
  const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(new Blob([text], { type: "text/plain" })), download: "program.nc" });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  say(
    `This program is too long for a link (${fragment.length} characters packed, the limit is ${SHARE_LIMIT}): it was saved as program.nc. Share the file; Open loads it.`,
  );
};
$("share-copy").onclick = () => void navigator.clipboard?.writeText($<HTMLInputElement>("share-url").value).then(() => (status.textContent = "Link copied"));
$("share-close").onclick = () => ($("share-box").hidden = true);

const fileInput = $<HTMLInputElement>("open-file");
$("open").onclick = () => fileInput.click();
fileInput.onchange = async () => {
  const file = fileInput.files?.[0];
  fileInput.value = "";
  if (!file) return;
  const refuse = (detail: string) => say(`error[9009]: ${formatError("CannotOpenProgram", { path: file.name, detail })}`);
  if (file.size > MAX_OPEN_BYTES) return refuse(`it is larger than ${MAX_OPEN_BYTES} bytes`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    return refuse("it is not UTF-8 text");
  }
  if (text.includes("\0")) return refuse("it is not text (it holds NUL characters)");
  setText(editor, text);
  status.textContent = `Opened ${file.name}`;
};

const examples = $<HTMLSelectElement>("examples");
for (const name of EXAMPLES.keys()) examples.append(new Option(name, name));
examples.onchange = () => {
  const text = EXAMPLES.get(examples.value);
  examples.value = "";
  if (text === undefined) return;
  setText(editor, text);
  status.textContent = "Example loaded (Ctrl+Z brings back what was there)";
};

// ---------------------------------------------------------------- start

let afterFirstRunDone = false;
/** Work kept off the way to the first result: checking, and the offline copy of the site. */
function afterFirstRun(): void {
  if (afterFirstRunDone) return;
  afterFirstRunDone = true;
  checker.schedule(editor.state.doc.toString(), 0);
  if (__OFFLINE_COPY__ && "serviceWorker" in navigator) void navigator.serviceWorker.register("./sw.js").catch(() => {});
}

void runner.ready().then(
  (isolated) => {
    runButton.disabled = false;
    status.textContent = isolated ? "Ready" : "Ready (tasks share no memory: the page is not cross-origin isolated)";
    // without a run, checking starts once the page has been idle a moment
    setTimeout(afterFirstRun, 2000);
  },
  (e: unknown) => {
    status.textContent = "Cannot run programs";
    say(`Programs cannot run in this browser: ${messageOf(e)}`);
  },
);
