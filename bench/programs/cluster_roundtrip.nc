// Round trips of an empty task to a cluster's node: with a cluster attached, `spawn nothing()`
// runs on a node and is awaited before the next. 500 warm up, then 2 000 are timed one by one
// into `latencies` (ms); the output is their count.
func nothing() { return nil }

var latencies = []

func main() {
  for i in 0..500 { await spawn nothing() }
  // kept in a local until the end: the globals a task can reach travel with it when they change
  var times = []
  var n = 0
  for i in 0..2000 {
    let t0 = clock()
    await spawn nothing()
    times = push(times, clock() - t0)
    n += 1
  }
  latencies = times
  return n
}

print(main())
