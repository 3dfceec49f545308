// A task may open a store of its own.
import "std/db" as db
func count(path) {
  let s = db.open(path)
  s.put("n", 1)
  return s.get("n")
}
print(await spawn count("task.db"))
