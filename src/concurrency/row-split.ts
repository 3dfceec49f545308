// How the rows of a matrix product are shared: contiguous blocks, as even as the kernel's
// 4-row tiles allow (each share then runs whole tiles but for the last).

/** [start, end) row ranges for up to `parts` shares of `rows` rows; empty shares are dropped. */
export function splitRows(rows: number, parts: number): [number, number][] {
  const per = Math.ceil(rows / parts / 4) * 4 || 4;
  const out: [number, number][] = [];
  for (let r = 0; r < rows; r += per) out.push([r, Math.min(rows, r + per)]);
  return out;
}
