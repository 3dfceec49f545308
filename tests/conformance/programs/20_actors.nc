// actors: private state, one message at a time in order, futures, supervision restarts
actor Account {
  var balance = 0
  var log = []
  func deposit(n) { balance += n; push(log, n); return balance }
  func withdraw(n) {
    if n > balance { throw error(4400, "insufficient funds") }
    balance -= n
    return balance
  }
  func history() { return log }
  func get() { return balance }
}
let acc = spawn Account()
print(type(acc), acc)
acc.deposit(10)
acc.deposit(20)
let f = acc.withdraw(5)
print(type(f))
print(await f, await acc.get(), await acc.history())
try { await acc.withdraw(1000) } catch e { print(e.code, e.message) }
print(await acc.get(), await acc.history())
actor Echo {
  func say(x) { return "echo ${x}" }
}
let e = spawn Echo()
let replies = await all([e.say(1), e.say(2), e.say(3)])
print(replies)
actor Counter {
  var n = 0
  func inc() { n += 1; return n }
}
let c = spawn Counter()
func bump(k) {
  var last = 0
  for i in 0..k { last = await c.inc() }
  return last
}
await all([spawn bump(5), spawn bump(5)])
print(await c.inc())
let send = acc.deposit
print(type(send))
print(await send(3))
