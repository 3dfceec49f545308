// The standard module std/category: finite categories, functors and natural transformations,
// written in Noodle. Import it with `import "std/category" as cat`.

export const CATEGORY_SOURCE = `// std/category: finite categories, functors and natural transformations.
//
// A category keeps its objects in a list, its arrows in a map from name to [dom, cod] (the
// identities "id_A" included) and its composition as a full table: comp[g][f] is the name of
// g.f ("g after f") for every composable pair, identities included.
struct Category { objects, arrows, comp }

// A functor keeps its source and target categories and total maps on objects and on arrows
// (identities included).
struct Functor { source, target, objmap, arrowmap, name }

// A natural transformation from => to (two functors C -> D) keeps one component per object of C,
// an arrow of D.
struct Nat { from, to, components, name }

// ---------------------------------------------------------------------------------------------
// Errors

// A broken category, composition or functor law (also a component with the wrong ends).
func law_error(msg) { throw error(5010, msg) }

// A naturality square that does not commute.
func square_error(msg) { throw error(5011, msg) }

// Looking up something a structure does not have.
func missing(msg) { throw error(3003, msg) }

// ---------------------------------------------------------------------------------------------
// Small helpers

func is_object(C, a) {
  for x in C.objects { if x == a { return true } }
  return false
}

func is_identity(C, f) {
  let ends = C.arrows[f]
  return ends[0] == ends[1] and f == "id_\${ends[0]}"
}

func ends_text(C, f) {
  let ends = C.arrows[f]
  return "\${f}: \${ends[0]} -> \${ends[1]}"
}

// The name given by an options map {"name": ...}, else "?".
func name_of(opts: map) {
  if has(opts, "name") { return str(opts["name"]) }
  return "?"
}

// The letter used for a functor in messages: its name, or the given default.
func letter(name, default) {
  if name == "?" { return default }
  return name
}

// The name of a composite "g.f" when both parts are named, else "?".
func joined_name(g, sep, f) {
  if g == "?" or f == "?" { return "?" }
  return "\${g}\${sep}\${f}"
}

// Splits a composite key "g.f" into [g, f]; arrow names may contain dots themselves, so every
// dot is tried and exactly one split must name two arrows.
func split_composite(arrows, key) {
  var found = []
  var i = 0
  for ch in key {
    if ch == "." {
      let g = key[0:i]
      let f = key[i + 1:]
      if has(arrows, g) and has(arrows, f) { push(found, [g, f]) }
    }
    i += 1
  }
  if len(found) == 0 { law_error("category: composite '\${key}' does not name two arrows 'g.f'") }
  if len(found) > 1 { law_error("category: composite '\${key}' can be read in more than one way") }
  return found[0]
}

// ---------------------------------------------------------------------------------------------
// Categories

// Builds a category from {"objects": [...], "arrows": {name: [dom, cod]}, "compose": {"g.f": h}}
// and checks the category laws.
func category(spec: map) {
  if not has(spec, "objects") or not has(spec, "arrows") {
    law_error("category: the description needs \\"objects\\" and \\"arrows\\"")
  }
  // objects, each with its identity
  var objects = []
  var arrows = {}
  for a in spec["objects"] {
    if has(arrows, "id_\${a}") { law_error("category: object \${a} is listed twice") }
    push(objects, a)
    arrows["id_\${a}"] = [a, a]
  }
  let C = Category { objects: objects, arrows: arrows, comp: {} }

  // the listed arrows; an identity may be listed, but only as itself
  for f, ends in spec["arrows"] {
    if type(ends) != "list" or len(ends) != 2 {
      law_error("category: arrow \${f} must be given as [domain, codomain]")
    }
    for a in ends {
      if not is_object(C, a) { law_error("category: arrow \${f} goes \${ends[0]} -> \${ends[1]}, but \${a} is not an object") }
    }
    if has(arrows, f) and arrows[f] != ends {
      law_error("category: \${f} is the identity \${arrows[f][0]} -> \${arrows[f][0]}, not an arrow \${ends[0]} -> \${ends[1]}")
    }
    arrows[f] = [ends[0], ends[1]]
  }

  var comp = C.comp
  for f, _ in arrows { comp[f] = {} }

  // the listed composites: both sides composable, the result with the right ends
  var given = {}
  if has(spec, "compose") { given = spec["compose"] }
  for key, h in given {
    let pair = split_composite(arrows, key)
    let g = pair[0]
    let f = pair[1]
    if arrows[f][1] != arrows[g][0] {
      law_error("category: \${g}.\${f} is listed, but \${ends_text(C, f)} and \${ends_text(C, g)} do not compose")
    }
    if not has(arrows, h) { law_error("category: \${g}.\${f} = \${h}, but \${h} is not an arrow") }
    if arrows[h][0] != arrows[f][0] or arrows[h][1] != arrows[g][1] {
      law_error("category: \${g}.\${f} = \${h} has the wrong domain or codomain: \${ends_text(C, h)}, expected \${arrows[f][0]} -> \${arrows[g][1]}")
    }
    if has(comp[g], f) and comp[g][f] != h {
      law_error("category: \${g}.\${f} is listed twice, as \${comp[g][f]} and as \${h}")
    }
    comp[g][f] = h
  }

  // identity laws: id_B.f = f = f.id_A, filled in when not listed
  for f, ends in arrows {
    let left = "id_\${ends[1]}"
    let right = "id_\${ends[0]}"
    if has(comp[left], f) and comp[left][f] != f {
      law_error("category: identity law fails: \${left}.\${f} = \${comp[left][f]}, expected \${f}")
    }
    if has(comp[f], right) and comp[f][right] != f {
      law_error("category: identity law fails: \${f}.\${right} = \${comp[f][right]}, expected \${f}")
    }
    comp[left][f] = f
    comp[f][right] = f
  }

  // the arrows leaving each object, to visit composable pairs and triples only
  var leaving = {}
  for a in objects { leaving[a] = [] }
  for f, ends in arrows { push(leaving[ends[0]], f) }

  // every composable pair has a composite
  for f, fe in arrows {
    for g in leaving[fe[1]] {
      if not has(comp[g], f) {
        law_error("category: missing composite \${g}.\${f} (\${ends_text(C, f)}, \${ends_text(C, g)})")
      }
    }
  }

  // associativity: (h.g).f = h.(g.f) for every composable triple
  for f, fe in arrows {
    for g in leaving[fe[1]] {
      let gf = comp[g][f]
      for h in leaving[arrows[g][1]] {
        let hg = comp[h][g]
        let left = comp[hg][f]
        let right = comp[h][gf]
        if left != right {
          law_error("category: associativity fails for \${h}, \${g}, \${f}: (\${h}.\${g}).\${f} = \${hg}.\${f} = \${left} but \${h}.(\${g}.\${f}) = \${h}.\${gf} = \${right}")
        }
      }
    }
  }
  return C
}

// The arrow's [domain, codomain]; 3003 for an unknown arrow.
func ends_of(C: Category, f) {
  if not has(C.arrows, f) { missing("the category has no arrow '\${f}'") }
  return C.arrows[f]
}

func dom(C: Category, f) { return ends_of(C, f)[0] }

func cod(C: Category, f) { return ends_of(C, f)[1] }

func id(C: Category, a) {
  if not is_object(C, a) { missing("the category has no object '\${a}'") }
  return "id_\${a}"
}

// g.f, g after f; 5010 when the codomain of f is not the domain of g.
func compose(C: Category, g, f) {
  let fe = ends_of(C, f)
  let ge = ends_of(C, g)
  if fe[1] != ge[0] { law_error("compose: \${ends_text(C, f)} and \${ends_text(C, g)} do not compose") }
  return C.comp[g][f]
}

// The arrows a -> b, in the order they were declared.
func hom(C: Category, a, b) {
  var out = []
  for f, ends in C.arrows {
    if ends[0] == a and ends[1] == b { push(out, f) }
  }
  return out
}

// Same objects, arrows and composition, however the categories were built.
func same_category(C: Category, D: Category) {
  return len(C.objects) == len(D.objects) and C.arrows == D.arrows and C.comp == D.comp
}

// ---------------------------------------------------------------------------------------------
// Functors

// The optional last argument is an options map, {"name": "F"}.
func functor(C: Category, D: Category, objmap: map, arrowmap: map, opts: map = {}) {
  let name = name_of(opts)
  let where = "functor \${name}"

  // objects: every object of C goes to an object of D
  var om = {}
  for a in C.objects {
    if not has(objmap, a) { law_error("\${where}: object \${a} is not mapped") }
    let x = objmap[a]
    if not is_object(D, x) { law_error("\${where}: \${a} maps to \${x}, which is not an object of the target") }
    om[a] = x
  }
  for a, _ in objmap {
    if not is_object(C, a) { law_error("\${where}: \${a} is not an object of the source") }
  }

  // arrows: identities go to identities; the others keep their ends
  var am = {}
  for f, ends in C.arrows {
    let want_dom = om[ends[0]]
    let want_cod = om[ends[1]]
    if is_identity(C, f) {
      let image = "id_\${want_dom}"
      if has(arrowmap, f) and arrowmap[f] != image {
        law_error("\${where}: identity \${f} maps to \${arrowmap[f]}, expected \${image}")
      }
      am[f] = image
    } else {
      if not has(arrowmap, f) { law_error("\${where}: arrow \${f} is not mapped") }
      let p = arrowmap[f]
      if not has(D.arrows, p) { law_error("\${where}: \${f} maps to \${p}, which is not an arrow of the target") }
      if D.arrows[p][0] != want_dom or D.arrows[p][1] != want_cod {
        law_error("\${where}: \${ends_text(C, f)} maps to \${ends_text(D, p)}, expected \${want_dom} -> \${want_cod}")
      }
      am[f] = p
    }
  }
  for f, _ in arrowmap {
    if not has(C.arrows, f) { law_error("\${where}: \${f} is not an arrow of the source") }
  }

  // functoriality: F(g.f) = F(g).F(f)
  let F = letter(name, "F")
  for g, row in C.comp {
    for f, h in row {
      let composite = D.comp[am[g]][am[f]]
      if composite != am[h] {
        law_error("\${where}: \${F}(\${g}.\${f}) = \${F}(\${h}) = \${am[h]} but \${F}(\${g}).\${F}(\${f}) = \${am[g]}.\${am[f]} = \${composite}")
      }
    }
  }
  return Functor { source: C, target: D, objmap: om, arrowmap: am, name: name }
}

func fobj(F: Functor, a) {
  if not has(F.objmap, a) { missing("functor \${F.name} has no object '\${a}' in its source") }
  return F.objmap[a]
}

func farrow(F: Functor, f) {
  if not has(F.arrowmap, f) { missing("functor \${F.name} has no arrow '\${f}' in its source") }
  return F.arrowmap[f]
}

// The identity functor on C.
func identity_functor(C: Category) {
  var om = {}
  for a in C.objects { om[a] = a }
  var am = {}
  for f, _ in C.arrows { am[f] = f }
  return Functor { source: C, target: C, objmap: om, arrowmap: am, name: "Id" }
}

// G.F, G after F.
func compose_functors(G: Functor, F: Functor) {
  if not same_category(F.target, G.source) {
    law_error("compose_functors: \${G.name} does not start where \${F.name} ends")
  }
  var om = {}
  for a, x in F.objmap { om[a] = G.objmap[x] }
  var am = {}
  for f, p in F.arrowmap { am[f] = G.arrowmap[p] }
  return Functor { source: F.source, target: G.target, objmap: om, arrowmap: am, name: joined_name(G.name, ".", F.name) }
}

// Same source, target and mappings (names do not matter).
func same_functor(F: Functor, G: Functor) {
  return same_category(F.source, G.source) and same_category(F.target, G.target) and
    F.objmap == G.objmap and F.arrowmap == G.arrowmap
}

// ---------------------------------------------------------------------------------------------
// Natural transformations

// The optional last argument is an options map, {"name": "alpha"}.
func nat(F: Functor, G: Functor, components: map, opts: map = {}) {
  let where = "nat \${F.name} => \${G.name}"
  if not same_category(F.source, G.source) or not same_category(F.target, G.target) {
    law_error("\${where}: the functors do not share their source and target")
  }
  let C = F.source
  let D = F.target

  // one component F(a) -> G(a) per object a
  var comps = {}
  for a in C.objects {
    if not has(components, a) { law_error("\${where}: no component at \${a}") }
    let c = components[a]
    if not has(D.arrows, c) { law_error("\${where}: the component at \${a}, \${c}, is not an arrow of the target") }
    if D.arrows[c][0] != F.objmap[a] or D.arrows[c][1] != G.objmap[a] {
      law_error("\${where}: the component at \${a} is \${ends_text(D, c)}, expected \${F.objmap[a]} -> \${G.objmap[a]}")
    }
    comps[a] = c
  }
  for a, _ in components {
    if not is_object(C, a) { law_error("\${where}: \${a} is not an object of the source") }
  }

  // naturality: G(f).alpha_a = alpha_b.F(f) for every f: a -> b
  let Fl = letter(F.name, "F")
  let Gl = letter(G.name, "G")
  for f, ends in C.arrows {
    let ca = comps[ends[0]]
    let cb = comps[ends[1]]
    let gf = G.arrowmap[f]
    let ff = F.arrowmap[f]
    let left = D.comp[gf][ca]
    let right = D.comp[cb][ff]
    if left != right {
      square_error("\${where}: the naturality square of \${ends_text(C, f)} does not commute: \${Gl}(\${f}).\${ca} = \${gf}.\${ca} = \${left} but \${cb}.\${Fl}(\${f}) = \${cb}.\${ff} = \${right}")
    }
  }
  return Nat { from: F, to: G, components: comps, name: name_of(opts) }
}

func component(alpha: Nat, a) {
  if not has(alpha.components, a) { missing("the transformation has no component at '\${a}'") }
  return alpha.components[a]
}

// The identity transformation F => F.
func identity_nat(F: Functor) {
  var comps = {}
  for a, x in F.objmap { comps[a] = "id_\${x}" }
  return Nat { from: F, to: F, components: comps, name: joined_name("id", "_", F.name) }
}

// beta.alpha for alpha: F => G and beta: G => H; components beta_a.alpha_a.
func vertical(beta: Nat, alpha: Nat) {
  if not same_functor(alpha.to, beta.from) {
    law_error("vertical: \${beta} does not start where \${alpha} ends")
  }
  let D = alpha.to.target
  var comps = {}
  for a, c in alpha.components { comps[a] = D.comp[beta.components[a]][c] }
  return Nat { from: alpha.from, to: beta.to, components: comps, name: joined_name(beta.name, ".", alpha.name) }
}

// beta*alpha for alpha: F => G (C -> D) and beta: H => K (D -> E): the transformation
// H.F => K.G with components beta_(G a).H(alpha_a).
func horizontal(beta: Nat, alpha: Nat) {
  let G = alpha.to
  let H = beta.from
  if not same_category(G.target, H.source) {
    law_error("horizontal: \${beta} does not start in the category where \${alpha} ends")
  }
  let E = H.target
  var comps = {}
  for a, c in alpha.components {
    comps[a] = E.comp[beta.components[G.objmap[a]]][H.arrowmap[c]]
  }
  let from = compose_functors(H, alpha.from)
  let to = compose_functors(beta.to, G)
  return Nat { from: from, to: to, components: comps, name: joined_name(beta.name, "*", alpha.name) }
}

// Same functors at both ends and the same components.
func same_nat(alpha: Nat, beta: Nat) {
  return same_functor(alpha.from, beta.from) and same_functor(alpha.to, beta.to) and
    alpha.components == beta.components
}
`;

// How Category, Functor and Nat values print (print, str, interpolation) in place of the usual
// Name { ... }: "{field}" is a field's text, "{a.b}" a field of a field, "{#field}" a length.
export const CATEGORY_DISPLAYS: Record<string, string> = {
  Category: "<category {#objects} objects, {#arrows} arrows>",
  Functor: "<functor {name}>",
  Nat: "<nat {from.name} => {to.name}>",
};
