// The page's side of the language service, which runs in a Web Worker (noodle-worker.ts, in its
// checking role): the text's problems shortly after it changes, and completion, hover and go to
// definition when the editor asks. Started on first need; a stale check's answer is dropped.
import type { FromWorker, LanguageRequest, Problem } from "./protocol.js";

type Answer = Extract<FromWorker, { kind: "completed" | "hovered" | "defined" }>;
type AnswerTo<K extends LanguageRequest["kind"]> = Extract<Answer, { kind: { complete: "completed"; hover: "hovered"; definition: "defined" }[K] }>;

export class LanguageClient {
  private worker: Worker | undefined;
  private checkId = 0;
  private requestId = 0;
  private readonly waiting = new Map<number, (answer: Answer) => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onProblems: (problems: Problem[]) => void) {}

  /** Checks `text` after `delay` ms, unless it changes again before. */
  schedule(text: string, delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.post({ kind: "check", id: ++this.checkId, source: text }), delay);
  }

  request<K extends LanguageRequest["kind"]>(kind: K, source: string, offset: number): Promise<AnswerTo<K>> {
    const id = ++this.requestId;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve as (answer: Answer) => void);
      this.post({ kind, id, source, offset });
    });
  }

  private post(message: { kind: "check"; id: number; source: string } | LanguageRequest): void {
    if (!this.worker) {
      this.worker = new Worker(new URL("./noodle-worker.ts", import.meta.url), { type: "module", name: "check" });
      this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
        const m = e.data;
        if (m.kind === "checked") {
          if (m.id === this.checkId) this.onProblems(m.problems);
        } else if (m.kind === "completed" || m.kind === "hovered" || m.kind === "defined") {
          this.waiting.get(m.id)?.(m);
          this.waiting.delete(m.id);
        }
      };
    }
    this.worker.postMessage(message);
  }
}
