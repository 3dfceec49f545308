// Actor call latency: 100 000 messages to one actor, each awaited before the next is sent.
actor Counter {
  var count = 0
  func inc() {
    count += 1
    return count
  }
}

func main() {
  let c = spawn Counter()
  var last = 0
  for i in 0..100000 { last = await c.inc() }
  return last
}

print(main())
