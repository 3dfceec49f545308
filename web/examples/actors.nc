// Actors keep private state and handle one message at a time, in order.
actor Account {
  var balance = 0
  func deposit(amount) {
    balance += amount
    return balance
  }
  func withdraw(amount) {
    if amount > balance { return false }
    balance -= amount
    return true
  }
  func get() { return balance }
}

let acct = spawn Account()
for i in 1..=10 { acct.deposit(i * 10) }
print("balance after deposits:", await acct.get())

print("withdraw 10000:", await acct.withdraw(10000))

// many senders at once: every message is applied exactly once
func client(k) { return await acct.withdraw(k) }
print("withdrawals:", await all([spawn client(100), spawn client(200), spawn client(200)]))
print("balance at the end:", await acct.get())

// a handler that throws fails its caller's future; the actor restarts with its initial state
actor Fragile {
  var calls = 0
  func poke() {
    calls += 1
    if calls == 2 { throw error(3006, "second poke") }
    return calls
  }
}
let f = spawn Fragile()
print("poke:", await f.poke())
try { await f.poke() } catch e { print("poke failed:", e.message) }
print("poke after the restart:", await f.poke())
