// flags: --max-memory 64m
// The memory cap is the program's: a pmap'd function that grows without end hits it (4001).
func bomb(i) { var xs = []; while true { push(xs, [1, 2, 3, 4, 5, 6, 7, 8]) } }
print(pmap(range(0, 8), bomb))
