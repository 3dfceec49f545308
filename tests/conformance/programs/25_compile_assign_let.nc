// assigning a let binding is compile error 2003
let limit = 10
func raise() { limit = 20 }
print(limit)
