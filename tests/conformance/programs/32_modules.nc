// imports run a module once, give its exports through the alias, resolve paths from the importing file
import "lib/shapes.nc" as shapes
import "lib/helpers.nc" as helpers
import "lib/shapes.nc" as again
print("main starts")
let r = shapes.make(2, 3)
print(r, shapes.area(r), shapes.squareArea(5), shapes.sides)
print(helpers.square(7), helpers.UNIT)
again.make(1, 1)
print(shapes.made, again.made)
let big = shapes.Rect { w: 10, h: 10 }
print(shapes.area(big), type(big), big == again.Rect { w: 10, h: 10 })
