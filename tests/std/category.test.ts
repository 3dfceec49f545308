// std/category: finite categories, functors and natural transformations. The laws are pinned on
// small worked examples: the walking arrow, a composable pair, a commuting square (two parallel
// paths that compose equally), the same square when it does not commute, and cyclic groups seen
// as one-object categories.
import { describe, expect, it } from "vitest";
import { outputOf, runSource } from "../helpers.js";

// The example categories every program below can use.
const EXAMPLES = `
import "std/category" as cat

// the walking arrow A -> B
let ARROW = cat.category({"objects": ["A", "B"], "arrows": {"u": ["A", "B"]}})

// a composable pair A -f-> B -g-> C with h = g.f
let PAIR = cat.category({
  "objects": ["A", "B", "C"],
  "arrows": {"f": ["A", "B"], "g": ["B", "C"], "h": ["A", "C"]},
  "compose": {"g.f": "h"}
})

// a commuting square: the paths d.a and c.b from 00 to 11 are both e
let SQ = cat.category({
  "objects": ["00", "01", "10", "11"],
  "arrows": {"a": ["00", "10"], "b": ["00", "01"], "c": ["01", "11"], "d": ["10", "11"], "e": ["00", "11"]},
  "compose": {"d.a": "e", "c.b": "e"}
})

// the same square when it does not commute: d.a = e1 but c.b = e2
let SQ2 = cat.category({
  "objects": ["00", "01", "10", "11"],
  "arrows": {"a": ["00", "10"], "b": ["00", "01"], "c": ["01", "11"], "d": ["10", "11"],
             "e1": ["00", "11"], "e2": ["00", "11"]},
  "compose": {"d.a": "e1", "c.b": "e2"}
})

// the terminal category
let ONE = cat.category({"objects": ["*"], "arrows": {}})

// the cyclic group of order n as a one-object category: arrows id_*, r1 .. r(n-1), ri.rj = r(i+j)
func cyclic(n) {
  var names = ["id_*"]
  for k in 1..n { push(names, "r" + str(k)) }
  var arrows = {}
  for k in 1..n { arrows[names[k]] = ["*", "*"] }
  var comp = {}
  for i in 1..n {
    for j in 1..n { comp[names[i] + "." + names[j]] = names[(i + j) % n] }
  }
  return cat.category({"objects": ["*"], "arrows": arrows, "compose": comp})
}
let Z2 = cyclic(2)
let Z4 = cyclic(4)

// the error a call ends with, as "code message"
func failure(f) {
  try { f() } catch e { return str(e.code) + " " + e.message }
  return "no error"
}
`;

const run = (body: string) => outputOf(EXAMPLES + body);

/** The code and message of the error a program (using the examples) ends with. */
async function failureOf(body: string): Promise<{ code: number | undefined; message: string }> {
  const r = await runSource(EXAMPLES + body);
  if (r.ok) throw new Error("expected the program to fail, it printed: " + r.output);
  return { code: r.error?.code ?? r.diagnostics?.[0]?.code, message: r.error?.message ?? "" };
}

