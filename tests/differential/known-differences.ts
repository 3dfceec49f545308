// Programs that print differently in a configuration today than in one VM, each a defect to fix:
// program (its path from the project's root, or `generated: FEATURE` for generated programs using
// that feature), configuration (a name from configurations.ts), and how it differs. They run as
// expected failures: when a fix makes one agree, its test turns red until its line goes.
// biome-ignore format: one line per known difference, so that a fix removes exactly its lines
export const KNOWN_DIFFERENCES: readonly (readonly [program: string, configuration: string, reason: string])[] = [
];

/** Why `program` differs in `configuration`, when it is known to. */
export function knownDifference(program: string, configuration: string): string | undefined {
  return KNOWN_DIFFERENCES.find(([p, c]) => p === program && c === configuration)?.[2];
}
