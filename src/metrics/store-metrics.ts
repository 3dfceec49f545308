// The series of a program's stores (std/db): transactions made durable, and how long each commit
// took, from its start to the log synced. Counted as they happen: a commit is rare beside a scrape.
import type { MetricsRegistry } from "./registry.js";

/** Commit latency buckets (seconds): a memory store takes microseconds, a file store's sync milliseconds. */
const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** What a store calls after each commit (ms), counting it in `registry`. */
export function storeCommits(registry: MetricsRegistry): (ms: number) => void {
  const commits = registry.counter("noodle_store_commits_total", "Transactions of std/db stores made durable");
  const seconds = registry.histogram("noodle_store_commit_seconds", "Time from a commit's start to its record synced", BUCKETS);
  return (ms) => {
    commits.inc();
    seconds.observe(ms / 1000);
  };
}
