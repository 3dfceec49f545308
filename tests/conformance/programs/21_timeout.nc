// timeout(f, ms) settles as f does, or fails with 7002 when f cannot settle first
func quick(x) { return x + 1 }
print(await timeout(spawn quick(1), 60000))
actor Gate {
  func ask() { return await gate.other() }
  func other() { return "never reached in time" }
}
let gate = spawn Gate()
try {
  await timeout(gate.ask(), 50)
} catch e {
  print(e.code)
}
let fast = await all([timeout(spawn quick(10), 60000), spawn quick(20)])
print(fast)
print("after the timeout")
