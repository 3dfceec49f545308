// Categories, functors and natural transformations with std/category.
import "std/category" as cat

let C = cat.category({
  "objects": ["A", "B", "C"],
  "arrows": {"f": ["A", "B"], "g": ["B", "C"], "h": ["A", "C"]},
  "compose": {"g.f": "h"}
})
print(C)
print("g after f is", cat.compose(C, "g", "f"))
print("dom f =", cat.dom(C, "f"), " cod f =", cat.cod(C, "f"), " id A =", cat.id(C, "A"))

let D = cat.category({
  "objects": ["X", "Y", "Z"],
  "arrows": {"p": ["X", "Y"], "q": ["Y", "Z"], "r": ["X", "Z"]},
  "compose": {"q.p": "r"}
})
let F = cat.functor(
  C,
  D,
  {"A": "X", "B": "Y", "C": "Z"},
  {"f": "p", "g": "q", "h": "r"},
  {"name": "F"}
)
print(F, "sends f to", cat.farrow(F, "f"), "and A to", cat.fobj(F, "A"))

let alpha = cat.identity_nat(F)
print(alpha, "has component", cat.component(alpha, "A"), "at A")

// a broken law is an error with its code
try {
  cat.category({
    "objects": ["A", "B", "C"],
    "arrows": {"f": ["A", "B"], "g": ["B", "C"]},
    "compose": {}
  })
} catch e {
  print("not a category:", e.code)
}
