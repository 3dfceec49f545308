// rows of unequal length in a matrix literal are compile error 2001
print("never printed")
let M = [1, 2; 3]
