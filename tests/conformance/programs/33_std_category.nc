// std/category: categories, functors, natural transformations, and the laws they are checked by
import "std/category" as cat
let C = cat.category({
  "objects": ["A", "B"],
  "arrows": {"f": ["A", "B"]},
  "compose": {}
})
func square(bottom) {
  // p: X -> Y and p2: X2 -> Y2, with a: X -> X2 and b: Y -> Y2; b.p is d, p2.a is `bottom`
  return cat.category({
    "objects": ["X", "Y", "X2", "Y2"],
    "arrows": {"p": ["X", "Y"], "p2": ["X2", "Y2"], "a": ["X", "X2"], "b": ["Y", "Y2"], "d": ["X", "Y2"], "e": ["X", "Y2"]},
    "compose": {"b.p": "d", "p2.a": bottom}
  })
}
let D = square("d")
print(C, D)
print(cat.compose(D, "b", "p"), cat.compose(D, "p", "id_X"), cat.dom(D, "d"), cat.cod(D, "d"), cat.id(D, "Y"))
let F = cat.functor(C, D, {"A": "X", "B": "Y"}, {"f": "p"}, {"name": "F"})
let G = cat.functor(C, D, {"A": "X2", "B": "Y2"}, {"f": "p2"}, {"name": "G"})
print(F, G, cat.fobj(F, "A"), cat.farrow(F, "f"), cat.farrow(G, "id_B"))
let alpha = cat.nat(F, G, {"A": "a", "B": "b"})
print(alpha, cat.component(alpha, "A"), cat.component(alpha, "B"))
let idG = cat.identity_nat(G)
print(idG, cat.component(idG, "A"))
let same = cat.vertical(idG, alpha)
print(same, cat.component(same, "B"))
let T = cat.category({"objects": ["U"], "arrows": {}, "compose": {}})
let K = cat.functor(D, T, {"X": "U", "Y": "U", "X2": "U", "Y2": "U"}, {"p": "id_U", "p2": "id_U", "a": "id_U", "b": "id_U", "d": "id_U", "e": "id_U"}, {"name": "K"})
let KF = cat.compose_functors(K, F)
print(cat.fobj(KF, "B"), cat.farrow(KF, "f"), T)
try {
  cat.category({"objects": ["A", "B", "C"], "arrows": {"f": ["A", "B"], "g": ["B", "C"]}, "compose": {}})
} catch e { print(e.code) }
try {
  cat.category({"objects": ["A", "B"], "arrows": {"f": ["A", "B"]}, "compose": {"f.f": "f"}})
} catch e { print(e.code) }
try {
  cat.functor(C, D, {"A": "X", "B": "Y"}, {"f": "p2"})
} catch e { print(e.code) }
let D2 = square("e")
let F2 = cat.functor(C, D2, {"A": "X", "B": "Y"}, {"f": "p"}, {"name": "F2"})
let G2 = cat.functor(C, D2, {"A": "X2", "B": "Y2"}, {"f": "p2"}, {"name": "G2"})
try { cat.nat(F2, G2, {"A": "a", "B": "b"}) } catch e { print(e.code) }
