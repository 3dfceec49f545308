// A store the program opened, held in a global, is usable from its tasks.
import "std/db" as db
let s = db.open("t.db")
func put(k) { s.put(k, k); return k }
print(await spawn put("a"))
print(s.get("a"))
