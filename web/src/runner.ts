// Runs programs in Web Workers. A spare worker is started ahead of need (it loads the compiler
// and makes its VM while the user types), so Run starts at once; each run uses up its worker,
// and Stop terminates it: the program ends wherever it is, its pool of workers with it.
import type { FromWorker, RunLimits } from "./protocol.js";

export interface RunHandlers {
  onMessage(message: FromWorker): void;
  /** The run ended because Stop was pressed. */
  onStopped(): void;
}

function startWorker(name: string): Worker {
  return new Worker(new URL("./noodle-worker.ts", import.meta.url), { type: "module", name });
}

export class Runner {
  private spare: { worker: Worker; ready: Promise<boolean> } | undefined;
  private running: { worker: Worker; handlers: RunHandlers } | undefined;

  constructor() {
    this.prepare();
  }

  /** Whether the page is cross-origin isolated as the spare worker sees it (resolves when it is ready). */
  ready(): Promise<boolean> {
    return this.spare!.ready;
  }

  private prepare(): void {
    const worker = startWorker("run");
    const ready = new Promise<boolean>((resolve) => {
      worker.onmessage = (e: MessageEvent<FromWorker>) => {
        if (e.data.kind === "ready") resolve(e.data.crossOriginIsolated);
      };
    });
    this.spare = { worker, ready };
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  run(source: string, limits: RunLimits, handlers: RunHandlers): void {
    this.stop();
    const { worker } = this.spare!;
    this.running = { worker, handlers };
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      if (this.running?.worker !== worker || e.data.kind === "ready") return;
      if (e.data.kind === "done") {
        this.running = undefined;
        worker.terminate();
      }
      handlers.onMessage(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      if (this.running?.worker !== worker) return;
      this.running = undefined;
      worker.terminate();
      handlers.onMessage({
        kind: "done",
        ok: false,
        workers: 0,
        error: { code: 1002, message: "internal error: the program's worker failed to start", trace: [] },
      });
    };
    worker.postMessage({ kind: "run", source, file: "main.nc", limits });
    this.prepare();
  }

  /** Ends the running program at once; false when nothing was running. */
  stop(): boolean {
    const r = this.running;
    if (!r) return false;
    this.running = undefined;
    r.worker.terminate();
    r.handlers.onStopped();
    return true;
  }
}
