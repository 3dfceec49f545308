// A task nobody awaits still runs before the program ends.
func w(n) { print("task", n); return n }
spawn w(1)
print("main")
