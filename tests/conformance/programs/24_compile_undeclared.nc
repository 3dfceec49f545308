// using a name never declared is compile error 2002; nothing runs
print("never printed")
let total = 1
print(totl + 1)
