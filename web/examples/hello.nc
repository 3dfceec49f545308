// Welcome to Noodle. Press Run (or Ctrl+Enter) to run this program.
func greet(name) {
  return "Hello, ${name}!"
}

print(greet("Noodle"))

var total = 0
for i in 1..=10 {
  total += i * i
}
print("sum of the first 10 squares:", total)

let scores = {"ada": 36, "alan": 41, "grace": 45}
for name, score in scores {
  print("${name} scored ${score}")
}
print(sort(values(scores)), map([1, 2, 3], x => x * 10))
