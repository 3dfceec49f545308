// The output console. Text arrives in batches from the running worker and is appended once per
// animation frame, however often it arrives; an error shows its code, message and trace, and a
// frame of the trace moves the editor to its line. Very long output keeps its last part.
import type { TraceLine } from "./protocol.js";

/** Characters the console keeps; older output is dropped (with a note) beyond this. */
const MAX_CHARS = 1_000_000;

export class ConsoleView {
  private pending: { text: string; cls: string }[] = [];
  private frame = 0;
  private chars = 0;
  private dropped: HTMLElement | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly goTo: (line: number) => void,
  ) {}

  clear(): void {
    this.pending = [];
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.chars = 0;
    this.dropped = undefined;
    this.root.replaceChildren();
  }

  write(text: string, stream: "stdout" | "stderr"): void {
    this.pending.push({ text, cls: stream });
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Appends what is pending now (also before a final message, so order is kept). */
  flush(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.pending.length === 0) return;
    // one element per stream and frame, so trimming drops the oldest frames' text first
    let last: HTMLSpanElement | undefined;
    for (const { text, cls } of this.pending) {
      if (last?.className === cls) last.append(text);
      else this.root.append((last = Object.assign(document.createElement("span"), { className: cls, textContent: text })));
      this.chars += text.length;
    }
    this.pending = [];
    this.trim();
    this.root.scrollTop = this.root.scrollHeight;
  }

  /** Keeps the last MAX_CHARS characters of output, after a note that earlier ones were dropped. */
  private trim(): void {
    if (this.chars <= MAX_CHARS) return;
    if (!this.dropped) {
      this.dropped = Object.assign(document.createElement("div"), { className: "note", textContent: "… earlier output was dropped" });
      this.root.prepend(this.dropped);
    }
    let first = this.dropped.nextElementSibling;
    while (first?.nextElementSibling && this.chars > MAX_CHARS) {
      const next = first.nextElementSibling;
      this.chars -= first.textContent?.length ?? 0;
      first.remove();
      first = next;
    }
    if (first && this.chars > MAX_CHARS) {
      // what is left is one frame's text, longer than the whole: keep its end
      const text = first.textContent ?? "";
      first.textContent = text.slice(this.chars - MAX_CHARS);
      this.chars = MAX_CHARS;
    }
  }

  error(code: number, message: string, trace: TraceLine[]): void {
    this.flush();
    const box = document.createElement("div");
    box.className = "run-error";
    box.dataset.code = String(code);
    box.append(Object.assign(document.createElement("div"), { className: "error-head", textContent: `error[${code}]: ${message}` }));
    for (const t of trace) {
      const line = t.line;
      if (line !== undefined && t.file === "main.nc") {
        const a = Object.assign(document.createElement("button"), { type: "button", className: "frame", textContent: t.text.trim() });
        a.title = `Go to line ${line}`;
        a.onclick = () => this.goTo(line);
        box.append(a);
      } else box.append(Object.assign(document.createElement("div"), { className: "frame", textContent: t.text.trim() }));
    }
    this.root.append(box);
    this.root.scrollTop = this.root.scrollHeight;
  }

  note(text: string): void {
    this.flush();
    this.root.append(Object.assign(document.createElement("div"), { className: "note", textContent: text }));
    this.root.scrollTop = this.root.scrollHeight;
  }
}
