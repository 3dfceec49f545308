// A timeout longer than any timer can wait never fires first, and says nothing about it.
func slow(x) { await sleep(5); return x * 2 }
var s = 0
for i in 0..20 { s += await timeout(spawn slow(i), 1e10) }
print(s)
