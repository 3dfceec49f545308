// 1.1: sleep(ms) returns a future that resolves to nil after ms milliseconds
let t = sleep(5)
print(type(t))
print(await t)
func nap(tag) {
  await sleep(1)
  return tag
}
print(await all([spawn nap("a"), spawn nap("b")]))
print(await sleep(0))
