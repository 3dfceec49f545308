// An actor whose handler awaits a message to itself can never answer: a deadlock (7004).
actor A { func f() { return await a.f() } }
let a = spawn A()
print(await a.f())
