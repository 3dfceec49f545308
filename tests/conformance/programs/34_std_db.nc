// std/db in memory: put, get, has, delete, keys, transactions with savepoints, MQL queries
import "std/db" as db
let s = db.open()
s.put("A", [1, 2; 3, 4], {"tag": "demo"})
s.put("B", [2, 0; 0, 5], {"tag": "demo"})
s.put("C", [1, 2, 3;])
s.put("list", [1, "two", nil, {"k": true}])
s.put("note", "hello")
print(s.get("A"), s.get("list"), s.get("note"))
print(s.has("A"), s.has("zzz"), s.keys("l"), len(s.keys("")))
let got = s.get("A")
got[0, 0] = 100
print(s.get("A")[0, 0])
try { s.get("missing") } catch e { print(e.code) }
s.delete("note")
print(s.has("note"))
s.transaction(() => {
  s.put("x", 1)
  s.put("y", 2)
})
print(s.get("x") + s.get("y"))
try {
  s.transaction(() => {
    s.put("x", 100)
    throw error(4600, "abort")
  })
} catch e { print(e.code, s.get("x")) }
s.transaction(() => {
  s.put("outer", 1)
  try {
    s.transaction(() => {
      s.put("inner", 2)
      throw error(4601, "inner fails")
    })
  } catch e { print("inner rolled back", e.code) }
})
print(s.has("outer"), s.has("inner"))
let rows = s.query("SELECT key, det(value) AS d FROM objects WHERE type = 'matrix' AND rows = cols ORDER BY d DESC LIMIT ?", [5])
print(rows)
print(s.query("SELECT key, trace(value) AS t, meta(meta, 'tag') AS tag FROM objects WHERE key < 'C' ORDER BY key"))
print(s.query("SELECT key, elem(value, 0, 2) AS e FROM objects WHERE key = 'C'"))
print(s.query("SELECT count(*) AS n FROM objects WHERE type = 'matrix'"))
try { s.query("DELETE FROM objects") } catch e { print(e.code) }
try { s.query("SELECT key FROM objects WHERE") } catch e { print(e.code) }
try { s.put("f", x => x) } catch e { print(e.code >= 8000 and e.code < 9000) }
s.close()
