// imported by shapes.nc as "helpers.nc": a path relative to the importing file
func square(x) { return x * x }
let UNIT = 1
print("helpers loaded")