describe("categories", () => {
  it("builds a category with implicit identities and composes arrows", async () => {
    expect(
      await run(`
      print(cat.compose(PAIR, "g", "f"), cat.dom(PAIR, "f"), cat.cod(PAIR, "f"), cat.id(PAIR, "A"))
      print(cat.compose(PAIR, "id_C", "h"), cat.compose(PAIR, "h", "id_A"), cat.compose(PAIR, "id_B", "id_B"))
      print(cat.dom(PAIR, "id_B"), cat.cod(PAIR, "id_B"))
      print(cat.hom(PAIR, "A", "C"), cat.hom(PAIR, "A", "A"), cat.hom(PAIR, "C", "A"))
      print(str(PAIR), str(ARROW), str(SQ), str(ONE), str(Z4))`),
    ).toBe(
      "h A B id_A\n" +
        "h h id_B\n" +
        "B B\n" +
        '["h"] ["id_A"] []\n' +
        "<category 3 objects, 6 arrows> <category 2 objects, 3 arrows> <category 4 objects, 9 arrows> " +
        "<category 1 objects, 1 arrows> <category 1 objects, 4 arrows>\n",
    );
  });

  it("composes in the commuting square and in a cyclic group", async () => {
    expect(
      await run(`
      print(cat.compose(SQ, "d", "a"), cat.compose(SQ, "c", "b"), cat.compose(SQ2, "d", "a"), cat.compose(SQ2, "c", "b"))
      print(cat.compose(Z4, "r3", "r2"), cat.compose(Z4, "r2", "r2"), cat.compose(Z2, "r1", "r1"))`),
    ).toBe("e e e1 e2\nr1 id_* id_*\n");
  });

  it("accepts identities listed explicitly, and composites with identities that obey the laws", async () => {
    expect(
      await run(`
      let C = cat.category({
        "objects": ["A", "B"],
        "arrows": {"id_A": ["A", "A"], "u": ["A", "B"]},
        "compose": {"id_B.u": "u", "u.id_A": "u"}
      })
      print(str(C), cat.compose(C, "id_B", "u"), C == ARROW)`),
    ).toBe("<category 2 objects, 3 arrows> u true\n");
  });

  it("reads composite keys whose arrow names contain dots", async () => {
    expect(
      await run(`
      let C = cat.category({
        "objects": ["A", "B", "C"],
        "arrows": {"x.1": ["A", "B"], "y": ["B", "C"], "z": ["A", "C"]},
        "compose": {"y.x.1": "z"}
      })
      print(cat.compose(C, "y", "x.1"))`),
    ).toBe("z\n");
  });

  it("rejects composing arrows whose ends do not meet (5010) and unknown names (3003)", async () => {
    expect(
      await run(`
      print(failure(() => cat.compose(PAIR, "f", "g")))
      print(failure(() => cat.compose(PAIR, "f", "nope")))
      print(failure(() => cat.id(PAIR, "Q")))
      print(failure(() => cat.dom(PAIR, "k")))`),
    ).toBe(
      "5010 compose: g: B -> C and f: A -> B do not compose\n" +
        "3003 the category has no arrow 'nope'\n" +
        "3003 the category has no object 'Q'\n" +
        "3003 the category has no arrow 'k'\n",
    );
  });
});

describe("category laws are checked (5010)", () => {
  it("a missing composite", async () => {
    const e = await failureOf(`
      cat.category({"objects": ["A", "B", "C"], "arrows": {"f": ["A", "B"], "g": ["B", "C"]}})`);
    expect(e.code).toBe(5010);
    expect(e.message).toBe("category: missing composite g.f (f: A -> B, g: B -> C)");
  });

  it("a composite with the wrong domain or codomain", async () => {
    const e = await failureOf(`
      cat.category({
        "objects": ["A", "B", "C"],
        "arrows": {"f": ["A", "B"], "g": ["B", "C"], "h": ["A", "C"], "k": ["B", "C"]},
        "compose": {"g.f": "k"}
      })`);
    expect(e.code).toBe(5010);
    expect(e.message).toBe("category: g.f = k has the wrong domain or codomain: k: B -> C, expected A -> C");
  });

  it("a composite listed for arrows that do not compose, or naming no arrows", async () => {
    expect(
      await run(`
      print(failure(() => cat.category({"objects": ["A", "B"], "arrows": {"u": ["A", "B"]}, "compose": {"u.u": "u"}})))
      print(failure(() => cat.category({"objects": ["A", "B"], "arrows": {"u": ["A", "B"]}, "compose": {"u.v": "u"}})))
      print(failure(() => cat.category({"objects": ["A"], "arrows": {"u": ["A", "B"]}})))`),
    ).toBe(
      "5010 category: u.u is listed, but u: A -> B and u: A -> B do not compose\n" +
        "5010 category: composite 'u.v' does not name two arrows 'g.f'\n" +
        "5010 category: arrow u goes A -> B, but B is not an object\n",
    );
  });

  it("an associativity failure names the three arrows and both results", async () => {
    // A -f-> B -g-> C -k-> D with two parallel arrows A -> D: (k.g).f and k.(g.f) disagree
    const e = await failureOf(`
      cat.category({
        "objects": ["A", "B", "C", "D"],
        "arrows": {"f": ["A", "B"], "g": ["B", "C"], "k": ["C", "D"], "gf": ["A", "C"], "kg": ["B", "D"],
                   "p": ["A", "D"], "q": ["A", "D"]},
        "compose": {"g.f": "gf", "k.g": "kg", "kg.f": "p", "k.gf": "q"}
      })`);
    expect(e.code).toBe(5010);
    expect(e.message).toBe("category: associativity fails for k, g, f: (k.g).f = kg.f = p but k.(g.f) = k.gf = q");
  });

  it("an associativity failure in a one-object category", async () => {
    const e = await failureOf(`
      cat.category({
        "objects": ["*"],
        "arrows": {"a": ["*", "*"], "b": ["*", "*"]},
        "compose": {"a.a": "b", "a.b": "a", "b.a": "a", "b.b": "a"}
      })`);
    expect(e.code).toBe(5010);
    expect(e.message).toMatch(/^category: associativity fails for b, a, a: \(b\.a\)\.a = a\.a = b but b\.\(a\.a\) = b\.b = a$/);
  });

  it("an identity failure", async () => {
    expect(
      await run(`
      print(failure(() => cat.category({
        "objects": ["A", "B"], "arrows": {"u": ["A", "B"], "v": ["A", "B"]}, "compose": {"id_B.u": "v"}})))
      print(failure(() => cat.category({
        "objects": ["A", "B"], "arrows": {"u": ["A", "B"], "v": ["A", "B"]}, "compose": {"u.id_A": "v"}})))
      print(failure(() => cat.category({"objects": ["A", "B"], "arrows": {"id_A": ["A", "B"]}})))`),
    ).toBe(
      "5010 category: identity law fails: id_B.u = v, expected u\n" +
        "5010 category: identity law fails: u.id_A = v, expected u\n" +
        "5010 category: id_A is the identity A -> A, not an arrow A -> B\n",
    );
  });
});

