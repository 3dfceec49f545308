// Actor call latency across workers: with a pool attached, the actor lives on a worker and each
// call, awaited before the next, crosses threads both ways. 2 000 calls warm up, then 5 000 are
// timed one by one into `latencies` (ms); the output is the sum of the replies.
actor Echo {
  func echo(x) { return x }
}

var latencies = []

func main() {
  let a = spawn Echo()
  for i in 0..2000 { await a.echo(i) }
  // kept in a local until the end, as in spawn_await_workers.nc
  var times = []
  var sum = 0
  for i in 0..5000 {
    let t0 = clock()
    sum += await a.echo(i)
    times = push(times, clock() - t0)
  }
  latencies = times
  return sum
}

print(main())
