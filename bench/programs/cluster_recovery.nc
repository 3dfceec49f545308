// Recovery of an actor whose node dies: the program prints the node its actor lives on (the
// benchmark then kills that node), calls it until it answers from another node (calls in flight
// to the dead node fail with 7001), and prints the wall-clock time of that first answer.
import "std/cluster" as cluster
import "std/sys" as sys

actor Where {
  func here() { return cluster.here() }
}

let a = spawn Where()
let first = await a.here()
print(first)
var moved = false
while not moved {
  try {
    moved = await a.here() != first
  } catch e {
    if e.code != 7001 { throw e }
  }
  if not moved { await sleep(5) }
}
print("moved")
print(sys.now())