// F: PAIR -> SQ sends the pair f, g to the path a, d; G: ARROW -> PAIR picks f; H: SQ -> ARROW
// collapses the square onto u.
const FUNCTORS = `
let F = cat.functor(PAIR, SQ, {"A": "00", "B": "10", "C": "11"}, {"f": "a", "g": "d", "h": "e"}, {"name": "F"})
let G = cat.functor(ARROW, PAIR, {"A": "A", "B": "B"}, {"u": "f"}, {"name": "G"})
let H = cat.functor(SQ, ARROW, {"00": "A", "01": "A", "10": "B", "11": "B"},
  {"a": "u", "b": "id_A", "c": "u", "d": "id_B", "e": "u"}, {"name": "H"})
`;

describe("functors", () => {
  it("map objects and arrows, identities to identities", async () => {
    expect(
      await run(
        FUNCTORS +
          `
      print(cat.fobj(F, "A"), cat.fobj(F, "C"), cat.farrow(F, "f"), cat.farrow(F, "h"), cat.farrow(F, "id_B"))
      print(cat.farrow(H, "b"), cat.farrow(H, "id_01"), cat.fobj(H, "01"))
      print(str(F), str(cat.functor(ARROW, PAIR, {"A": "B", "B": "C"}, {"u": "g"})))
      print(failure(() => cat.fobj(F, "Q")), "/", failure(() => cat.farrow(F, "u")))`,
      ),
    ).toBe(
      "00 11 a e id_10\n" +
        "id_A id_A A\n" +
        "<functor F> <functor ?>\n" +
        "3003 functor F has no object 'Q' in its source / 3003 functor F has no arrow 'u' in its source\n",
    );
  });

  it("composition follows both functors and is associative", async () => {
    expect(
      await run(
        FUNCTORS +
          `
      let FG = cat.compose_functors(F, G)
      print(str(FG), cat.fobj(FG, "B"), cat.farrow(FG, "u"))
      let left = cat.compose_functors(H, cat.compose_functors(F, G))
      let right = cat.compose_functors(cat.compose_functors(H, F), G)
      print(cat.farrow(left, "u"), cat.fobj(left, "A"), cat.fobj(left, "B"))
      print(cat.same_functor(left, right), str(left), str(right))`,
      ),
    ).toBe("<functor F.G> 10 a\n" + "u A B\n" + "true <functor H.F.G> <functor H.F.G>\n");
  });

  it("identity functors are units for composition", async () => {
    expect(
      await run(
        FUNCTORS +
          `
      let I = cat.identity_functor(SQ)
      print(str(I), cat.farrow(I, "e"), cat.fobj(I, "01"))
      print(cat.same_functor(cat.compose_functors(I, F), F), cat.same_functor(cat.compose_functors(H, I), H))
      print(cat.same_functor(cat.compose_functors(F, cat.identity_functor(PAIR)), F))
      // sameness ignores names, not mappings
      let F2 = cat.functor(PAIR, SQ, {"A": "00", "B": "10", "C": "11"}, {"f": "a", "g": "d", "h": "e"})
      let F3 = cat.functor(PAIR, SQ, {"A": "00", "B": "01", "C": "11"}, {"f": "b", "g": "c", "h": "e"})
      print(cat.same_functor(F, F2), cat.same_functor(F, F3))
      print(failure(() => cat.compose_functors(F, H)))`,
      ),
    ).toBe("<functor Id> e 01\n" + "true true\n" + "true\n" + "true false\n" + "5010 compose_functors: F does not start where H ends\n");
  });

  it("functoriality is checked: F(g.f) = F(g).F(f)", async () => {
    // in SQ2 the two paths differ, so sending h to e1 breaks functoriality along b, c
    const e = await failureOf(`
      cat.functor(PAIR, SQ2, {"A": "00", "B": "01", "C": "11"}, {"f": "b", "g": "c", "h": "e1"}, {"name": "F"})`);
    expect(e.code).toBe(5010);
    expect(e.message).toBe("functor F: F(g.f) = F(h) = e1 but F(g).F(f) = c.b = e2");
  });

  it("domains, codomains, identities and totality are checked", async () => {
    expect(
      await run(`
      print(failure(() => cat.functor(PAIR, SQ, {"A": "00", "B": "01", "C": "11"}, {"f": "a", "g": "c", "h": "e"})))
      print(failure(() => cat.functor(PAIR, SQ, {"A": "00", "B": "10", "C": "11"}, {"f": "a", "h": "e"})))
      print(failure(() => cat.functor(PAIR, SQ, {"A": "00", "B": "10"}, {"f": "a", "g": "d", "h": "e"})))
      print(failure(() => cat.functor(ARROW, SQ, {"A": "00", "B": "10"}, {"u": "a", "id_A": "b"})))
      print(failure(() => cat.functor(ARROW, SQ, {"A": "00", "B": "10"}, {"u": "a", "w": "b"})))
      print(failure(() => cat.functor(ARROW, SQ, {"A": "00", "B": "99"}, {"u": "a"})))`),
    ).toBe(
      "5010 functor ?: f: A -> B maps to a: 00 -> 10, expected 00 -> 01\n" +
        "5010 functor ?: arrow g is not mapped\n" +
        "5010 functor ?: object C is not mapped\n" +
        "5010 functor ?: identity id_A maps to b, expected id_00\n" +
        "5010 functor ?: w is not an arrow of the source\n" +
        "5010 functor ?: B maps to 99, which is not an object of the target\n",
    );
  });

  it("group homomorphisms are functors between one-object categories", async () => {
    expect(
      await run(`
      let inv = cat.functor(Z4, Z4, {"*": "*"}, {"r1": "r3", "r2": "r2", "r3": "r1"})
      print(cat.same_functor(cat.compose_functors(inv, inv), cat.identity_functor(Z4)))
      print(failure(() => cat.functor(Z4, Z4, {"*": "*"}, {"r1": "r2", "r2": "r2", "r3": "r2"})))`),
    ).toBe("true\n5010 functor ?: F(r1.r1) = F(r2) = r2 but F(r1).F(r1) = r2.r2 = id_*\n");
  });
});

