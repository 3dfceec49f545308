// The GPU worker of a VM's thread in Node: a thread that relays each operation from the shared
// buffer to the GPU process (gpu-process.ts) and its result back, waking the VM's thread, which
// waits with Atomics.wait. The VM's thread never waits for ever: a process that ends fails the
// operation at once and the device is lost, and a process that finds no adapter in time is ended.
import type { FromGpu, FromGpuProcess, ToGpu, ToGpuProcess } from "../gpu/protocol.js";
import { SharedAnswers } from "../gpu/shared-answers.js";

/** How long the GPU process may take to load and find its adapter before it counts as none. */
export const ACQUIRE_TIMEOUT_MS = 60_000;

/** The GPU process as the relay sees it. */
export interface GpuProcess {
  send(m: ToGpuProcess): void;
  onMessage(handler: (m: FromGpuProcess) => void): void;
  /** It ended, its stderr read to the end: how (an exit code or a signal), and what Dawn said there. */
  onEnd(handler: (how: string, said: string[]) => void): void;
  /** Lets it go: it ends by itself. */
  release(): void;
  /** Ends it now. */
  kill(): void;
}

type GpuOp = Extract<ToGpu, { t: "op" }>;

export class GpuRelay {
  private readonly answers = new SharedAnswers();
  private state: "starting" | "ready" | "ended" = "starting";
  /** Why there is no adapter, once the process said so or did not answer in time. */
  private none: string | undefined;
  /** The operation the process computes now: the VM's thread waits for one at a time. */
  private pending: GpuOp | undefined;
  /** The slots of the measurements the process is timing: failed, if it ends first. */
  private readonly measuring = new Set<number>();
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(
    private readonly post: (m: FromGpu) => void,
    private readonly gpu: GpuProcess,
    acquireTimeoutMs = ACQUIRE_TIMEOUT_MS,
  ) {
    this.timer = setTimeout(() => {
      this.none = `no adapter: the GPU process found none in ${acquireTimeoutMs / 1000} s`;
      gpu.kill();
    }, acquireTimeoutMs);
    gpu.onMessage((m) => this.fromProcess(m));
    gpu.onEnd((how, said) => this.ended(how, said));
  }

  /** A message from the VM's thread. */
  receive(m: ToGpu): void {
    if (m.t === "destroy") {
      if (this.state === "ready") this.gpu.send(m);
      return;
    }
    if (m.t === "measure") {
      this.answers.measuring(m);
      if (this.state !== "ready") return this.answers.measured(m.slot, undefined);
      this.measuring.add(m.slot);
      this.gpu.send({ t: "measure", measure: m.measure, slot: m.slot });
      return;
    }
    const call = this.answers.call(m);
    if (this.state !== "ready") return this.answers.answer(m, undefined);
    this.pending = m;
    this.gpu.send({ t: "op", call });
  }

  private fromProcess(m: FromGpuProcess): void {
    if (m.t === "measured") {
      this.measuring.delete(m.slot);
      this.answers.measured(m.slot, m.ms);
    } else if (m.t === "done" || m.t === "failed") {
      const op = this.pending;
      this.pending = undefined;
      if (op) this.answers.answer(op, m.t === "done" ? m.values : undefined);
    } else if (m.t === "ready") {
      clearTimeout(this.timer);
      this.state = "ready";
      this.post(m);
    } else if (m.t === "none") {
      // said once the process has ended, with what Dawn wrote on the way
      clearTimeout(this.timer);
      this.none = m.reason;
      this.gpu.release();
    } else this.post(m);
  }

  private ended(how: string, said: string[]): void {
    clearTimeout(this.timer);
    const before = this.state;
    this.state = "ended";
    if (before === "starting") {
      const reason = this.none ?? `no adapter: the GPU process ended before it found one (${how})`;
      this.post({ t: "none", reason: said.length > 0 ? `${reason} (Dawn: ${said.join("; ")})` : reason });
      return;
    }
    if (before !== "ready") return;
    const reason = `device lost: the GPU process ended (${how})`;
    this.post({ t: "lost", reason });
    const op = this.pending;
    this.pending = undefined;
    if (op) this.answers.answer(op, undefined);
    for (const slot of this.measuring) this.answers.measured(slot, undefined);
    this.measuring.clear();
  }
}

/** Dawn's own lines among a process's stderr ("Warning: ...", "Error: ..."), the first few, for a reason. */
export function dawnSaid(stderr: string, most = 3): string[] {
  const lines = stderr.split("\n").filter((l) => /^(Warning|Error): /.test(l));
  return [...new Set(lines)].slice(0, most).map((l) => (l.length > 160 ? `${l.slice(0, 157)}...` : l));
}
