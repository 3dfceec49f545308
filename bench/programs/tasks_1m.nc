// Throughput of tiny tasks at scale: spawn 1 000 000, then await them all at once.
func tiny(i) { return i }

func main() {
  var fs = []
  for i in 0..1000000 { push(fs, spawn tiny(i)) }
  return sum(await all(fs))
}

print(main())
