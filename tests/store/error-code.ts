// The code of the error a call throws (undefined when it throws none, or an error without one).
export function codeOf(f: () => unknown): number | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: number }).code;
  }
  return undefined;
}
