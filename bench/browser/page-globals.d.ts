// What the benchmark page and its driver (run.js, through Playwright) share on `window`.
interface Window {
  runBench(options: {
    suite: string | null;
    runs?: number;
    warmup?: number;
    cases?: string[];
    impls?: string[];
    alternate?: boolean;
    machine?: object;
  }): Promise<unknown>;
  /** Resolves with the browser and whether the page is cross-origin isolated. */
  benchReady: Promise<{ browser: string; version: string; crossOriginIsolated: boolean }>;
  /** Exposed by the driver: receives each JSON line. */
  benchEmit(line: string): Promise<void>;
  benchProgress?(text: string): Promise<void> | undefined;
}

interface Navigator {
  /** User-agent client hints (Chromium). */
  userAgentData?: { getHighEntropyValues(hints: string[]): Promise<{ fullVersionList: { brand: string; version: string }[] }> };
}
