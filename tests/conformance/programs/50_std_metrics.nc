// std/metrics: counters, gauges and histograms print as themselves; a name defined again with the
// same kind is the same series, with another kind 3019; the same from tasks, wherever they run.
import "std/metrics" as metrics

let done = metrics.counter("jobs_done_total", "Jobs done")
let depth = metrics.gauge("queue_depth", "Jobs waiting")
let sizes = metrics.histogram("job_size", "Job sizes", [1, 10, 100])
print(done, depth, sizes)
print(done.name, metrics.counter("jobs_done_total", "Jobs done").name)

func job(i) {
  metrics.counter("jobs_done_total", "Jobs done").inc(i)
  metrics.histogram("job_size", "Job sizes", [1, 10, 100]).observe(i * 10)
  try { metrics.gauge("jobs_done_total", "?") } catch e { return e.code }
  return 0
}
var fs = []
for i in 0..6 { fs = push(fs, spawn job(i)) }
print(await all(fs))

depth.set(3)
depth.inc()
depth.dec(2)
for bad in [() => metrics.counter("2fast", "?"), () => done.inc(-1), () => sizes.observe("big"), () => metrics.histogram("h", "?", [2, 1])] {
  try { bad() } catch e { print(e.code, e.message) }
}
