// break outside a loop is compile error 2005
func f() {
  break
}
print(1)
