// flags: --max-steps 10000000
// The step budget is the program's: an awaited task that never ends exhausts it (4002).
func spin() { while true { } }
print(await spawn spin())
