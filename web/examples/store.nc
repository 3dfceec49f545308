// std/db keeps values in a store (in the browser: IndexedDB) and queries them with MQL.
// Open the Stores tab after running to see the store and query it.
import "std/db" as db

let s = db.open("examples.db")
s.transaction(() => {
  s.put("identity", eye(3), {"tag": "basic"})
  s.put("rotation", [0, -1; 1, 0], {"tag": "geometry"})
  s.put("scaling", [2, 0; 0, 3], {"tag": "geometry"})
  s.put("singular", [1, 2; 2, 4], {"tag": "basic"})
  s.put("notes", "matrices for the MQL example")
})

print("keys:", s.keys(""))
let rows = s.query(
  "SELECT key, det(value) AS d FROM objects WHERE type = 'matrix' AND rows = cols ORDER BY d DESC"
)
for r in rows {
  print(r["key"], "det =", r["d"])
}
let geo = s.query("SELECT key FROM objects WHERE meta(meta, 'tag') = ? ORDER BY key", ["geometry"])
print("tagged geometry:", map(geo, r => r["key"]))
s.close()
