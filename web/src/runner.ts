// Runs programs in Web Workers. A spare worker is started ahead of need (it loads the compiler
// and makes its VM while the user types), so Run starts at once; each run uses up its worker,
// and Stop terminates it: the program ends wherever it is, its pool of workers with it. The
// next spare starts a moment after a run begins (not during its first steps, which it would
// slow), or at once when the run is stopped.
import { formatError } from "../../src/errors/table.js";
import type { FromWorker, RunLimits } from "./protocol.js";

/** How long a run has the machine to itself before the next spare worker starts loading. */
const SPARE_DELAY_MS = 300;

export interface RunHandlers {
  onMessage(message: FromWorker): void;
  /** The run ended because Stop was pressed. */
  onStopped(): void;
}

interface Spare {
  worker: Worker;
  ready: Promise<boolean>;
}

function startWorker(name: string): Worker {
  return new Worker(new URL("./noodle-worker.ts", import.meta.url), { type: "module", name });
}

export class Runner {
  private spare: Spare | undefined;
  private spareTimer: ReturnType<typeof setTimeout> | undefined;
  private running: { worker: Worker; handlers: RunHandlers } | undefined;
  private readonly firstReady: Promise<boolean>;

  constructor() {
    this.firstReady = this.prepare().ready.then((isolated) => {
      // the first load's milestone, for the benchmark (bench/browser/playground.js)
      performance.mark("noodle:run-worker-ready");
      return isolated;
    });
  }

  /** Resolves when the first worker has loaded: whether the page is cross-origin isolated. */
  ready(): Promise<boolean> {
    return this.firstReady;
  }

  private prepare(): Spare {
    clearTimeout(this.spareTimer);
    this.spareTimer = undefined;
    const worker = startWorker("run");
    const ready = new Promise<boolean>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<FromWorker>) => {
        if (e.data.kind === "ready") resolve(e.data.crossOriginIsolated);
        else if (e.data.kind === "unavailable") reject(new Error(e.data.message));
      };
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message || "its script did not load"));
      };
    });
    ready.catch(() => {});
    this.spare = { worker, ready };
    return this.spare;
  }

  run(source: string, limits: RunLimits, handlers: RunHandlers): void {
    this.stop();
    const { worker } = this.spare ?? this.prepare();
    this.spare = undefined;
    this.running = { worker, handlers };
    const end = (): void => {
      this.running = undefined;
      worker.terminate();
      if (!this.spare) this.prepare();
    };
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      if (this.running?.worker !== worker || e.data.kind === "ready") return;
      if (e.data.kind === "unavailable") {
        end();
        const message = formatError("InternalError", { detail: `the VM could not load: ${e.data.message}` });
        handlers.onMessage({ kind: "done", ok: false, workers: 0, compiled: 0, error: { code: 1002, message, trace: [] } });
        return;
      }
      if (e.data.kind === "done") end();
      handlers.onMessage(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      if (this.running?.worker !== worker) return;
      end();
      const message = formatError("InternalError", { detail: "the program's worker failed to start" });
      handlers.onMessage({ kind: "done", ok: false, workers: 0, compiled: 0, error: { code: 1002, message, trace: [] } });
    };
    // the worker takes the message once it has loaded, if it has not yet
    worker.postMessage({ kind: "run", source, file: "main.nc", limits });
    this.spareTimer = setTimeout(() => this.prepare(), SPARE_DELAY_MS);
  }

  /** Ends the running program at once; false when nothing was running. */
  stop(): boolean {
    const r = this.running;
    if (!r) return false;
    this.running = undefined;
    r.worker.terminate();
    if (!this.spare) this.prepare();
    r.handlers.onStopped();
    return true;
  }
}
