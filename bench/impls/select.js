// The implementations a suite runs: Noodle first, then its peers. Each host (Node, the browser
// page) passes its registry of built-in implementations by name, `noodle` among them.
//
// A suite names built-in implementations by string, or passes its own implementation objects
// (see harness.js for the interface). Its own `noodle` (timing an operation rather than a
// program) takes the place of the built-in one, unless the suite also names "noodle": then both
// run, each for the cases it has a source for.

function unknownPeer(name, known) {
  return {
    name,
    lang: name,
    async init() {
      return { ok: false, reason: `unknown peer ${name}; known: ${known.join(", ")}` };
    },
  };
}

/** @param {Record<string, () => object | object[]>} registry built-in implementations by name (several ways of one name as a list) */
export function selectImpls(suite, registry) {
  const known = Object.keys(registry);
  const impls = (suite.peers ?? []).flatMap((p) => (typeof p === "string" ? (registry[p]?.() ?? unknownPeer(p, known)) : p));
  const noodles = impls.filter((i) => i.name === "noodle");
  const others = impls.filter((i) => i.name !== "noodle");
  return noodles.length ? [...noodles, ...others] : [registry.noodle(), ...others];
}
