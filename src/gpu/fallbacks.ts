// Why work that could have gone to the GPU stayed on the WebAssembly kernels: each reason counted,
// so gpu.info() and the library can say what happened and how often.

export const FALLBACK_REASONS = [
  "no adapter",
  "cannot wait",
  "software adapter",
  "f64",
  "unsupported operation",
  "too small",
  "measuring",
  "device lost",
] as const;

export type FallbackReason = (typeof FALLBACK_REASONS)[number];

export class Fallbacks {
  private readonly counts = new Map<FallbackReason, number>();

  count(reason: FallbackReason): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  /** The reasons met so far with how often, in the order of FALLBACK_REASONS. */
  report(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const reason of FALLBACK_REASONS) {
      const n = this.counts.get(reason);
      if (n) out[reason] = n;
    }
    return out;
  }
}
