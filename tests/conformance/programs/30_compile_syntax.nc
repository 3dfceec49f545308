// a syntax error is 2001, and every error of the file is reported
print("never printed")
let x = (1 + 
let y = 2
print(undeclared)
