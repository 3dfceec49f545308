// 20 000 actors, one message each.
actor C {
  var hits = 0
  func hit() { hits += 1; return hits }
}
var fs = []
for i in 0..20000 {
  let c = spawn C()
  push(fs, c.hit())
}
print(sum(await all(fs)))
