// region: values made inside that do not escape are freed at its end; escaping ones live on
var kept = []
var sum = 0
for i in 0..500 {
  region {
    let M = ones(16, 16) * i
    let scratch = map(range(0, 50), x => [x, str(x)])
    sum += M[3, 3] + len(scratch)
    if i % 100 == 0 { push(kept, [i, M[0:1, 0:2], {"i": str(i)}]) }
  }
}
print(sum, len(kept))
print(kept[0], kept[4])
var last = nil
region {
  last = {"made": "inside", "list": [1, 2, 3]}
}
print(last)
func build() {
  var out = nil
  region { out = [1, 2; 3, 4] * 2 }
  return out
}
print(build())
