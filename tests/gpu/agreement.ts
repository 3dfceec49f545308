// How GPU results are compared with WebAssembly's: every printed number, within a relative bound.
import { expect } from "vitest";

/** Printed numbers, line by line: each line's numbers. */
export function numbers(out: string): number[][] {
  return out
    .trim()
    .split("\n")
    .map((line) => (line.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? []).map(Number));
}

export function expectClose(gpu: string, wasm: string, relative = 1e-5): void {
  const g = numbers(gpu);
  const w = numbers(wasm);
  expect(g.map((l) => l.length)).toEqual(w.map((l) => l.length));
  g.forEach((line, i) =>
    line.forEach((x, j) => {
      const y = w[i][j];
      expect(Math.abs(x - y), `line ${i + 1}, number ${j + 1}: ${x} against ${y}`).toBeLessThanOrEqual(relative * Math.max(Math.abs(y), 1e-30));
    }),
  );
}
