// return outside a function is compile error 2006
print(1)
if true { return 5 }
