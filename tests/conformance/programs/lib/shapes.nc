// a module: its top-level let, var, func and struct names are its exports
import "helpers.nc" as h
struct Rect { w: number, h: number }
func area(r) { return r.w * r.h }
func squareArea(side) { return h.square(side) }
let sides = 4
var made = 0
func make(w, hh) {
  made += 1
  return Rect { w: w, h: hh }
}
print("shapes loaded")
