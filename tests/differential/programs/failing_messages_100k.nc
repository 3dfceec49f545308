// 100 000 messages nobody awaits to an actor whose handler throws: the supervisor stops the actor
// after its restarts, the other messages fail unobserved, and the program ends.
actor X { func f() { throw error(4242, "no") } }
let x = spawn X()
for i in 0..100000 { x.f() }
print("done")
