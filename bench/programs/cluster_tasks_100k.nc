// Throughput of tiny tasks on a cluster: spawn 100 000, then await them all at once; with a
// cluster attached every one runs on a node.
func tiny(i) { return i }

func main() {
  var fs = []
  for i in 0..100000 { push(fs, spawn tiny(i)) }
  return sum(await all(fs))
}

print(main())
