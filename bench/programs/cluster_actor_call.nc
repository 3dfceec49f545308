// Actor call latency across machines: with a cluster attached, the actor lives on a node and each
// call, awaited before the next, goes there and back. 500 calls warm up, then 2 000 are timed
// one by one into `latencies` (ms); the output is the sum of the replies.
actor Echo {
  func echo(x) { return x }
}

var latencies = []

func main() {
  let a = spawn Echo()
  for i in 0..500 { await a.echo(i) }
  var times = []
  var sum = 0
  for i in 0..2000 {
    let t0 = clock()
    sum += await a.echo(i)
    times = push(times, clock() - t0)
  }
  latencies = times
  return sum
}

print(main())
