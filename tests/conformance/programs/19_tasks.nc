// spawn, await (anywhere, the top level included), all, async func, errors re-thrown at await
func work(n) {
  var s = 0
  for i in 1..=n { s += i }
  return s
}
let t = spawn work(100)
print(type(t))
print(await t, await t)
let many = await all([spawn work(1), spawn work(2), spawn work(3), 42])
print(many)
print(await all([]))
async func twice(x) { return x * 2 }
let f = twice(21)
print(type(f), await f)
print(await spawn twice(5))
func nested(n) {
  let inner = spawn work(n)
  return await inner + 1
}
print(await spawn nested(4))
func fail(code) { throw error(code, "task ${code} failed") }
try { await spawn fail(4301) } catch e { print(e.code, e.message) }
try { await all([spawn work(2), spawn fail(4302)]) } catch e { print(e.code, e.message) }
let failing = spawn fail(4303)
try { await failing } catch e { print("first", e.code) }
try { await failing } catch e { print("again", e.code) }
let results = []
for i in 0..3 { push(results, spawn work(i * 10)) }
print(await all(results))
