// Estimating pi with tasks: each task throws darts with its own seed, and the tasks run on a
// pool of workers. The estimate is the same on every run (the seeds fix the random numbers).
func darts(seed, n) {
  let points = rand(n, 2, seed)
  var inside = 0
  for i in 0..n {
    let x = points[i, 0]
    let y = points[i, 1]
    if x * x + y * y <= 1 { inside += 1 }
  }
  return inside
}

let tasks = 8
let per = 20000
var futures = []
for t in 0..tasks {
  push(futures, spawn darts(t + 1, per))
}
let counts = await all(futures)
let inside = sum(counts)
print("darts inside the quarter circle, by task:", counts)
print("pi is about", 4 * inside / (tasks * per))
