// What a run of a program gives, and how two runs differ, in one line.

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  /** The run did not end within its time and was killed: a difference whatever it printed. */
  hung?: boolean;
}

/** Text shortened to `max` characters, with line ends shown. */
function brief(text: string, max = 120): string {
  const shown = JSON.stringify(text);
  return shown.length > max ? shown.slice(0, max - 4) + `..."` : shown;
}

/** The first line where two texts part, with that line of each. */
function firstDifference(want: string, got: string): string {
  const a = want.split("\n");
  const b = got.split("\n");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const lineOf = (lines: string[]) => (i < lines.length ? brief(lines[i]) : "(ends)");
  return `line ${i + 1}: ${lineOf(a)} -> ${lineOf(b)}`;
}

/** How `got` differs from the reference `want`, in one line; undefined when they are the same. */
export function difference(want: Outcome, got: Outcome, timeoutMs: number): string | undefined {
  const parts: string[] = [];
  if (got.hung) parts.push(`did not end within ${timeoutMs / 1000} s`);
  else if (want.hung) parts.push("the reference run did not end");
  else if (got.code !== want.code) parts.push(`exit ${want.code} -> ${got.code}`);
  if (got.stdout !== want.stdout) parts.push(`stdout ${firstDifference(want.stdout, got.stdout)}`);
  if (got.stderr !== want.stderr) parts.push(`stderr ${firstDifference(want.stderr, got.stderr)}`);
  return parts.length > 0 ? parts.join("; ") : undefined;
}
