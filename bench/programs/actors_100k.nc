// Placing actors at scale: spawn 100 000 actors, send each one message, then await all the
// answers. With a pool attached (tasks on) the actors live on the workers.
actor Cell {
  var hits = 0
  func hit(k) {
    hits += 1
    return k + hits
  }
}

func main() {
  var fs = []
  for i in 0..100000 {
    let c = spawn Cell()
    push(fs, c.hit(i))
  }
  return sum(await all(fs))
}

print(main())