// J and K pick the sides b and d of the square; gamma: J => K has components a and c.
const SQUARE_NATS = `
let J = cat.functor(ARROW, SQ, {"A": "00", "B": "01"}, {"u": "b"}, {"name": "J"})
let K = cat.functor(ARROW, SQ, {"A": "10", "B": "11"}, {"u": "d"}, {"name": "K"})
let L = cat.functor(ARROW, SQ, {"A": "11", "B": "11"}, {"u": "id_11"}, {"name": "L"})
let gamma = cat.nat(J, K, {"A": "a", "B": "c"})
let delta = cat.nat(K, L, {"A": "d", "B": "id_11"})
`;

describe("natural transformations", () => {
  it("have components and print with their functors", async () => {
    expect(
      await run(
        SQUARE_NATS +
          `
      print(cat.component(gamma, "A"), cat.component(gamma, "B"), str(gamma), str(delta))
      let one = cat.identity_nat(J)
      print(cat.component(one, "A"), cat.component(one, "B"), str(one))
      print(failure(() => cat.component(gamma, "C")))`,
      ),
    ).toBe("a c <nat J => K> <nat K => L>\nid_00 id_01 <nat J => J>\n3003 the transformation has no component at 'C'\n");
  });

  it("a naturality square that does not commute is 5011 naming its arrows", async () => {
    const e = await failureOf(`
      let J = cat.functor(ARROW, SQ2, {"A": "00", "B": "01"}, {"u": "b"}, {"name": "J"})
      let K = cat.functor(ARROW, SQ2, {"A": "10", "B": "11"}, {"u": "d"}, {"name": "K"})
      cat.nat(J, K, {"A": "a", "B": "c"})`);
    expect(e.code).toBe(5011);
    expect(e.message).toBe("nat J => K: the naturality square of u: A -> B does not commute: K(u).a = d.a = e1 but c.J(u) = c.b = e2");
  });

  it("components must exist and go from F(a) to G(a)", async () => {
    expect(
      await run(
        SQUARE_NATS +
          `
      print(failure(() => cat.nat(J, K, {"A": "a"})))
      print(failure(() => cat.nat(J, K, {"A": "a", "B": "d"})))
      print(failure(() => cat.nat(J, K, {"A": "a", "B": "zz"})))
      let P = cat.functor(PAIR, SQ, {"A": "00", "B": "10", "C": "11"}, {"f": "a", "g": "d", "h": "e"}, {"name": "P"})
      print(failure(() => cat.nat(J, P, {"A": "a", "B": "c"})))`,
      ),
    ).toBe(
      "5010 nat J => K: no component at B\n" +
        "5010 nat J => K: the component at B is d: 10 -> 11, expected 01 -> 11\n" +
        "5010 nat J => K: the component at B, zz, is not an arrow of the target\n" +
        "5010 nat J => P: the functors do not share their source and target\n",
    );
  });

  it("vertical composition composes components", async () => {
    // functors ONE -> PAIR pick objects; transformations between them pick arrows
    expect(
      await run(`
      let FA = cat.functor(ONE, PAIR, {"*": "A"}, {}, {"name": "FA"})
      let FB = cat.functor(ONE, PAIR, {"*": "B"}, {}, {"name": "FB"})
      let FC = cat.functor(ONE, PAIR, {"*": "C"}, {}, {"name": "FC"})
      let alpha = cat.nat(FA, FB, {"*": "f"})
      let beta = cat.nat(FB, FC, {"*": "g"})
      let ba = cat.vertical(beta, alpha)
      print(cat.component(ba, "*"), str(ba))
      print(cat.same_nat(cat.vertical(alpha, cat.identity_nat(FA)), alpha), cat.same_nat(cat.vertical(cat.identity_nat(FB), alpha), alpha))
      print(failure(() => cat.vertical(alpha, beta)))`),
    ).toBe("h <nat FA => FC>\ntrue true\n5010 vertical: <nat FA => FB> does not start where <nat FB => FC> ends\n");
  });

  it("vertical composition in the square", async () => {
    expect(
      await run(
        SQUARE_NATS +
          `
      let dg = cat.vertical(delta, gamma)
      print(cat.component(dg, "A"), cat.component(dg, "B"), str(dg))`,
      ),
    ).toBe("e c <nat J => L>\n");
  });

  it("horizontal composition has components beta_(G a).H(alpha_a)", async () => {
    // alpha: FA => FB (ONE -> ARROW) picks u; gamma: J => K (ARROW -> SQ)
    expect(
      await run(
        SQUARE_NATS +
          `
      let FA = cat.functor(ONE, ARROW, {"*": "A"}, {}, {"name": "FA"})
      let FB = cat.functor(ONE, ARROW, {"*": "B"}, {}, {"name": "FB"})
      let alpha = cat.nat(FA, FB, {"*": "u"})
      let ga = cat.horizontal(gamma, alpha)
      print(cat.component(ga, "*"), str(ga))
      print(cat.fobj(ga.from, "*"), cat.fobj(ga.to, "*"))
      print(cat.same_functor(ga.from, cat.compose_functors(J, FA)), cat.same_functor(ga.to, cat.compose_functors(K, FB)))
      // whiskering: identity transformations on either side
      print(cat.component(cat.horizontal(cat.identity_nat(J), alpha), "*"))
      print(cat.component(cat.horizontal(gamma, cat.identity_nat(FA)), "*"))
      print(failure(() => cat.horizontal(alpha, gamma)))`,
      ),
    ).toBe(
      "e <nat J.FA => K.FB>\n" +
        "00 11\n" +
        "true true\n" +
        "b\n" +
        "a\n" +
        "5010 horizontal: <nat FA => FB> does not start in the category where <nat J => K> ends\n",
    );
  });

  it("horizontal composition in groups uses the functor on the inner component", async () => {
    // alpha: F => F (Z2 -> Z4, s to r2) with component r1; gamma: I => I (Z4 -> Z4, inversion) with r1
    expect(
      await run(`
      let F = cat.functor(Z2, Z4, {"*": "*"}, {"r1": "r2"}, {"name": "F"})
      let I = cat.functor(Z4, Z4, {"*": "*"}, {"r1": "r3", "r2": "r2", "r3": "r1"}, {"name": "I"})
      let alpha = cat.nat(F, F, {"*": "r1"})
      let gamma = cat.nat(I, I, {"*": "r1"})
      let beta = cat.nat(F, F, {"*": "r2"})
      // gamma_* . I(alpha_*) = r1 . r3
      print(cat.component(cat.horizontal(gamma, alpha), "*"), cat.component(cat.horizontal(gamma, beta), "*"))
      print(str(cat.horizontal(gamma, alpha)))`),
    ).toBe("id_* r3\n<nat I.F => I.F>\n");
  });
});

