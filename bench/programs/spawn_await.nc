// Round trips of an empty task: spawn it, await it, 100 000 times on one VM.
func nothing() { return nil }

func main() {
  var n = 0
  for i in 0..100000 {
    await spawn nothing()
    n += 1
  }
  return n
}

print(main())
