// only false and nil are false; and/or return an operand; not returns a bool
func show(v) {
  if v { return "truthy" } else { return "falsy" }
}
print(show(0), show(""), show([]), show({}), show(nil), show(false), show(true), show(0 / 1))
print(nil or "x", false or nil, 0 or "x", "a" and "b", nil and 1, false and 1, 1 and nil)
print(not nil, not 0, not "", !true, !false, not not 5)
print(true && false, true || false, nil || 2, 3 && 4)
var calls = 0
func touch(v) { calls += 1; return v }
let r1 = false and touch(1)
let r2 = true or touch(2)
let r3 = nil || touch(3)
print(r1, r2, r3, calls)
print(not 1 == 2, not (1 == 2), true or false and false, (true or false) and false)
