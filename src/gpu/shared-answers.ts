// The GPU worker's side of the shared buffer it shares with the VM's thread: an operation's
// inputs read out of it, and its result written into it before the waiting thread is woken; and
// the measurements buffer, where the GPU's time of each of auto's measurements is left for the
// VM's thread to find (it does not wait for them).
import { CONTROL_BYTES, DONE, FAILED, type GpuCall, MEASURE_SLOTS, type ToGpu } from "./protocol.js";

type GpuOp = Extract<ToGpu, { t: "op" }>;

export class SharedAnswers {
  private shared: SharedArrayBuffer | undefined;
  private slots: SharedArrayBuffer | undefined;

  /** The operation to compute, with the elements to upload copied out of the shared buffer. */
  call(m: GpuOp): GpuCall {
    if (m.shared) this.shared = m.shared;
    const inputs = m.inputs.map(({ id, offset, length }) =>
      offset === undefined ? { id } : { id, elements: new Float32Array(this.shared!, CONTROL_BYTES + offset * 4, length).slice() },
    );
    return { work: m.work, op: m.op, x: m.x, dims: m.dims, inputs, resultId: m.result.id, drop: m.drop };
  }

  /** Writes the result of `m` (undefined: it failed) and wakes the VM's thread. */
  answer(m: GpuOp, values: Float32Array | undefined): void {
    const control = new Int32Array(this.shared!, 0, 1);
    if (values) new Float32Array(this.shared!, CONTROL_BYTES + m.result.offset * 4, m.result.length).set(values);
    Atomics.store(control, 0, values ? DONE : FAILED);
    Atomics.notify(control, 0);
  }

  /** Takes the measurements buffer, when a measurement brings it. */
  measuring(m: Extract<ToGpu, { t: "measure" }>): void {
    if (m.slots) this.slots = m.slots;
  }

  /** Leaves the GPU's time of the measurement in `slot` (undefined: it failed). */
  measured(slot: number, ms: number | undefined): void {
    if (!this.slots) return;
    if (ms !== undefined) new Float64Array(this.slots, MEASURE_SLOTS * 4, MEASURE_SLOTS)[slot] = ms;
    Atomics.store(new Int32Array(this.slots, 0, MEASURE_SLOTS), slot, ms === undefined ? FAILED : DONE);
  }
}
