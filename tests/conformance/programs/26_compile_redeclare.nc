// redeclaring a name in the same scope is compile error 2004
var a = 1
print(a)
let a = 2
