// The project's conformance programs whose features are not built yet, with what they wait for.
// They run as expected failures: when a feature lands its program passes, the run turns red, and
// the entry must go.
export const AWAITING = new Map<string, string>([]);
