// An error raised by a pmap'd function has one VM's trace on workers too, caught or not, at any depth.
func bad(i) { if i == 5 { throw error(3006, "five") } return i }
try { print(pmap(range(0, 8), bad)) } catch e { print(e.code, e.message); print(e.trace) }
func deep(i) { return pmap([i, i + 1], bad) }
print(pmap([0, 4], deep))
