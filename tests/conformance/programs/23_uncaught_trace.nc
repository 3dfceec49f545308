// an uncaught error prints error[CODE]: MESSAGE and one "at" line per frame on stderr, exits 1;
// what was printed before stays printed
func level3(xs) { return xs[10] }
func level2(xs) { return level3(xs) + 1 }
func level1() { return level2([1, 2, 3]) }
print("start")
print("still here")
level1()
print("not reached")