describe("the interchange law (delta.gamma)*(beta.alpha) = (delta*beta).(gamma*alpha)", () => {
  it("holds on the square", async () => {
    // alpha: FA => FB picks u, beta: FB => FB is the identity (ONE -> ARROW); gamma, delta in SQ
    expect(
      await run(
        SQUARE_NATS +
          `
      let FA = cat.functor(ONE, ARROW, {"*": "A"}, {}, {"name": "FA"})
      let FB = cat.functor(ONE, ARROW, {"*": "B"}, {}, {"name": "FB"})
      let alpha = cat.nat(FA, FB, {"*": "u"})
      let beta = cat.identity_nat(FB)
      let left = cat.horizontal(cat.vertical(delta, gamma), cat.vertical(beta, alpha))
      let right = cat.vertical(cat.horizontal(delta, beta), cat.horizontal(gamma, alpha))
      print(cat.component(left, "*"), cat.component(right, "*"), cat.same_nat(left, right))
      print(str(left), str(right))`,
      ),
    ).toBe("e e true\n<nat J.FA => L.FB> <nat J.FA => L.FB>\n");
  });

  it("holds in composable pairs: arrows of PAIR whiskered into the square", async () => {
    // ONE -> PAIR: alpha picks f, beta picks g; PAIR -> SQ: three functors joined by gamma, delta
    expect(
      await run(`
      let FA = cat.functor(ONE, PAIR, {"*": "A"}, {}, {"name": "FA"})
      let FB = cat.functor(ONE, PAIR, {"*": "B"}, {}, {"name": "FB"})
      let FC = cat.functor(ONE, PAIR, {"*": "C"}, {}, {"name": "FC"})
      let alpha = cat.nat(FA, FB, {"*": "f"})
      let beta = cat.nat(FB, FC, {"*": "g"})
      // P sends the pair onto the path b, c; Q onto the path a, d; R collapses it onto 11
      let P = cat.functor(PAIR, SQ, {"A": "00", "B": "00", "C": "01"}, {"f": "id_00", "g": "b", "h": "b"}, {"name": "P"})
      let Q = cat.functor(PAIR, SQ, {"A": "00", "B": "10", "C": "11"}, {"f": "a", "g": "d", "h": "e"}, {"name": "Q"})
      let R = cat.functor(PAIR, SQ, {"A": "11", "B": "11", "C": "11"}, {"f": "id_11", "g": "id_11", "h": "id_11"}, {"name": "R"})
      let gamma = cat.nat(P, Q, {"A": "id_00", "B": "a", "C": "c"})
      let delta = cat.nat(Q, R, {"A": "e", "B": "d", "C": "id_11"})
      let left = cat.horizontal(cat.vertical(delta, gamma), cat.vertical(beta, alpha))
      let right = cat.vertical(cat.horizontal(delta, beta), cat.horizontal(gamma, alpha))
      print(cat.component(left, "*"), cat.component(right, "*"), cat.same_nat(left, right))
      print(cat.component(cat.horizontal(gamma, alpha), "*"), cat.component(cat.horizontal(delta, beta), "*"))`),
    ).toBe("e e true\na d\n");
  });

  it("holds in cyclic groups, where the transformations are not determined by their ends", async () => {
    expect(
      await run(`
      let F = cat.functor(Z2, Z4, {"*": "*"}, {"r1": "r2"}, {"name": "F"})
      let J = cat.functor(Z4, Z4, {"*": "*"}, {"r1": "r3", "r2": "r2", "r3": "r1"}, {"name": "J"})
      let alpha = cat.nat(F, F, {"*": "r1"})
      let beta = cat.nat(F, F, {"*": "r2"})
      let gamma = cat.nat(J, J, {"*": "r1"})
      let delta = cat.nat(J, J, {"*": "r1"})
      let left = cat.horizontal(cat.vertical(delta, gamma), cat.vertical(beta, alpha))
      let right = cat.vertical(cat.horizontal(delta, beta), cat.horizontal(gamma, alpha))
      print(cat.component(left, "*"), cat.component(right, "*"), cat.same_nat(left, right))
      print(cat.component(cat.horizontal(delta, beta), "*"), cat.component(cat.horizontal(gamma, alpha), "*"))`),
    ).toBe("r3 r3 true\nr3 id_*\n");
  });
});

describe("printed forms", () => {
  it("print, str and interpolation give the short forms, also inside containers", async () => {
    expect(
      await run(
        SQUARE_NATS +
          `
      print(PAIR)
      print(ONE, SQ)
      print(J, cat.functor(ARROW, SQ, {"A": "00", "B": "10"}, {"u": "a"}))
      print(gamma, cat.identity_nat(cat.functor(ARROW, SQ, {"A": "00", "B": "10"}, {"u": "a"})))
      print(cat.nat(J, K, {"A": "a", "B": "c"}, {"name": "gamma"}))
      print([ARROW, {"F": K}])
      print("in \${delta}: " + str(cat.identity_functor(ARROW)))
      print(cat.compose_functors(cat.identity_functor(SQ), J), cat.vertical(delta, gamma))`,
      ),
    ).toBe(
      "<category 3 objects, 6 arrows>\n" +
        "<category 1 objects, 1 arrows> <category 4 objects, 9 arrows>\n" +
        "<functor J> <functor ?>\n" +
        "<nat J => K> <nat ? => ?>\n" +
        "<nat J => K>\n" +
        '[<category 2 objects, 3 arrows>, {"F": <functor K>}]\n' +
        "in <nat K => L>: <functor Id>\n" +
        "<functor Id.J> <nat J => L>\n",
    );
  });

  it("== still compares field by field, and other structs print as Name { ... }", async () => {
    expect(
      await run(
        SQUARE_NATS +
          `
      let ARROW2 = cat.category({"objects": ["A", "B"], "arrows": {"u": ["A", "B"]}})
      let J2 = cat.functor(ARROW, SQ, {"A": "00", "B": "01"}, {"u": "b"}, {"name": "J"})
      let J3 = cat.functor(ARROW, SQ, {"A": "00", "B": "01"}, {"u": "b"}, {"name": "J3"})
      print(ARROW == ARROW2, ARROW == PAIR, J == J2, J == J3, cat.same_functor(J, J3))
      print(gamma == cat.nat(J, K, {"A": "a", "B": "c"}), gamma == cat.nat(J2, K, {"A": "a", "B": "c"}, {"name": "g"}))
      struct Category { objects }
      print(Category { objects: [1] }, [Category { objects: [] }])`,
      ),
    ).toBe("true false true false true\ntrue false\nCategory { objects: [1] } [Category { objects: [] }]\n");
  });
});
